/**
 * Stack configuration: the raw `relay-budget:*` keys of Pulumi.<stack>.yaml turned into one typed,
 * validated object. Every bad value fails here, before any resource is declared, with one line
 * that names the stack, the key, the value and what is allowed.
 */
import { RunError } from "@pulumi/pulumi/errors";
import { z } from "zod";
import { diskTypeOffered, isZone, loadCatalog, machineTypeOffered, regionOf, PERSISTENT_DISK_TYPES } from "./catalog/catalog";
import { poolWorkloadsProblem, poolWorkloadsSchema } from "./poolWorkloadsConfig";
import { allowListProblem, parseCidr } from "./validation/cidr";
import { cpuCoresProblem, memoryGiBProblem } from "./validation/kubernetesQuantity";
import { bodySizeProblem, MAX_BURST, MAX_CONNECTIONS_PER_UPSTREAM, MAX_PASSWORD_LENGTH, MAX_REQUESTS_PER_SECOND, MAX_UPSTREAM_TIMEOUT_SECONDS } from "./validation/proxyLimits";
import { stackRuleProblem } from "./validation/stackRules";

/** The config namespace: the Pulumi project name. */
export const PROJECT = "relay-budget";
import { STACKS } from "./stacks";
export { STACKS, type StackName } from "./stacks";

const RELAY_CHAIN_ID = /^[0-9A-Fa-f]{4}$/;
/** GCE / Kubernetes resource names: RFC 1035 labels. */
const RESOURCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;

const name = (what: string) => z.string().regex(RESOURCE_NAME, `is not a valid ${what} name (lower-case letters, digits and '-', starting with a letter, at most 63 characters)`);
const positiveInt = z.number({ error: "must be a number" }).int("must be a whole number").positive("must be a positive whole number");
const nonNegativeInt = z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more");
/** A wrapped "why not" check as a zod refinement: the reason becomes the issue's message. */
function checked<T>(problem: (value: T) => string | undefined) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const why = problem(value);
    if (why) ctx.addIssue({ code: "custom", message: why });
  };
}
/** A canonical CIDR range (validation/cidr.ts, the parser the policy pack uses too). */
const cidr = z.string().superRefine(checked((v: string) => { const r = parseCidr(v); return typeof r === "string" ? r : undefined; }));
/** A list of client ranges an internal service allows: canonical, private, each and together no broader than /8. */
const allowList = z.array(z.string()).min(1, "must list at least one range").superRefine((ranges, ctx) => {
  const bad = allowListProblem(ranges);
  if (bad) ctx.addIssue({ code: "custom", path: [bad.index], message: bad.problem });
});
/** Kubernetes CPU quantity in cores (0.5) and memory in GiB (2): numbers keep config and sizing arithmetic simple. */
const cpuCores = z.number({ error: "must be a number of CPU cores" }).superRefine(checked(cpuCoresProblem));
const memoryGiB = z.number({ error: "must be a number of GiB" }).superRefine(checked(memoryGiBProblem));
const boundedInt = (min: number, max: number, unit = "") =>
  z.number({ error: "must be a number" }).int("must be a whole number").min(min, `must be from ${min} to ${max}${unit}`).max(max, `must be from ${min} to ${max}${unit}`);
/** An IPv4 address written canonically (no leading zeros). */
const ipv4Address = z.string().refine((v) => !v.includes(":") && typeof parseCidr(`${v}/32`) !== "string", "is not an IPv4 address");

const autoscalingSchema = z.strictObject({
  /** Minimum nodes per zone. */
  minNodeCount: nonNegativeInt,
  /** Maximum nodes per zone. */
  maxNodeCount: positiveInt,
});

const taintSchema = z.strictObject({
  key: z.string().min(1, "must not be empty"),
  value: z.string(),
  effect: z.enum(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"], "must be NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE"),
});

/** A GKE node pool as it exists (or is to exist): the fields that decide what it costs and where pods land. */
const nodePoolSchema = z.strictObject({
  name: name("node pool"),
  /** Machine type offered in the stack's region, e.g. e2-standard-4. */
  machineType: z.string(),
  /** Nodes per zone; mutually exclusive with autoscaling. */
  nodeCount: positiveInt.optional(),
  autoscaling: autoscalingSchema.optional(),
  /** Zones of the pool; default: the cluster's node locations. */
  nodeLocations: z.array(z.string()).min(1, "must list at least one zone").optional(),
  /** Boot disk type (pd-standard, pd-balanced, pd-ssd). */
  diskType: z.enum(PERSISTENT_DISK_TYPES, `must be one of ${PERSISTENT_DISK_TYPES.join(", ")}`).default("pd-balanced"),
  diskSizeGb: z.number({ error: "must be a number" }).int("must be a whole number").min(10, "must be at least 10 (GKE's minimum boot disk)").default(100),
  spot: z.boolean().default(false),
  /** The cost-allocation label `component`. */
  component: name("component"),
  taints: z.array(taintSchema).default([]),
  /** Existing node pool to adopt: projects/<p>/locations/<loc>/clusters/<cluster>/nodePools/<name>. */
  importId: z.string().min(1).optional(),
});
export type NodePoolConfig = z.infer<typeof nodePoolSchema>;

const diskSchema = z.strictObject({
  name: name("disk"),
  type: z.enum(PERSISTENT_DISK_TYPES, `must be one of ${PERSISTENT_DISK_TYPES.join(", ")}`),
  sizeGb: positiveInt,
  /** Zone of the disk; default: the cluster's zone. */
  zone: z.string().optional(),
  /** Existing disk to adopt: projects/<p>/zones/<zone>/disks/<name>. */
  importId: z.string().min(1).optional(),
});
export type DiskConfig = z.infer<typeof diskSchema>;

const resourcesSchema = z.strictObject({
  cpuRequest: cpuCores,
  cpuLimit: cpuCores,
  memoryRequestGiB: memoryGiB,
  memoryLimitGiB: memoryGiB,
});
export type ResourcesConfig = z.infer<typeof resourcesSchema>;

const clusterSchema = z.strictObject({
  name: name("cluster"),
  /** A zone (zonal cluster, e.g. us-east1-b) or a region (regional cluster). */
  location: z.string(),
  /** Zones the cluster's nodes run in; default: the location's zone (zonal) or three zones (regional). */
  nodeLocations: z.array(z.string()).min(1, "must list at least one zone").optional(),
  network: z.string().default("default"),
  subnetwork: z.string().default("default"),
  /** The ranges this cluster's nodes and pods use (what another cluster's proxy must allow). */
  nodeCidr: cidr,
  podCidr: cidr,
  servicesCidr: cidr,
  /** Existing cluster to adopt: projects/<p>/locations/<loc>/clusters/<name>. */
  importId: z.string().min(1).optional(),
});

const blockchainNodeSchema = z.strictObject({
  name: name("blockchain node"),
  /** Relay chain IDs this node serves on mainnet (informational; the proxy routes by the testnet IDs). */
  relayChainIds: z.array(z.string().regex(RELAY_CHAIN_ID, "is not a relay chain ID (4 hex digits, e.g. 0021)")).min(1, "must list at least one relay chain ID"),
  namespace: name("namespace").default("blockchain"),
  /** The node's ClusterIP Service port. */
  port: z.number().int().min(1).max(65535, "must be a TCP port (1-65535)").default(8545),
  disk: diskSchema,
});

const proxyRouteSchema = z.strictObject({
  /** The relay chain ID the testnet validators use (testnet IDs differ from mainnet's). */
  relayChainId: z.string().regex(RELAY_CHAIN_ID, "is not a relay chain ID (4 hex digits, e.g. 0020)"),
  /** The prod blockchain node that serves it (a name in blockchainNodes). */
  blockchainNode: z.string(),
});

const blockchainProxySchema = z.strictObject({
  namespace: name("namespace").default("blockchain-proxy"),
  replicas: z.number().int("must be a whole number").min(2, "must be at least 2 (one pod may be disrupted at a time)").default(2),
  routes: z.array(proxyRouteSchema).min(1, "must route at least one relay chain ID"),
  /** CIDRs allowed to reach the proxy: the testnet cluster's node and pod ranges. */
  allowedSourceRanges: allowList,
  /** Region of the testnet cluster; another region than prod's needs the internal LB's global access. */
  clientRegion: z.string(),
  /** Static internal address of the load balancer, in the prod cluster's subnetwork. */
  internalIp: ipv4Address,
  /** Usernames allowed through basic auth; each needs a password in the secret config key proxyPasswords. */
  clients: z.array(z.string().regex(USERNAME, "is not a username (letters, digits, '.', '_', '-')")).min(1, "must list at least one client"),
  rateLimit: z.strictObject({ requestsPerSecond: boundedInt(1, MAX_REQUESTS_PER_SECOND), burst: boundedInt(0, MAX_BURST) }),
  /** Cap on concurrent relays per prod node (nginx limit_conn and max_conns). */
  maxConnectionsPerUpstream: boundedInt(1, MAX_CONNECTIONS_PER_UPSTREAM),
  maxBodySize: z.string().superRefine(checked(bodySizeProblem)).default("1m"),
  upstreamTimeoutSeconds: boundedInt(1, MAX_UPSTREAM_TIMEOUT_SECONDS, " seconds").default(260),
  /** Idle connections kept per prod node and nginx worker; at most maxConnectionsPerUpstream. */
  keepaliveConnections: positiveInt.default(16),
  resources: resourcesSchema,
});
export type BlockchainProxyConfig = z.infer<typeof blockchainProxySchema>;

const testnetChainSchema = z.strictObject({
  name: name("blockchain node"),
  relayChainId: z.string().regex(RELAY_CHAIN_ID, "is not a relay chain ID (4 hex digits, e.g. 0020)"),
  /** active: runs here as today; decommissioned: workload and disk removed, a snapshot kept, validators use the prod proxy. */
  state: z.enum(["active", "decommissioned"], "must be active or decommissioned"),
  image: z.string().min(1, "must not be empty"),
  args: z.array(z.string()).default([]),
  port: z.number().int().min(1).max(65535, "must be a TCP port (1-65535)").default(8545),
  resources: resourcesSchema,
  /** The chain's data disk; a decommissioned chain keeps a snapshot of it. */
  disk: diskSchema,
});
export type TestnetChainConfig = z.infer<typeof testnetChainSchema>;

const testnetBlockchainPoolSchema = nodePoolSchema
  .omit({ nodeCount: true, autoscaling: true })
  .extend({
    /** Pin the node count; default: sized from the active chains' requests. */
    nodeCount: positiveInt.optional(),
  });

const validatorsSchema = z.strictObject({
  namespace: name("namespace").default("pocket"),
  /** The Secret holding chains.json, mounted by the validator pods. */
  chainsSecretName: name("secret").default("validator-chains"),
  /** The prod stack whose proxy serves decommissioned chains: <org>/<project>/<stack>. */
  proxyStack: z.string().regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, "is not a stack reference (<organization>/<project>/<stack>)"),
  /** Basic-auth username of the validators at the proxy; its password is the secret config key validatorProxyPassword. */
  proxyUsername: z.string().regex(USERNAME, "is not a username (letters, digits, '.', '_', '-')"),
});

const labelsSchema = z.strictObject({
  /** The cost-allocation label `team`. */
  team: name("team"),
});

/**
 * Basic-auth passwords: no line break (it would split the chains.json line), no ':' (the Basic
 * credential separator), no control character; bounded so the proxy's credential map key fits
 * nginx's map hash bucket (components/nginxConfig.ts).
 */
const secretPassword = z
  .string()
  .min(16, "must be at least 16 characters")
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`)
  .refine((v) => !/[\u0000-\u001f\u007f:]/.test(v), "must not contain ':', a line break or another control character");

/** Keys common to both stacks. */
const baseKeys = {
  labels: labelsSchema,
  cluster: clusterSchema,
  /** Node pools kept as they are (declared so the stack's cost and ceilings are real). */
  nodePools: z.array(nodePoolSchema).default([]),
  /** Per pool, the workloads the program does not declare (poolWorkloadsConfig.ts). */
  poolWorkloads: poolWorkloadsSchema,
};

const prodSchema = z.strictObject({
  ...baseKeys,
  seedPool: nodePoolSchema.extend({
    /** Seed pods scheduled on the pool (the public seed list has ten). */
    seedReplicas: positiveInt,
    /** Seeds that must stay up during a resize or upgrade (the PodDisruptionBudget). */
    minAvailableSeeds: positiveInt,
    seedNamespace: name("namespace").default("pocket"),
    /** What one seed pod requests (for sizing checks and rightsizing). */
    seedResources: resourcesSchema,
  }),
  blockchainNodes: z.array(blockchainNodeSchema).min(1, "must list at least one blockchain node"),
  blockchainProxy: blockchainProxySchema.optional(),
  /** Secret: basic-auth password per proxy client. */
  proxyPasswords: z.record(z.string(), secretPassword).optional(),
});

const testnetSchema = z.strictObject({
  ...baseKeys,
  testnetChains: z.array(testnetChainSchema).min(1, "must list at least one chain"),
  testnetBlockchainPool: testnetBlockchainPoolSchema,
  validators: validatorsSchema,
  /** Secret: the validators' basic-auth password at the prod proxy. */
  validatorProxyPassword: secretPassword.optional(),
});

export type ProdConfig = z.infer<typeof prodSchema> & { stack: "prod"; project: string; region: string; gcpProject: string };
export type TestnetConfig = z.infer<typeof testnetSchema> & { stack: "testnet"; project: string; region: string; gcpProject: string };
export type StackConfig = ProdConfig | TestnetConfig;

/** Config keys whose values are secrets: never echoed in an error. */
export const SECRET_KEYS = ["proxyPasswords", "validatorProxyPassword"];

/** A RunError: the Pulumi CLI prints its one line without a stack trace. */
export class ConfigError extends RunError {}

/**
 * Validates the raw config of a stack. `raw` maps `namespace:key` (as Pulumi names config keys) to
 * its value, already parsed from JSON/YAML.
 */
export function parseStackConfig(stack: string, raw: Record<string, unknown>, secretKeys: readonly string[] = []): StackConfig {
  if (!(STACKS as readonly string[]).includes(stack)) {
    throw new ConfigError(`${stack}: unknown stack ${JSON.stringify(stack)} (allowed: ${STACKS.join(", ")})`);
  }
  const region = raw["gcp:region"];
  const gcpProject = raw["gcp:project"];
  const catalog = loadCatalog();
  if (typeof region !== "string" || !catalog.regions.includes(region)) {
    throw new ConfigError(`${stack}: gcp:region ${JSON.stringify(region)} is not a GCP region of the price catalog (e.g. us-east1)`);
  }
  if (typeof gcpProject !== "string" || !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(gcpProject)) {
    throw new ConfigError(`${stack}: gcp:project ${JSON.stringify(gcpProject)} is not a GCP project id (6-30 lower-case letters, digits and '-')`);
  }
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(`${PROJECT}:`)) own[key.slice(PROJECT.length + 1)] = value;
  }
  const schema = stack === "prod" ? prodSchema : testnetSchema;
  const parsed = schema.safeParse(own);
  // Any key the stack holds as a secret (`secure:`), beside the two known password keys.
  const secret = new Set([...SECRET_KEYS, ...secretKeys.filter((k) => k.startsWith(`${PROJECT}:`)).map((k) => k.slice(PROJECT.length + 1))]);
  if (!parsed.success) throw new ConfigError(describeIssue(stack, own, parsed.error.issues[0], secret));
  const config = { ...parsed.data, stack, project: PROJECT, region, gcpProject } as StackConfig;
  const problem =
    crossCheck(config, catalog) ??
    stackRuleProblem(config, clusterZones(config.cluster)) ??
    poolWorkloadsProblem(config.poolWorkloads, poolNamesOf(config), diskNamesOf(config));
  if (problem) throw new ConfigError(`${stack}: ${problem}`);
  return config;
}

function poolNamesOf(config: StackConfig): string[] {
  return [...config.nodePools.map((p) => p.name), config.stack === "prod" ? config.seedPool.name : config.testnetBlockchainPool.name];
}

function diskNamesOf(config: StackConfig): string[] {
  return config.stack === "prod" ? config.blockchainNodes.map((n) => n.disk.name) : config.testnetChains.map((c) => c.disk.name);
}

function describeIssue(stack: string, own: Record<string, unknown>, issue: z.core.$ZodIssue, secret: Set<string>): string {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const where = path.length ? formatPath(path) : "config";
    const allowed = allowedKeysAt(stack, path);
    return `${stack}: ${where} has unknown key ${JSON.stringify(issue.keys[0])}${allowed ? ` (allowed: ${allowed.join(", ")})` : ""}`;
  }
  const value = valueAt(own, path);
  if (value === undefined) return `${stack}: ${formatPath(path)} is required`;
  const shown = secret.has(path[0]) ? "[secret]" : JSON.stringify(value);
  const message = issue.code === "invalid_type" ? `must be ${article(issue.expected)}` : issue.message;
  return `${stack}: ${formatPath(path)} ${shown} ${message}`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function allowedKeysAt(stack: string, path: string[]): string[] | undefined {
  let schema: z.ZodType = stack === "prod" ? prodSchema : testnetSchema;
  for (const part of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[part];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return undefined;
    if (!schema) return undefined;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  while (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) schema = schema.unwrap() as z.ZodType;
  return schema;
}

function valueAt(root: unknown, path: string[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** seedPool.machineType, testnetChains[1].disk.type */
export function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (/^\d+$/.test(String(p)) ? `[${p}]` : i === 0 ? String(p) : `.${p}`)).join("");
}

/** Checks that span keys or need the catalog: region offerings, uniqueness, references, consistency. */
function crossCheck(config: StackConfig, catalog: ReturnType<typeof loadCatalog>): string | undefined {
  const region = config.region;
  const checkPool = (key: string, pool: { machineType: string; diskType: string; nodeLocations?: string[]; nodeCount?: number; autoscaling?: { minNodeCount: number; maxNodeCount: number } }) => {
    if (!machineTypeOffered(catalog, pool.machineType, region)) {
      return `${key}.machineType ${JSON.stringify(pool.machineType)} is not a machine type offered in ${region}`;
    }
    if (!diskTypeOffered(catalog, pool.diskType, region)) {
      return `${key}.diskType ${JSON.stringify(pool.diskType)} is not a disk type offered in ${region}`;
    }
    if (pool.nodeCount !== undefined && pool.autoscaling) {
      return `${key}.nodeCount ${pool.nodeCount} cannot be set together with autoscaling (choose one)`;
    }
    if (pool.autoscaling && pool.autoscaling.minNodeCount > pool.autoscaling.maxNodeCount) {
      return `${key}.autoscaling.minNodeCount ${pool.autoscaling.minNodeCount} must not exceed maxNodeCount ${pool.autoscaling.maxNodeCount}`;
    }
    for (const [i, zone] of (pool.nodeLocations ?? []).entries()) {
      const bad = zoneProblem(`${key}.nodeLocations[${i}]`, zone, region);
      if (bad) return bad;
    }
    return undefined;
  };

  const locationRegion = regionOf(config.cluster.location);
  if (locationRegion !== region) {
    return `cluster.location ${JSON.stringify(config.cluster.location)} is not in gcp:region ${region} (a zone such as ${region}-b, or ${region})`;
  }
  for (const [i, zone] of (config.cluster.nodeLocations ?? []).entries()) {
    const bad = zoneProblem(`cluster.nodeLocations[${i}]`, zone, region);
    if (bad) return bad;
  }
  const poolNames = new Set<string>();
  const pools: [string, Parameters<typeof checkPool>[1] & { name: string }][] = config.nodePools.map((p, i) => [`nodePools[${i}]`, p]);
  if (config.stack === "prod") pools.push(["seedPool", config.seedPool]);
  else pools.push(["testnetBlockchainPool", config.testnetBlockchainPool]);
  for (const [key, pool] of pools) {
    if (pool.nodeCount === undefined && !pool.autoscaling && key !== "testnetBlockchainPool") {
      return `${key}.nodeCount is required (or autoscaling with minNodeCount and maxNodeCount)`;
    }
    const bad = checkPool(key, pool);
    if (bad) return bad;
    if (poolNames.has(pool.name)) return `${key}.name ${JSON.stringify(pool.name)} is used by another node pool (names must be unique)`;
    poolNames.add(pool.name);
  }
  const checkDisk = (key: string, disk: DiskConfig) => {
    if (!diskTypeOffered(catalog, disk.type, region)) return `${key}.type ${JSON.stringify(disk.type)} is not a disk type offered in ${region}`;
    return disk.zone ? zoneProblem(`${key}.zone`, disk.zone, region) : undefined;
  };

  if (config.stack === "prod") {
    const seeds = config.seedPool;
    if (seeds.minAvailableSeeds >= seeds.seedReplicas) {
      return `seedPool.minAvailableSeeds ${seeds.minAvailableSeeds} must be less than seedReplicas ${seeds.seedReplicas} (otherwise no node can ever be drained)`;
    }
    const nodeNames = new Set<string>();
    const mainnetIds = new Set<string>();
    for (const [i, node] of config.blockchainNodes.entries()) {
      if (nodeNames.has(node.name)) return `blockchainNodes[${i}].name ${JSON.stringify(node.name)} is used by another blockchain node (names must be unique)`;
      nodeNames.add(node.name);
      for (const id of node.relayChainIds) {
        if (mainnetIds.has(id.toLowerCase())) return `blockchainNodes[${i}].relayChainIds ${JSON.stringify(id)} is served by another blockchain node (relay chain IDs must be unique)`;
        mainnetIds.add(id.toLowerCase());
      }
      const bad = checkDisk(`blockchainNodes[${i}].disk`, node.disk);
      if (bad) return bad;
    }
    const proxy = config.blockchainProxy;
    if (proxy) {
      const routed = new Set<string>();
      for (const [i, route] of proxy.routes.entries()) {
        if (routed.has(route.relayChainId.toLowerCase())) {
          return `blockchainProxy.routes[${i}].relayChainId ${JSON.stringify(route.relayChainId)} is routed twice (relay chain IDs must be unique)`;
        }
        routed.add(route.relayChainId.toLowerCase());
        if (!nodeNames.has(route.blockchainNode)) {
          return `blockchainProxy.routes[${i}].blockchainNode ${JSON.stringify(route.blockchainNode)} is not a blockchain node of this stack (allowed: ${[...nodeNames].join(", ")})`;
        }
      }
      if (!catalog.regions.includes(proxy.clientRegion)) {
        return `blockchainProxy.clientRegion ${JSON.stringify(proxy.clientRegion)} is not a GCP region (e.g. us-east1)`;
      }
      const resourcesProblem = checkResources("blockchainProxy.resources", proxy.resources);
      if (resourcesProblem) return resourcesProblem;
      const passwords = config.proxyPasswords ?? {};
      for (const [i, client] of proxy.clients.entries()) {
        if (passwords[client] === undefined) {
          return `blockchainProxy.clients[${i}] ${JSON.stringify(client)} has no password in the secret key proxyPasswords (pulumi config set --secret --path 'proxyPasswords.${client}' ...)`;
        }
      }
    }
    return checkResources("seedPool.seedResources", seeds.seedResources);
  }

  const chainNames = new Set<string>();
  const chainIds = new Set<string>();
  for (const [i, chain] of config.testnetChains.entries()) {
    if (chainNames.has(chain.name)) return `testnetChains[${i}].name ${JSON.stringify(chain.name)} is used by another chain (names must be unique)`;
    chainNames.add(chain.name);
    if (chainIds.has(chain.relayChainId.toLowerCase())) {
      return `testnetChains[${i}].relayChainId ${JSON.stringify(chain.relayChainId)} is used by another chain (relay chain IDs must be unique)`;
    }
    chainIds.add(chain.relayChainId.toLowerCase());
    const bad = checkDisk(`testnetChains[${i}].disk`, chain.disk) ?? checkResources(`testnetChains[${i}].resources`, chain.resources);
    if (bad) return bad;
  }
  const decommissioned = config.testnetChains.some((c) => c.state === "decommissioned");
  if (decommissioned && config.validatorProxyPassword === undefined) {
    return `validatorProxyPassword is required when a chain is decommissioned (pulumi config set --secret validatorProxyPassword ...)`;
  }
  return undefined;
}

function checkResources(key: string, r: ResourcesConfig): string | undefined {
  if (r.cpuRequest > r.cpuLimit) return `${key}.cpuRequest ${r.cpuRequest} must not exceed cpuLimit ${r.cpuLimit}`;
  if (r.memoryRequestGiB > r.memoryLimitGiB) return `${key}.memoryRequestGiB ${r.memoryRequestGiB} must not exceed memoryLimitGiB ${r.memoryLimitGiB}`;
  return undefined;
}

function zoneProblem(key: string, zone: string, region: string): string | undefined {
  if (!isZone(zone) || regionOf(zone) !== region) return `${key} ${JSON.stringify(zone)} is not a zone of ${region} (e.g. ${region}-b)`;
  return undefined;
}

/**
 * The zones a cluster's nodes run in: its node locations (beside its own zone when zonal, as GKE
 * counts them and the cost engine prices them), else its zone, else (regional) three zones.
 */
export function clusterZones(cluster: { location: string; nodeLocations?: string[] }): string[] {
  if (cluster.nodeLocations?.length) {
    return isZone(cluster.location) ? [...new Set([cluster.location, ...cluster.nodeLocations])] : cluster.nodeLocations;
  }
  if (isZone(cluster.location)) return [cluster.location];
  return ["b", "c", "d"].map((z) => `${cluster.location}-${z}`);
}

/**
 * Checks across keys of a stack's config that schema checks cannot make: values that each validate
 * but together cannot be right (two chains on one disk, a disk outside the cluster's zones, an
 * internal address outside the node range, overlapping cluster ranges, a seed pool that cannot
 * drain a node, a proxy nginx would refuse). config/parseStackConfig.ts runs them after its own
 * checks; each returns the first problem as the one line it prefixes with the stack name.
 *
 * It reads the parsed config through the narrow shapes below (not config/'s types) so that
 * config/ can import it without an import cycle.
 */
import { cidrContains, cidrsOverlap, Cidr, parseCidr } from "./cidr";
import { MAX_WORKER_PROCESSES, proxyCapacityProblem } from "./proxyLimits";

interface DiskShape {
  name: string;
  zone?: string;
  importId?: string;
}

interface ClusterShape {
  name: string;
  nodeCidr: string;
  podCidr: string;
  servicesCidr: string;
}

interface PoolShape {
  nodeCount?: number;
  autoscaling?: { minNodeCount: number; maxNodeCount: number };
  nodeLocations?: string[];
}

export interface StackRulesInput {
  stack: "prod" | "testnet";
  cluster: ClusterShape;
  seedPool?: PoolShape & { seedReplicas: number; minAvailableSeeds: number };
  blockchainNodes?: { name: string; disk: DiskShape }[];
  blockchainProxy?: {
    routes: { blockchainNode: string }[];
    internalIp: string;
    clients: string[];
    maxConnectionsPerUpstream: number;
    maxConnectionsPerClient: number;
    keepaliveConnections: number;
    workerConnections: number;
    maxBodySize: string;
    resources: { cpuLimit: number; memoryLimitGiB: number };
  };
  testnetChains?: { name: string; disk: DiskShape }[];
}

/** The first cross-key problem of a parsed stack config, or undefined. `zones` are the cluster's zones. */
export function stackRuleProblem(config: StackRulesInput, zones: string[]): string | undefined {
  return (
    clusterRangesProblem(config.cluster) ??
    disksProblem(config.stack === "prod" ? "blockchainNodes" : "testnetChains", (config.blockchainNodes ?? config.testnetChains ?? []).map((c) => c.disk), config.cluster.name, zones) ??
    (config.seedPool ? seedDrainProblem(config.seedPool, zones) : undefined) ??
    (config.blockchainProxy ? proxyProblem(config.blockchainProxy, config.cluster) : undefined)
  );
}

const CLUSTER_RANGES = ["nodeCidr", "podCidr", "servicesCidr"] as const;

function clusterRangesProblem(cluster: ClusterShape): string | undefined {
  const ranges = CLUSTER_RANGES.map((key) => ({ key, range: parseCidr(cluster[key]) as Cidr }));
  for (const [i, a] of ranges.entries()) {
    for (const b of ranges.slice(i + 1)) {
      if (cidrsOverlap(a.range, b.range)) {
        return `cluster.${b.key} ${JSON.stringify(cluster[b.key])} overlaps cluster.${a.key} ${JSON.stringify(cluster[a.key])} (node, pod and service ranges must not overlap)`;
      }
    }
  }
  return undefined;
}

function disksProblem(key: string, disks: DiskShape[], clusterName: string, zones: string[]): string | undefined {
  for (const [i, disk] of disks.entries()) {
    if (disk.zone !== undefined && !zones.includes(disk.zone)) {
      return `${key}[${i}].disk.zone ${JSON.stringify(disk.zone)} is not a zone of cluster ${clusterName} (its nodes run in ${zones.join(", ")}; a pod cannot mount a disk of another zone)`;
    }
    const other = disks.findIndex((d, j) => j < i && (d.name === disk.name || (disk.importId !== undefined && d.importId === disk.importId)));
    if (other !== -1) {
      const same = disks[other].name === disk.name ? `name ${JSON.stringify(disk.name)}` : `importId ${JSON.stringify(disk.importId)}`;
      return `${key}[${i}].disk has the ${same} of ${key}[${other}].disk (each needs its own disk: a disk mounts read-write on one node)`;
    }
  }
  return undefined;
}

/**
 * The seeds that stay up while one node drains, with the seeds spread evenly (the most a node holds
 * is ceil(replicas / nodes)), must be at least minAvailableSeeds, or the PodDisruptionBudget blocks
 * every drain: upgrades and resizes hang.
 */
function seedDrainProblem(pool: PoolShape & { seedReplicas: number; minAvailableSeeds: number }, clusterZones: string[]): string | undefined {
  const zones = pool.nodeLocations?.length ?? clusterZones.length;
  const perZone = pool.nodeCount ?? pool.autoscaling?.minNodeCount ?? 0;
  const nodes = perZone * zones;
  const mostOnOneNode = nodes > 0 ? Math.ceil(pool.seedReplicas / nodes) : pool.seedReplicas;
  const stayUp = pool.seedReplicas - mostOnOneNode;
  if (stayUp < pool.minAvailableSeeds) {
    return `seedPool.minAvailableSeeds ${pool.minAvailableSeeds} cannot be kept while one node drains: ${pool.seedReplicas} seeds on ${nodes} node(s) put up to ${mostOnOneNode} on one, leaving ${stayUp} (lower minAvailableSeeds or add nodes)`;
  }
  return undefined;
}

function proxyProblem(proxy: NonNullable<StackRulesInput["blockchainProxy"]>, cluster: ClusterShape): string | undefined {
  const seen = new Map<string, number>();
  for (const [i, client] of proxy.clients.entries()) {
    if (seen.has(client)) return `blockchainProxy.clients[${i}] ${JSON.stringify(client)} is listed twice (clients[${seen.get(client)}])`;
    seen.set(client, i);
  }
  const nodeRange = parseCidr(cluster.nodeCidr) as Cidr;
  const address = parseCidr(`${proxy.internalIp}/32`) as Cidr;
  if (!cidrContains(nodeRange, address)) {
    return `blockchainProxy.internalIp ${JSON.stringify(proxy.internalIp)} is not in cluster.nodeCidr ${cluster.nodeCidr} (the internal load balancer takes an address of the cluster's subnetwork)`;
  }
  // GCP reserves a subnet's network and gateway addresses and its last two.
  const offset = parseInt(address.bits.slice(nodeRange.prefix), 2);
  const size = 2 ** (32 - nodeRange.prefix);
  if (offset < 2 || offset >= size - 2) {
    return `blockchainProxy.internalIp ${JSON.stringify(proxy.internalIp)} is one of the four addresses GCP reserves in ${cluster.nodeCidr} (its first two and last two)`;
  }
  if (proxy.keepaliveConnections > proxy.maxConnectionsPerUpstream) {
    return `blockchainProxy.keepaliveConnections ${proxy.keepaliveConnections} must not exceed maxConnectionsPerUpstream ${proxy.maxConnectionsPerUpstream} (idle connections beyond the cap are never used)`;
  }
  const workers = Math.ceil(proxy.resources.cpuLimit);
  if (workers > MAX_WORKER_PROCESSES) {
    return `blockchainProxy.resources.cpuLimit ${proxy.resources.cpuLimit} would run ${workers} nginx workers (one per CPU), more than ${MAX_WORKER_PROCESSES}`;
  }
  const fields: Record<string, string> = { memoryLimitBytes: "resources.memoryLimitGiB", workerProcesses: "resources.cpuLimit", nodes: "routes" };
  return proxyCapacityProblem(
    { ...proxy, nodes: new Set(proxy.routes.map((r) => r.blockchainNode)).size, workerProcesses: workers, memoryLimitBytes: proxy.resources.memoryLimitGiB * 2 ** 30 },
    (name) => `blockchainProxy.${fields[name] ?? name}`,
  );
}

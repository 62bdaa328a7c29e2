/**
 * The checks a schema cannot make on one field alone: what the catalog offers in the stack's
 * region, zones of that region, unique names and relay chain IDs, references between keys, and
 * requests within limits. Each returns the first problem as a line without the stack prefix.
 */
import { diskTypeOffered, loadCatalog, machineTypeOffered } from "../catalog/catalog";
import { isZone, regionOf } from "../catalog/gcpLocations";
import type { DiskConfig } from "./clusterSchema";
import type { ResourcesConfig } from "./fields";
import type { StackConfig } from "./stackSchemas";

/** Checks that span keys or need the catalog: region offerings, uniqueness, references, consistency. */
export function crossCheck(config: StackConfig, catalog: ReturnType<typeof loadCatalog>): string | undefined {
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

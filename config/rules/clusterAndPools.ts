/**
 * The cluster and its node pools: the cluster in the stack's region with ranges that do not
 * overlap, every pool's machine and disk offered there, a node count or autoscaling (not both),
 * unique pool names, and a seed pool that can drain a node.
 */
import type { PriceCatalog } from "../../catalog/catalog";
import { diskTypeOffered, machineTypeOffered } from "../../catalog/catalog";
import { regionOf } from "../../catalog/gcpLocations";
import { Cidr, cidrsOverlap, parseCidr } from "../../validation/cidr";
import type { NodePoolConfig } from "../clusterSchema";
import type { ProdConfig, StackConfig } from "../stackSchemas";
import { poolNodeCount, seedsUpWhileOneNodeDrains } from "../../sizing/nodePoolSize";
import { resourcesProblem } from "./containerResources";
import { zoneProblem } from "./zones";

export function clusterAndPoolsProblem(config: StackConfig, catalog: PriceCatalog, clusterZones: string[]): string | undefined {
  return clusterProblem(config) ?? poolsProblem(config, catalog) ?? (config.stack === "prod" ? seedPoolProblem(config, clusterZones) : undefined);
}

const CLUSTER_RANGES = ["nodeCidr", "podCidr", "servicesCidr"] as const;

function clusterProblem(config: StackConfig): string | undefined {
  const { cluster, region } = config;
  if (regionOf(cluster.location) !== region) {
    return `cluster.location ${JSON.stringify(cluster.location)} is not in gcp:region ${region} (a zone such as ${region}-b, or ${region})`;
  }
  for (const [i, zone] of (cluster.nodeLocations ?? []).entries()) {
    const bad = zoneProblem(`cluster.nodeLocations[${i}]`, zone, region);
    if (bad) return bad;
  }
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

function poolsProblem(config: StackConfig, catalog: PriceCatalog): string | undefined {
  const pools: [string, NodePoolConfig | (Omit<NodePoolConfig, "nodeCount"> & { nodeCount?: number })][] = config.nodePools.map((p, i) => [`nodePools[${i}]`, p]);
  if (config.stack === "prod") pools.push(["seedPool", config.seedPool]);
  else pools.push(["testnetBlockchainPool", config.testnetBlockchainPool]);
  const names = new Set<string>();
  for (const [key, pool] of pools) {
    // The testnet blockchain pool may leave its count to the chains it carries.
    if (pool.nodeCount === undefined && !pool.autoscaling && key !== "testnetBlockchainPool") {
      return `${key}.nodeCount is required (or autoscaling with minNodeCount and maxNodeCount)`;
    }
    const bad = poolProblem(key, pool, config.region, catalog);
    if (bad) return bad;
    if (names.has(pool.name)) return `${key}.name ${JSON.stringify(pool.name)} is used by another node pool (names must be unique)`;
    names.add(pool.name);
  }
  return undefined;
}

function poolProblem(key: string, pool: Pick<NodePoolConfig, "machineType" | "diskType" | "nodeLocations" | "autoscaling"> & { nodeCount?: number }, region: string, catalog: PriceCatalog): string | undefined {
  if (!machineTypeOffered(catalog, pool.machineType, region)) return `${key}.machineType ${JSON.stringify(pool.machineType)} is not a machine type offered in ${region}`;
  if (!diskTypeOffered(catalog, pool.diskType, region)) return `${key}.diskType ${JSON.stringify(pool.diskType)} is not a disk type offered in ${region}`;
  if (pool.nodeCount !== undefined && pool.autoscaling) return `${key}.nodeCount ${pool.nodeCount} cannot be set together with autoscaling (choose one)`;
  if (pool.autoscaling && pool.autoscaling.minNodeCount > pool.autoscaling.maxNodeCount) {
    return `${key}.autoscaling.minNodeCount ${pool.autoscaling.minNodeCount} must not exceed maxNodeCount ${pool.autoscaling.maxNodeCount}`;
  }
  for (const [i, zone] of (pool.nodeLocations ?? []).entries()) {
    const bad = zoneProblem(`${key}.nodeLocations[${i}]`, zone, region);
    if (bad) return bad;
  }
  return undefined;
}

function seedPoolProblem(config: ProdConfig, clusterZones: string[]): string | undefined {
  const seeds = config.seedPool;
  if (seeds.minAvailableSeeds >= seeds.seedReplicas) {
    return `seedPool.minAvailableSeeds ${seeds.minAvailableSeeds} must be less than seedReplicas ${seeds.seedReplicas} (otherwise no node can ever be drained)`;
  }
  const resources = resourcesProblem("seedPool.seedResources", seeds.seedResources);
  if (resources) return resources;
  const nodes = poolNodeCount(seeds, clusterZones);
  const { mostOnOneNode, stayUp } = seedsUpWhileOneNodeDrains(seeds.seedReplicas, nodes);
  if (stayUp < seeds.minAvailableSeeds) {
    return `seedPool.minAvailableSeeds ${seeds.minAvailableSeeds} cannot be kept while one node drains: ${seeds.seedReplicas} seeds on ${nodes} node(s) put up to ${mostOnOneNode} on one, leaving ${stayUp} (lower minAvailableSeeds or add nodes)`;
  }
  return undefined;
}

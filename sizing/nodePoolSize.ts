/**
 * How many nodes a pool has, and what a drain of one leaves of the seeds: the one formula config
 * validation (config/rules/clusterAndPools.ts) and the SeedNodePool component both use.
 */

/** What decides a pool's node count. */
export interface PoolCount {
  /** Nodes per zone (a fixed pool). */
  nodeCount?: number;
  /** Per-zone bounds of an autoscaled pool. */
  autoscaling?: { minNodeCount: number; maxNodeCount: number };
  /** The pool's own zones; default the cluster's. */
  nodeLocations?: string[];
}

/** Nodes of a pool across its zones (the autoscaling minimum when autoscaled): its own node locations, else the cluster's zones. */
export function poolNodeCount(pool: PoolCount, clusterZones: string[]): number {
  const zones = pool.nodeLocations?.length ?? clusterZones.length;
  return (pool.nodeCount ?? pool.autoscaling?.minNodeCount ?? 0) * zones;
}

/**
 * The seeds that stay up while one node drains, with the seeds spread evenly: the most a node holds
 * is ceil(replicas / nodes). Below minAvailableSeeds, the PodDisruptionBudget blocks every drain.
 */
export function seedsUpWhileOneNodeDrains(seedReplicas: number, nodes: number): { mostOnOneNode: number; stayUp: number } {
  const mostOnOneNode = nodes > 0 ? Math.ceil(seedReplicas / nodes) : seedReplicas;
  return { mostOnOneNode, stayUp: seedReplicas - mostOnOneNode };
}

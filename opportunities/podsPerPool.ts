/**
 * Which pods land on which node pool, read from the resource graph the program declares plus the
 * demand the config states for pods the program does not declare:
 * - declared workloads (Deployment, StatefulSet, ReplicaSet, Pod; declaredWorkloads.ts) are matched
 *   against each pool's node labels and taints (nodePools.ts, podScheduling.ts): nodeSelector,
 *   required node affinity, tolerations. A workload that could land on several pools is reported as
 *   unplaced (its pods cannot be charged to one pool).
 * - pods the program does not declare (validators, blockchain nodes, system pods, prod's seeds)
 *   are stated in config per pool and carried into the graph as an input (`statedDemand`) of the component declaring the pool: the
 *   analysis reads them from its inputs, never from the config (statedDemand.ts).
 * PodDisruptionBudgets that select a group's pods give the most pods of that group one node may
 * hold: draining a node must not evict more than the budget allows (disruptionLimits.ts).
 */
import { ResourceRecord } from "../graph/resourceRecord";
import { declaredWorkloads } from "./declaredWorkloads";
import { disruptionBudgets, disruptionLimit } from "./disruptionLimits";
import { poolNodes } from "./nodePools";
import { NODE_POOL_TYPE } from "../graph/resourceTypes";
import { PodGroup } from "./podGroup";
import { podFitsPool } from "./podScheduling";
import { valueAt } from "../graph/valueReader";
import { statedGroups } from "./statedDemand";

export type { PodGroup } from "./podGroup";

export interface PoolPlacement {
  urn: string;
  /** The GKE pool name. */
  pool: string;
  groups: PodGroup[];
}

export interface UnplacedWorkload {
  name: string;
  reason: string;
}

export interface PodsPerPool {
  /** Pools by URN, each with the pod groups pinned to it (possibly none). */
  pools: PoolPlacement[];
  unplaced: UnplacedWorkload[];
}

export function podsPerPool(resources: ResourceRecord[]): PodsPerPool {
  const pools = resources.filter((r) => r.type === NODE_POOL_TYPE).map(poolNodes);
  const placements = new Map<string, PoolPlacement>(pools.map((p) => [p.name, { urn: p.urn, pool: p.name, groups: [] }]));
  const budgets = disruptionBudgets(resources);
  const unplaced: UnplacedWorkload[] = [];

  for (const entry of declaredWorkloads(resources)) {
    if ("unknown" in entry) {
      unplaced.push(entry.unknown);
      continue;
    }
    const { name, namespace, podSpec, podLabels, replicas, requests } = entry.workload;
    const candidates = pools.filter((pool) => podFitsPool(podSpec, pool));
    if (candidates.length !== 1) {
      unplaced.push({
        name,
        reason: candidates.length === 0 ? "no pool of the stack accepts its pods (node selector, affinity or taints)" : `may land on any of ${candidates.map((c) => c.name).join(", ")}: not charged to one pool`,
      });
      continue;
    }
    placements.get(candidates[0].name)!.groups.push({
      name,
      source: "workload",
      from: `${name} (${valueAt(podSpec, "nodeSelector") ? "nodeSelector" : "affinity/tolerations"})`,
      replicas,
      cpu: requests.cpu,
      memoryGiB: requests.memoryGiB,
      ...disruptionLimit(budgets, namespace, podLabels, replicas),
    });
  }

  for (const { pool, group } of statedGroups(resources, budgets)) {
    const placement = placements.get(pool);
    if (placement) placement.groups.push(group);
    else unplaced.push({ name: group.name, reason: `its pool ${pool} is not in the graph` });
  }
  return { pools: [...placements.values()], unplaced };
}

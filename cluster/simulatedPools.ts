/**
 * The node pools of a recorded stack as the local control plane simulates them (kwok nodes) and
 * the pods the plan puts on each: the machine type's capacity, GKE's allocatable
 * (sizing/gkeAllocatable.ts), the pool's labels and taints, the node count the stack declares, and
 * every pod group the placement analysis charges to the pool (opportunities/podsPerPool.ts) with
 * its stated requests and its disruption limit. Pure: it reads the graph, it talks to no cluster.
 */
import { PriceCatalog } from "../catalog/catalog";
import { machineSize } from "../cost/pricers/machineGroup";
import { ResourceRecord } from "../graph/resourceRecord";
import { statedDemandOf } from "../graph/statedPodGroup";
import { NODE_POOL_TYPE } from "../graph/resourceTypes";
import { valueAt } from "../graph/valueReader";
import { poolNodes } from "../opportunities/nodePools";
import { PodGroup } from "../opportunities/podGroup";
import { podsPerPool } from "../opportunities/podsPerPool";
import { gkeAllocatable } from "../sizing/gkeAllocatable";

/** GKE's default maximum pods per node (Standard clusters). */
export const GKE_MAX_PODS_PER_NODE = 110;

export interface SimulatedGroup {
  /** A DNS-1123 name for the group's Deployment and PodDisruptionBudget in the simulation. */
  id: string;
  /** The group's name in the analysis, e.g. "pocket-validators (pocket)". */
  name: string;
  replicas: number;
  /** Requests of one pod, in millicores and MiB as the API server stores them. */
  cpuMilli: number;
  memoryMi: number;
  /** Most pods of the group one node may hold in the rightsizing's model (opportunities/disruptionLimits.ts); absent: no limit. */
  maxPerNode?: number;
  /** Pods that must stay up while nodes are drained (the analysis's disruption limit as a PodDisruptionBudget); absent: none. */
  minAvailable?: number;
  /** Why minAvailable is what it is. */
  disruptionBudget?: string;
  /** At most one pod per node (required pod anti-affinity). */
  onePerNode: boolean;
}

export interface SimulatedPool {
  stack: string;
  /** The GKE pool name. */
  pool: string;
  machineType: string;
  /** Nodes the stack declares (an autoscaled pool: its minimum). */
  nodeCount: number;
  /** One node's capacity and GKE allocatable, in millicores and MiB. */
  capacity: { cpuMilli: number; memoryMi: number };
  allocatable: { cpuMilli: number; memoryMi: number };
  labels: Record<string, string>;
  taints: { key: string; value: string; effect: string }[];
  /** The pool's upgrade settings as declared (GKE's surge upgrade). */
  upgrade: { maxSurge: number; maxUnavailable: number };
  groups: SimulatedGroup[];
}

/** Pools whose pods cannot be simulated, with the reason. */
export interface UnsimulatedPool {
  stack: string;
  pool: string;
  reason: string;
}

const MIB_PER_GIB = 1024;

/** A DNS-1123 label from a group or pool name. */
export function kubeName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 55);
}

/** Stated workloads that ask for one pod per node, by the group name the analysis gives them. */
function onePerNodeGroups(resources: ResourceRecord[]): Set<string> {
  const names = new Set<string>();
  for (const stated of Object.values(statedDemandOf(resources))) {
    for (const w of stated) if (w.onePerNode) names.add(`${w.name} (${w.namespace})`);
  }
  return names;
}

function simulatedGroup(group: PodGroup, onePerNode: Set<string>): SimulatedGroup {
  const minAvailable = group.maxPerNode !== undefined ? Math.max(0, group.replicas - group.maxPerNode) : undefined;
  return {
    id: kubeName(group.name.replace(/^(StatefulSet|Deployment|ReplicaSet|Pod) /, "")),
    name: group.name,
    replicas: group.replicas,
    cpuMilli: Math.round(group.cpu * 1000),
    memoryMi: Math.round(group.memoryGiB * MIB_PER_GIB),
    ...(group.maxPerNode !== undefined ? { maxPerNode: group.maxPerNode } : {}),
    ...(minAvailable !== undefined && minAvailable > 0 ? { minAvailable, disruptionBudget: group.disruptionBudget } : {}),
    onePerNode: onePerNode.has(group.name),
  };
}

/** Every node pool of the stack's graph, shaped as the simulation builds it, or why it cannot be. */
export function simulatedPools(stack: string, resources: ResourceRecord[], catalog: PriceCatalog): { pools: SimulatedPool[]; unsimulated: UnsimulatedPool[] } {
  const placement = podsPerPool(resources);
  const onePerNode = onePerNodeGroups(resources);
  const pools: SimulatedPool[] = [];
  const unsimulated: UnsimulatedPool[] = [];
  for (const record of resources.filter((r) => r.type === NODE_POOL_TYPE)) {
    const nodes = poolNodes(record);
    const machineType = valueAt(record.inputs, "nodeConfig.machineType");
    const declaredCount = valueAt(record.inputs, "nodeCount") ?? valueAt(record.inputs, "autoscaling.minNodeCount");
    const size = typeof machineType === "string" ? machineSize(catalog, machineType) : undefined;
    if (!size || typeof declaredCount !== "number") {
      unsimulated.push({ stack, pool: nodes.name, reason: !size ? `machine type ${JSON.stringify(machineType)} is not in the catalog` : "its node count is not known before apply" });
      continue;
    }
    const allocatable = gkeAllocatable(size.vcpu, size.memoryGb);
    const groups = placement.pools.find((p) => p.urn === record.urn)?.groups ?? [];
    pools.push({
      stack,
      pool: nodes.name,
      machineType: machineType as string,
      nodeCount: declaredCount,
      capacity: { cpuMilli: Math.round(size.vcpu * 1000), memoryMi: Math.round(size.memoryGb * MIB_PER_GIB) },
      allocatable: { cpuMilli: Math.floor(allocatable.cpu * 1000), memoryMi: Math.floor(allocatable.memoryGiB * MIB_PER_GIB) },
      labels: nodes.labels,
      taints: nodes.taints,
      upgrade: {
        maxSurge: Number(valueAt(record.inputs, "upgradeSettings.maxSurge") ?? 1),
        maxUnavailable: Number(valueAt(record.inputs, "upgradeSettings.maxUnavailable") ?? 0),
      },
      groups: groups.map((g) => simulatedGroup(g, onePerNode)),
    });
  }
  return { pools, unsimulated };
}

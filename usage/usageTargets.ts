/**
 * What a usage file can address in one side of a stack (a graph and its prices): node pools, the
 * stated workloads (`<pool>/<workload>`), the workloads the program declares (StatefulSets,
 * Deployments), forwarding rules (their own resource or a LoadBalancer Service's) and snapshots;
 * and which usage keys apply to each kind.
 */
import { FALLBACK_REGION } from "../cost/resourceGraph";
import type { PricedResource } from "../cost/model";
import type { ResourceRecord } from "../graph/resourceRecord";
import { NODE_POOL_TYPE, RESOURCE_TYPES } from "../graph/resourceTypes";
import { StatedDemand, StatedPodGroup, statedDemandOf } from "../graph/statedPodGroup";
import { USAGE_KEYS, type UsageKey } from "./usageKeys";

export type UsageTargetKind = "cluster" | "nodePool" | "statedWorkload" | "workload" | "forwardingRule" | "snapshot";

/** The type token `resource_type_default_usage` names stated workloads by (they are no Pulumi resource). */
export const STATED_WORKLOAD_TYPE = "poolWorkload";

/** Traffic a pool or a workload sends, and data processed for it. */
export const TRAFFIC_KEYS: UsageKey[] = USAGE_KEYS.filter((key) => !["nodes", "storage_gb", "monthly_ingress_data_gb"].includes(key));

export const KEYS_BY_KIND: Record<UsageTargetKind, UsageKey[]> = {
  // A project's traffic that no node pool label carries (a billing export's internet egress) is the cluster's.
  cluster: TRAFFIC_KEYS,
  nodePool: ["nodes", ...TRAFFIC_KEYS],
  statedWorkload: TRAFFIC_KEYS,
  workload: TRAFFIC_KEYS,
  forwardingRule: ["monthly_ingress_data_gb"],
  snapshot: ["storage_gb"],
};

/** Keys whose absence leaves a bill unknown (a snapshot and a pool's node count are priced as declared without usage). */
export const BILLING_USAGE_KEYS: ReadonlySet<UsageKey> = new Set<UsageKey>([...TRAFFIC_KEYS, "monthly_ingress_data_gb"]);

export interface UsageTarget {
  /** Resource name, or <pool>/<workload> for a stated workload. */
  address: string;
  urn?: string;
  type: string;
  kind: UsageTargetKind;
  region: string;
  /** The resource as the engine priced it (absent for a stated workload). */
  priced?: PricedResource;
  /** A stated workload's group as the graph carries it. */
  group?: StatedPodGroup;
  /** The group comes from the other side's graph: this side's carries no stated demand. */
  borrowed?: boolean;
}

/** The kind of resource a type token names, for `resource_type_default_usage`; undefined when usage never applies. */
export function kindOfType(type: string): UsageTargetKind | undefined {
  if (type === NODE_POOL_TYPE) return "nodePool";
  if (type === RESOURCE_TYPES.cluster) return "cluster";
  if (type === STATED_WORKLOAD_TYPE) return "statedWorkload";
  if (type === RESOURCE_TYPES.k8sStatefulSet || type === RESOURCE_TYPES.k8sDeployment) return "workload";
  if (type === RESOURCE_TYPES.forwardingRule || type === RESOURCE_TYPES.globalForwardingRule || type === RESOURCE_TYPES.k8sService) return "forwardingRule";
  if (type === RESOURCE_TYPES.snapshot) return "snapshot";
  return undefined;
}

/** The region a side's workloads run in: its cluster's or pools' (every stack has one cluster). */
function sideRegion(priced: PricedResource[]): string {
  for (const resource of priced) {
    const shape = resource.shape;
    if (shape && (shape.kind === "gkeCluster" || shape.kind === "machineGroup")) return shape.region;
  }
  return FALLBACK_REGION;
}

/**
 * Every usage target of one side: records and their prices in the same order. A side whose graph
 * carries no stated demand (a stack export taken before the components carried it) takes
 * `demandElsewhere` (the other side's) for the pools it has, marked `borrowed`.
 */
export function usageTargets(records: ResourceRecord[], priced: PricedResource[], demandElsewhere?: StatedDemand): UsageTarget[] {
  const region = sideRegion(priced);
  const targets: UsageTarget[] = [];
  records.forEach((record, index) => {
    // The old copy of an interrupted replacement (a stack export's `delete: true`) bills as declared;
    // the usage stated for its URN is the live copy's.
    if ((record as { pendingDelete?: boolean }).pendingDelete) return;
    const resource = priced[index];
    let kind = kindOfType(record.type);
    // A Service is a forwarding rule only when it is a LoadBalancer (its reader made that shape).
    if (kind === "forwardingRule" && resource?.shape?.kind !== "forwardingRule") kind = undefined;
    if (kind === undefined || kind === "statedWorkload") return;
    const shapeRegion = resource?.shape && "region" in resource.shape ? resource.shape.region : region;
    targets.push({ address: record.name, urn: record.urn, type: record.type, kind, region: shapeRegion, priced: resource });
  });
  let demand = statedDemandOf(records);
  let borrowed = false;
  if (Object.keys(demand).length === 0 && demandElsewhere) {
    const pools = new Set(records.filter((r) => r.type === NODE_POOL_TYPE).map((r) => r.name));
    demand = Object.fromEntries(Object.entries(demandElsewhere).filter(([pool]) => pools.has(pool)));
    borrowed = true;
  }
  for (const [pool, groups] of Object.entries(demand)) {
    for (const group of groups) targets.push({ address: `${pool}/${group.name}`, type: STATED_WORKLOAD_TYPE, kind: "statedWorkload", region, group, ...(borrowed ? { borrowed } : {}) });
  }
  return targets;
}

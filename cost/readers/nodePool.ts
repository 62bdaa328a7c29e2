/**
 * gcp:container/nodePool:NodePool — read into a MachineGroupShape (machine type, nodes, zones,
 * spot, boot disk, local SSDs), priced by cost/pricers/machineGroup.ts.
 *
 * nodes = per-zone count x zones. Zones: the pool's nodeLocations, else its cluster's node
 * locations, else 1 for a zonal location and 3 for a regional one. Count: see nodeCountOf (an
 * autoscaled pool at its minimum; the maximum is reported as a range).
 */
import { ResourceRecord } from "../../graph/resourceRecord";
import { defaultZoneCount, gkeClusterZones } from "../../catalog/gcpLocations";
import { RESOURCE_TYPES } from "../../graph/resourceTypes";
import type { AutoscalingBounds, MachineGroupShape } from "../shapes";
import { ResourceAttributes } from "../resourceAttributes";
import { PricingContext, ReadOutcome, ResourceReader, opaqueFieldReason } from "./reader";
import { LOCAL_SSDS_PER_VM, NODES_PER_CLUSTER, NODES_PER_POOL_ZONE, NODE_BOOT_DISK_GB } from "./gcpLimits";

// GKE defaults when nodeConfig leaves them out (pulumi-gcp / GKE API docs): machine type e2-medium,
// a 100 GB boot disk, pd-balanced since GKE 1.24
// (https://cloud.google.com/kubernetes-engine/docs/how-to/custom-boot-disks: "By default, GKE uses balanced Persistent Disks in version 1.24 or later").
export const GKE_DEFAULT_MACHINE_TYPE = "e2-medium";
export const GKE_DEFAULT_BOOT_DISK_TYPE = "pd-balanced";
export const GKE_DEFAULT_BOOT_DISK_GB = 100;

/** How many nodes a group has, and where the figure came from. */
export interface NodeCount {
  nodes: number;
  nodesMax?: number;
  zones: number;
  /** The autoscaler's declared bounds, when the group has an autoscaling block. */
  autoscaling?: AutoscalingBounds;
}

/** Zones a node group spreads over: explicit node locations, else the cluster's, else by location kind. */
export function zonesOf(own: string[] | undefined, cluster: ResourceAttributes | undefined, location: string | undefined, assumptions: string[]): number {
  if (own && own.length > 0) return new Set(own).size;
  const clusterLocations = cluster?.strings("nodeLocations");
  if (clusterLocations && clusterLocations.length > 0) {
    // A zonal cluster's node locations are extra zones beside the cluster's own zone.
    const zones = gkeClusterZones({ location: cluster?.string("location") ?? "", nodeLocations: clusterLocations });
    assumptions.push(`zones from the cluster's node locations: ${zones.join(", ")}`);
    return zones.length;
  }
  if (location) {
    const { zones, assumption } = defaultZoneCount(location);
    assumptions.push(assumption);
    return zones;
  }
  assumptions.push("location unknown: assumed 1 zone");
  return 1;
}

/**
 * Nodes a group is billed for. An autoscaled pool (an `autoscaling` block with a minimum) is priced
 * at its minimum per zone x zones, or its `totalMinNodeCount`, on both sides of a change: the
 * current size (`nodeCount` in the state) moves with load and is only shown as a note, and
 * `initialNodeCount` (the size at creation) never overrides the minimum. Otherwise: nodeCount,
 * else initialNodeCount, else one node per zone (stated). Counts GKE could never have are refused.
 */
export function nodeCountOf(attributes: ResourceAttributes, prefix: string, zones: number, assumptions: string[]): NodeCount {
  const at = (path: string) => (prefix ? `${prefix}.${path}` : path);
  // The maximum is only shown as a range: checked, but an unknown maximum does not stop the price.
  const perZoneMax = attributes.wholeNumber(at("autoscaling.maxNodeCount"), NODES_PER_POOL_ZONE, { track: false });
  const totalMax = attributes.wholeNumber(at("autoscaling.totalMaxNodeCount"), NODES_PER_CLUSTER, { track: false });
  const nodesMax = totalMax ?? (perZoneMax !== undefined ? perZoneMax * zones : undefined);
  let bounds: AutoscalingBounds | undefined;
  const withMax = (nodes: number): NodeCount => ({
    nodes,
    ...(nodesMax !== undefined && nodesMax !== nodes ? { nodesMax } : {}),
    zones,
    ...(bounds ? { autoscaling: bounds } : {}),
  });

  const autoscaling = attributes.peek(at("autoscaling"));
  if (typeof autoscaling === "object" && autoscaling !== null) {
    const perZoneMin = attributes.wholeNumber(at("autoscaling.minNodeCount"), NODES_PER_POOL_ZONE);
    const totalMin = attributes.wholeNumber(at("autoscaling.totalMinNodeCount"), NODES_PER_CLUSTER);
    bounds = Object.fromEntries(
      Object.entries({ minPerZone: perZoneMin, maxPerZone: perZoneMax, totalMin, totalMax }).filter(([, value]) => value !== undefined),
    ) as AutoscalingBounds;
    if (perZoneMin !== undefined || totalMin !== undefined) {
      const current = attributes.wholeNumber(at("nodeCount"), NODES_PER_POOL_ZONE, { track: false });
      const currentNote = current !== undefined ? `; current size ${current} per zone, shown only (the autoscaler moves it)` : "";
      if (perZoneMin !== undefined) {
        assumptions.push(`autoscaled: priced at its minimum of ${perZoneMin} node${perZoneMin === 1 ? "" : "s"} per zone x ${zones} zone${zones === 1 ? "" : "s"}${currentNote}`);
        return withMax(perZoneMin * zones);
      }
      assumptions.push(`autoscaled: priced at its total minimum of ${totalMin} node${totalMin === 1 ? "" : "s"}${currentNote}`);
      return withMax(totalMin!);
    }
    assumptions.push("autoscaling without a minimum: priced at the node count");
  }
  for (const field of ["nodeCount", "initialNodeCount"]) {
    const perZone = attributes.wholeNumber(at(field), NODES_PER_POOL_ZONE);
    if (perZone !== undefined) return withMax(perZone * zones);
  }
  assumptions.push("no node count given: assumed 1 node per zone");
  return withMax(zones);
}

/**
 * Reads a group of identical GKE nodes described by a nodeConfig block: a node pool, or a
 * cluster's default pool. `configPath` is where the block sits ("nodeConfig", "nodePools.0.nodeConfig").
 */
export function readNodeGroup(
  attributes: ResourceAttributes,
  configPath: string,
  count: NodeCount,
  region: string,
  assumptions: string[],
): { shape: MachineGroupShape } | { unpricedReason: string } {
  const config = (path: string) => `${configPath}.${path}`;

  if (attributes.isUnknown(config("machineType"))) {
    return { unpricedReason: opaqueFieldReason(config("machineType"), attributes.isSecret(config("machineType"))) };
  }
  let machineType = attributes.string(config("machineType"));
  if (!machineType) {
    machineType = GKE_DEFAULT_MACHINE_TYPE;
    assumptions.push(`no machine type set: GKE's default ${GKE_DEFAULT_MACHINE_TYPE}`);
  }
  const spot = attributes.boolean(config("spot")) === true || attributes.boolean(config("preemptible")) === true;

  let diskType = attributes.string(config("diskType"));
  if (!diskType) {
    diskType = GKE_DEFAULT_BOOT_DISK_TYPE;
    assumptions.push(`boot disk type not set: GKE's default ${GKE_DEFAULT_BOOT_DISK_TYPE}`);
  }
  let diskGb = attributes.wholeNumber(config("diskSizeGb"), NODE_BOOT_DISK_GB);
  if (diskGb === undefined) {
    diskGb = GKE_DEFAULT_BOOT_DISK_GB;
    assumptions.push(`boot disk size not set: GKE's default ${GKE_DEFAULT_BOOT_DISK_GB} GB`);
  }
  const localSsdCount =
    attributes.wholeNumber(config("localSsdCount"), LOCAL_SSDS_PER_VM) ||
    attributes.wholeNumber(config("ephemeralStorageLocalSsdConfig.localSsdCount"), LOCAL_SSDS_PER_VM) ||
    attributes.wholeNumber(config("localNvmeSsdBlockConfig.localSsdCount"), LOCAL_SSDS_PER_VM) ||
    0;
  return {
    shape: {
      kind: "machineGroup",
      machineType,
      region,
      zones: count.zones,
      nodes: count.nodes,
      ...(count.nodesMax !== undefined ? { nodesMax: count.nodesMax } : {}),
      ...(count.autoscaling ? { autoscaling: count.autoscaling } : {}),
      spot,
      bootDisk: { diskType, diskGb },
      localSsdCount,
      ...(attributes.isSecret(config("machineType")) ? { machineTypeIsSecret: true } : {}),
      machineTypeField: config("machineType"),
    },
  };
}

/** The node pool's cluster in the same graph; when the reference is unknown, the graph's only cluster. */
function clusterOf(record: ResourceRecord, context: PricingContext, attributes: ResourceAttributes, assumptions: string[]): ResourceRecord | undefined {
  // Peeked, not read: an unknown or secret cluster reference falls back to the graph's only cluster (stated).
  const reference = attributes.peek("cluster");
  const named = typeof reference === "string" && reference !== "" ? reference : undefined;
  const cluster = context.graph.clusterFor(named);
  if (cluster) return cluster;
  const clusters = context.graph.clusters();
  if (clusters.length === 1 && !named) {
    assumptions.push(`cluster reference unknown: assumed the stack's only cluster ${clusters[0].name}`);
    return clusters[0];
  }
  if (record.parent && context.graph.get(record.parent)?.type === RESOURCE_TYPES.cluster) return context.graph.get(record.parent);
  return undefined;
}

export const readNodePool: ResourceReader = (record, context): ReadOutcome => {
  const attributes = context.attributes(record);
  const assumptions: string[] = [];
  const cluster = clusterOf(record, context, attributes, assumptions);
  const clusterAttributes = cluster ? context.attributes(cluster) : undefined;

  const location = attributes.string("location") ?? clusterAttributes?.string("location");
  const resolved = context.graph.regionFrom(location, cluster ?? record);
  if (resolved.assumption) assumptions.push(resolved.assumption);
  const zones = zonesOf(attributes.strings("nodeLocations"), clusterAttributes, location, assumptions);
  const count = nodeCountOf(attributes, "", zones, assumptions);
  const group = readNodeGroup(attributes, "nodeConfig", count, resolved.region, assumptions);
  return "shape" in group ? { status: "shape", shape: group.shape, assumptions } : { status: "unpriced", unpricedReason: group.unpricedReason, assumptions };
};

/**
 * gcp:container/nodePool:NodePool — nodes x (machine hours + boot disk + local SSDs).
 *
 * nodes = per-zone count x zones. Zones: the pool's nodeLocations, else its cluster's node
 * locations, else 1 for a zonal location and 3 for a regional one. Per-zone count: nodeCount, else
 * initialNodeCount, else the autoscaling minimum (the maximum is reported as a range).
 */
import { ResourceRecord } from "../../graph/resourceRecord";
import { isZone, regionOf } from "../../catalog/catalog";
import { CostComponent } from "../engine";
import { ResourceAttributes } from "../resourceAttributes";
import { PricingContext, PricingRule, RuleOutcome } from "./pricingRule";
import { defaultZoneCount, diskStorage, localSsdStorage, machineHours, sustainedUseNote } from "./gcpPriceArithmetic";

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
}

/** Zones a node group spreads over: explicit node locations, else the cluster's, else by location kind. */
export function zonesOf(own: string[] | undefined, cluster: ResourceAttributes | undefined, location: string | undefined, assumptions: string[]): number {
  if (own && own.length > 0) return new Set(own).size;
  const clusterLocations = cluster?.strings("nodeLocations");
  if (clusterLocations && clusterLocations.length > 0) {
    // A zonal cluster's node locations are extra zones beside the cluster's own zone.
    const clusterLocation = cluster?.string("location");
    const zones = new Set(clusterLocations);
    if (clusterLocation && isZone(clusterLocation)) zones.add(clusterLocation);
    assumptions.push(`zones from the cluster's node locations: ${[...zones].join(", ")}`);
    return zones.size;
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
 * Per-zone node count: nodeCount, else initialNodeCount, else autoscaling minimum. Autoscaling
 * "total" limits count across all zones and are not multiplied.
 */
export function nodeCountOf(attributes: ResourceAttributes, prefix: string, zones: number, assumptions: string[]): NodeCount {
  const at = (path: string) => (prefix ? `${prefix}.${path}` : path);
  const perZoneMax = attributes.number(at("autoscaling.maxNodeCount"));
  const totalMax = attributes.number(at("autoscaling.totalMaxNodeCount"));
  const nodesMax = totalMax ?? (perZoneMax !== undefined ? perZoneMax * zones : undefined);
  const withMax = (nodes: number): NodeCount => (nodesMax !== undefined && nodesMax !== nodes ? { nodes, nodesMax, zones } : { nodes, zones });

  for (const field of ["nodeCount", "initialNodeCount"]) {
    const perZone = attributes.number(at(field));
    if (perZone !== undefined) return withMax(perZone * zones);
    if (attributes.isUnknown(at(field))) assumptions.push(`${field} unknown until apply`);
  }
  const perZoneMin = attributes.number(at("autoscaling.minNodeCount"));
  if (perZoneMin !== undefined) {
    assumptions.push(`node count from the autoscaling minimum (${perZoneMin} per zone)`);
    return withMax(perZoneMin * zones);
  }
  const totalMin = attributes.number(at("autoscaling.totalMinNodeCount"));
  if (totalMin !== undefined) {
    assumptions.push(`node count from the autoscaling total minimum (${totalMin})`);
    return withMax(totalMin);
  }
  assumptions.push("no node count given: assumed 1 node per zone");
  return withMax(zones);
}

/**
 * Prices a group of identical GKE nodes described by a nodeConfig block: a node pool, or a
 * cluster's default pool. `configPath` is where the block sits ("nodeConfig", "nodePools.0.nodeConfig").
 */
export function priceNodeGroup(
  context: PricingContext,
  attributes: ResourceAttributes,
  configPath: string,
  count: NodeCount,
  region: string,
  label: string,
  assumptions: string[],
): RuleOutcome {
  const { catalog } = context;
  const config = (path: string) => `${configPath}.${path}`;

  if (attributes.isUnknown(config("machineType"))) {
    return { status: "unpriced", unpricedReason: "machine type unknown until apply", assumptions };
  }
  let machineType = attributes.string(config("machineType"));
  if (!machineType) {
    machineType = GKE_DEFAULT_MACHINE_TYPE;
    assumptions.push(`no machine type set: GKE's default ${GKE_DEFAULT_MACHINE_TYPE}`);
  }
  const spot = attributes.boolean(config("spot")) === true || attributes.boolean(config("preemptible")) === true;
  if (attributes.isUnknown(config("spot")) || attributes.isUnknown(config("preemptible"))) assumptions.push("spot/preemptible unknown until apply: priced on-demand");

  const machine = machineHours(catalog, machineType, region, count.nodes, spot, config("machineType"));
  if (!machine.ok) return { ...machine.outcome, assumptions };
  const note = sustainedUseNote(catalog, machine.part.family, spot);
  if (note) assumptions.push(note);
  const components: CostComponent[] = [machine.part.component];

  let diskType = attributes.string(config("diskType"));
  if (!diskType) {
    diskType = GKE_DEFAULT_BOOT_DISK_TYPE;
    assumptions.push(`boot disk type not set: GKE's default ${GKE_DEFAULT_BOOT_DISK_TYPE}`);
  }
  let diskGb = attributes.number(config("diskSizeGb"));
  if (diskGb === undefined) {
    diskGb = GKE_DEFAULT_BOOT_DISK_GB;
    assumptions.push(`boot disk size not set: GKE's default ${GKE_DEFAULT_BOOT_DISK_GB} GB`);
  }
  const bootDisk = diskStorage(catalog, diskType, region, diskGb, count.nodes, `Boot disk ${diskGb} GiB x ${count.nodes} nodes`);
  if (!bootDisk.ok) return { ...bootDisk.outcome, assumptions };
  components.push(bootDisk.part);

  const localSsdCount =
    attributes.number(config("localSsdCount")) ||
    attributes.number(config("ephemeralStorageLocalSsdConfig.localSsdCount")) ||
    attributes.number(config("localNvmeSsdBlockConfig.localSsdCount")) ||
    0;
  if (localSsdCount > 0) {
    const localSsd = localSsdStorage(catalog, region, localSsdCount, count.nodes);
    if (!localSsd.ok) return { ...localSsd.outcome, assumptions };
    components.push(localSsd.part);
  }

  const shownMachineType = attributes.isSecret(config("machineType")) ? "[secret]" : machineType;
  const range = count.nodesMax !== undefined ? `-${count.nodesMax}` : "";
  return {
    status: "priced",
    components,
    assumptions,
    summary: `${label ? `${label}: ` : ""}${shownMachineType} x${count.nodes}${range}${spot ? " spot" : ""}`,
    facts: {
      machineType,
      nodes: count.nodes,
      ...(count.nodesMax !== undefined ? { nodesMax: count.nodesMax } : {}),
      vcpuPerNode: machine.part.vcpu,
      memoryGbPerNode: machine.part.memoryGb,
      diskType,
      diskGb,
      localSsdCount,
      zones: count.zones,
      spot,
      region,
    },
  };
}

/** The node pool's cluster in the same graph; when the reference is unknown, the graph's only cluster. */
function clusterOf(record: ResourceRecord, context: PricingContext, attributes: ResourceAttributes, assumptions: string[]): ResourceRecord | undefined {
  const cluster = context.graph.clusterFor(attributes.string("cluster"));
  if (cluster) return cluster;
  const clusters = context.graph.clusters();
  if (clusters.length === 1 && !attributes.string("cluster")) {
    assumptions.push(`cluster reference unknown: assumed the stack's only cluster ${clusters[0].name}`);
    return clusters[0];
  }
  if (record.parent && context.graph.get(record.parent)?.type === "gcp:container/cluster:Cluster") return context.graph.get(record.parent);
  return undefined;
}

export const priceNodePool: PricingRule = (record, context) => {
  const attributes = context.attributes(record);
  const assumptions: string[] = [];
  const cluster = clusterOf(record, context, attributes, assumptions);
  const clusterAttributes = cluster ? context.attributes(cluster) : undefined;

  const location = attributes.string("location") ?? clusterAttributes?.string("location");
  let region: string;
  if (location) {
    region = regionOf(location);
  } else {
    const resolved = context.graph.regionOf(cluster ?? record);
    region = resolved.region;
    if (resolved.assumption) assumptions.push(resolved.assumption);
  }
  const zones = zonesOf(attributes.strings("nodeLocations"), clusterAttributes, location, assumptions);
  const count = nodeCountOf(attributes, "", zones, assumptions);
  return priceNodeGroup(context, attributes, "nodeConfig", count, region, "", assumptions);
};

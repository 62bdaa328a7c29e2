/**
 * Prices "what if" variants with the cost engine itself: the priced resource's shape (cost/shapes.ts)
 * is changed (the changes below) the way the config change would change it and priced again by the
 * same pricer (cost/engine.ts priceWhatIf), so a saving is always engine(before) - engine(after), never a
 * second cost model. The per-node price the bin-packing search ranks candidates by comes from the
 * same machine-group pricer for the same reason.
 */
import { PriceCatalog } from "../catalog/catalog";
import { priceResources } from "../cost/engine";
import type { PricedResource } from "../cost/model";
import { priceMachineGroup } from "../cost/pricers/machineGroup";
import { regionalPriceLine } from "../cost/pricers/diskStorage";
import type { BootDiskShape, DiskStorageShape, MachineGroupShape, ResourceShape } from "../cost/shapes";
import { ResourceRecord } from "../graph/resourceRecord";

export type ShapeChange = (shape: ResourceShape) => ResourceShape;

/** The engine's price of every resource of a graph, by URN. */
export function pricedByUrn(resources: ResourceRecord[], catalog: PriceCatalog): Map<string, PricedResource> {
  return new Map(priceResources(resources, catalog).map((priced) => [priced.urn, priced]));
}

function machineGroupChange(describe: string, change: (group: MachineGroupShape) => MachineGroupShape): ShapeChange {
  return (shape) => {
    if (shape.kind !== "machineGroup") throw new Error(`${describe}: applies to a machine group, not a ${shape.kind}`);
    return change(shape);
  };
}

/** Another machine type for every node (a secret type replaced is no longer secret). */
export function withMachineType(machineType: string): ShapeChange {
  return machineGroupChange("machine type change", ({ machineTypeIsSecret: _secret, ...group }) => ({ ...group, machineType }));
}

/** Spot (or on-demand) nodes. */
export function withSpot(spot: boolean): ShapeChange {
  return machineGroupChange("spot change", (group) => ({ ...group, spot }));
}

/** Another boot disk type for every node. */
export function withBootDiskType(diskType: string): ShapeChange {
  return machineGroupChange("boot disk change", (group) => {
    if (!group.bootDisk) throw new Error("boot disk change: the group's boot disk is a Disk resource of its own");
    return { ...group, bootDisk: { ...group.bootDisk, diskType } };
  });
}

/** A fixed per-zone count (autoscaling removed: the count is what was sized). */
export function withNodeCount(perZone: number): ShapeChange {
  return machineGroupChange("node count change", ({ nodesMax: _max, autoscaling: _autoscaling, ...group }) => ({ ...group, nodes: perZone * group.zones }));
}

/** Another persistent disk type, keeping a regional disk on the regional price line. */
export function withDiskType(diskType: string): ShapeChange {
  return (shape) => {
    if (shape.kind !== "diskStorage") throw new Error(`disk type change: applies to disk storage, not a ${shape.kind}`);
    return { ...shape, diskType: regionalPriceLine(diskType, shape.regional) } satisfies DiskStorageShape;
  };
}

export function combine(...changes: ShapeChange[]): ShapeChange {
  return (shape) => changes.reduce((current, change) => change(current), shape);
}

/**
 * USD a month of one node: machine hours as the engine prices them (sustained-use discount, or the
 * spot rate) plus its boot disk. Undefined when the catalog has no such price.
 */
export function nodeMonthly(catalog: PriceCatalog, machineType: string, region: string, spot: boolean, bootDisk: BootDiskShape): number | undefined {
  const priced = priceMachineGroup({ kind: "machineGroup", machineType, region, zones: 1, nodes: 1, spot, bootDisk, localSsdCount: 0 }, catalog);
  return priced.status === "priced" ? priced.components.reduce((sum, c) => sum + c.monthly, 0) : undefined;
}

/**
 * Prices "what if" variants with the cost engine itself: a resource's inputs are changed the way
 * the config change would change them and the whole graph is priced again, so a saving is always
 * engine(before) - engine(after), never a second cost model. The per-node price the bin-packing
 * search ranks candidates by uses the engine's own price arithmetic for the same reason.
 */
import { PriceCatalog } from "../catalog/catalog";
import { PricedResource, priceResources } from "../cost/engine";
import { diskStorage, machineHours } from "../cost/rules/gcpPriceArithmetic";
import { ResourceRecord } from "../graph/resourceRecord";

export type InputsPatch = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** The engine's price of every resource of a graph, by URN. */
export function pricedByUrn(resources: ResourceRecord[], catalog: PriceCatalog): Map<string, PricedResource> {
  return new Map(priceResources(resources, catalog).map((priced) => [priced.urn, priced]));
}

/** The engine's price of one resource after patching its inputs (the rest of the graph unchanged, so graph-aware rules still see it). */
export function priceVariant(resources: ResourceRecord[], urn: string, patch: InputsPatch, catalog: PriceCatalog): PricedResource {
  // Outputs echo the inputs in a stack export; patched alike so neither side keeps the old value.
  const variant = resources.map((record) =>
    record.urn === urn
      ? { ...record, inputs: patch(structuredClone(record.inputs)), ...(record.outputs ? { outputs: patch(structuredClone(record.outputs)) } : {}) }
      : record,
  );
  const priced = priceResources(variant, catalog).find((resource) => resource.urn === urn);
  if (!priced) throw new Error(`${urn}: not in the graph`);
  return priced;
}

/** A node pool's inputs with nodeConfig fields replaced (machineType, spot, diskType). */
export function withNodeConfig(fields: Record<string, unknown>): InputsPatch {
  return (inputs) => ({ ...inputs, nodeConfig: { ...(inputs.nodeConfig as Record<string, unknown> | undefined), ...fields } });
}

/** A node pool's inputs with a fixed per-zone count (autoscaling removed: the count is what was sized). */
export function withNodeCount(perZone: number): InputsPatch {
  return (inputs) => {
    const { autoscaling: _autoscaling, initialNodeCount: _initial, ...rest } = inputs;
    return { ...rest, nodeCount: perZone };
  };
}

export function combine(...patches: InputsPatch[]): InputsPatch {
  return (inputs) => patches.reduce((current, patch) => patch(current), inputs);
}

/** Boot disk of each node, as the pool has it. */
export interface BootDisk {
  diskType: string;
  diskGb: number;
}

/**
 * USD a month of one node: machine hours as the engine prices them (sustained-use discount, or the
 * spot rate) plus its boot disk. Undefined when the catalog has no such price.
 */
export function nodeMonthly(catalog: PriceCatalog, machineType: string, region: string, spot: boolean, bootDisk: BootDisk): number | undefined {
  const machine = machineHours(catalog, machineType, region, 1, spot, "machineType");
  if (!machine.ok) return undefined;
  const disk = diskStorage(catalog, bootDisk.diskType, region, bootDisk.diskGb, 1, "boot disk");
  if (!disk.ok) return undefined;
  return machine.part.component.monthly + disk.part.monthly;
}

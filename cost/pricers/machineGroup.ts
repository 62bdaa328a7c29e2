/**
 * Prices a MachineGroupShape: nodes x (machine hours + boot disk + local SSDs). The machine hours
 * carry the family's sustained-use discount on demand, or the spot rate.
 */
import { PriceCatalog } from "../../catalog/catalog";
import type { CostComponent, PricerOutcome } from "../model";
import type { MachineGroupShape } from "../shapes";
import { diskStorage, localSsdStorage, machineHours, sustainedUseNote } from "./gcpPriceArithmetic";
import { parseCustomMachineType } from "./customMachineType";

export function priceMachineGroup(shape: MachineGroupShape, catalog: PriceCatalog): PricerOutcome {
  const assumptions: string[] = [];
  const machine = machineHours(catalog, shape.machineType, shape.region, shape.nodes, shape.spot, shape.machineTypeField ?? "machineType");
  if (!machine.ok) return { status: "unpriced", unpricedReason: machine.reason, assumptions };
  const note = sustainedUseNote(catalog, machine.part.family, shape.spot);
  if (note) assumptions.push(note);
  const components: CostComponent[] = [machine.part.component];

  if (shape.bootDisk) {
    const { diskType, diskGb } = shape.bootDisk;
    const name = shape.nodes === 1 ? `Boot disk ${diskGb} GiB` : `Boot disk ${diskGb} GiB x ${shape.nodes} nodes`;
    const bootDisk = diskStorage(catalog, diskType, shape.region, diskGb, shape.nodes, name);
    if (!bootDisk.ok) return { status: "unpriced", unpricedReason: bootDisk.reason, assumptions };
    components.push(bootDisk.part);
  }
  if (shape.localSsdCount > 0) {
    const localSsd = localSsdStorage(catalog, shape.region, shape.localSsdCount, shape.nodes);
    if (!localSsd.ok) return { status: "unpriced", unpricedReason: localSsd.reason, assumptions };
    components.push(localSsd.part);
  }

  const shownMachineType = shape.machineTypeIsSecret ? "[secret]" : shape.machineType;
  const range = shape.nodesMax !== undefined && shape.nodesMax !== shape.nodes ? `-${shape.nodesMax}` : "";
  return { status: "priced", components, assumptions, summary: `${shownMachineType} x${shape.nodes}${range}${shape.spot ? " spot" : ""}` };
}

/** vCPUs and memory of one machine of the type (catalog or custom), or undefined when unknown. */
export function machineSize(catalog: PriceCatalog, machineType: string): { vcpu: number; memoryGb: number } | undefined {
  const listed = catalog.machineTypes[machineType];
  if (listed) return { vcpu: listed.vcpu, memoryGb: listed.memoryGb };
  const custom = parseCustomMachineType(machineType);
  return custom ? { vcpu: custom.vcpu, memoryGb: custom.memoryGib } : undefined;
}

/**
 * gcp:compute/instance:Instance — one VM: machine hours (sustained-use discount on-demand, spot
 * price when spot/preemptible), its boot disk from bootDisk.initializeParams (inputs, else the
 * outputs GCE records) unless the boot disk is a Disk resource of the graph, and scratch local
 * SSDs. Attached disks are Disk resources priced by their own rule.
 */
import type { CostComponent } from "../model";
import { PricingRule } from "./pricingRule";
import { diskStorage, localSsdStorage, machineHours, sustainedUseNote } from "./gcpPriceArithmetic";
import { GCE_DEFAULT_DISK_TYPE } from "./diskShape";
import { PERSISTENT_DISK_GB } from "./gcpLimits";

/** Public OS images are 10 GB; an instance boot disk without a size takes the image's. */
const PUBLIC_IMAGE_DISK_GB = 10;

export const priceInstance: PricingRule = (record, context) => {
  const { catalog } = context;
  const attributes = context.attributes(record);
  const assumptions: string[] = [];
  if (attributes.isUnknown("machineType")) {
    return { status: "unpriced", unpricedReason: `not priced: machineType ${attributes.isSecret("machineType") ? "is a secret the document does not reveal" : "is unknown until apply"}` };
  }
  const machineTypeValue = attributes.string("machineType");
  if (!machineTypeValue) return { status: "unpriced", unpricedReason: "no machine type set" };
  // Outputs may hold a URL (".../machineTypes/n1-standard-4").
  const machineType = machineTypeValue.split("/").pop() ?? machineTypeValue;

  const zone = attributes.string("zone");
  const resolved = context.graph.regionFrom(zone, record);
  const region = resolved.region;
  if (resolved.assumption) assumptions.push(resolved.assumption);
  const spot = attributes.boolean("scheduling.preemptible") === true || attributes.string("scheduling.provisioningModel") === "SPOT";
  const machine = machineHours(catalog, machineType, region, 1, spot, "machineType");
  if (!machine.ok) return { ...machine.outcome, assumptions };
  const note = sustainedUseNote(catalog, machine.part.family, spot);
  if (note) assumptions.push(note);
  const components: CostComponent[] = [machine.part.component];

  // GCE records the boot disk it creates as bootDisk.source (a self link) in the outputs too, so a
  // source alone does not make the disk someone else's: only a Disk resource of this graph is.
  let diskType: string | undefined;
  let diskGb: number | undefined;
  const ownDisk = context.graph.diskFor(attributes.string("bootDisk.source"));
  if (ownDisk) {
    assumptions.push(`boot disk is the Disk resource ${ownDisk.name}: priced by that disk`);
  } else {
    const typeValue = attributes.string("bootDisk.initializeParams.type");
    diskType = (typeValue ?? GCE_DEFAULT_DISK_TYPE).split("/").pop() ?? GCE_DEFAULT_DISK_TYPE;
    if (!typeValue) assumptions.push(`boot disk type not set: the Compute Engine default ${GCE_DEFAULT_DISK_TYPE}`);
    diskGb = attributes.wholeNumber("bootDisk.initializeParams.size", PERSISTENT_DISK_GB);
    if (diskGb === undefined) {
      diskGb = PUBLIC_IMAGE_DISK_GB;
      assumptions.push(`boot disk size not set: the image's size, assumed ${PUBLIC_IMAGE_DISK_GB} GB (public OS images)`);
    }
    const bootDisk = diskStorage(catalog, diskType, region, diskGb, 1, `Boot disk ${diskGb} GiB`);
    if (!bootDisk.ok) return { ...bootDisk.outcome, assumptions };
    components.push(bootDisk.part);
  }

  const scratch = attributes.read("scratchDisks");
  const scratchCount = scratch.state === "known" && Array.isArray(scratch.value) ? scratch.value.length : 0;
  if (scratchCount > 0) {
    const localSsd = localSsdStorage(catalog, region, scratchCount, 1);
    if (!localSsd.ok) return { ...localSsd.outcome, assumptions };
    components.push(localSsd.part);
  }

  const shownMachineType = attributes.isSecret("machineType") ? "[secret]" : machineType;
  return {
    status: "priced",
    components,
    assumptions,
    summary: `${shownMachineType} x1${spot ? " spot" : ""}`,
    facts: {
      machineType, nodes: 1, vcpuPerNode: machine.part.vcpu, memoryGbPerNode: machine.part.memoryGb,
      ...(diskType ? { diskType, diskGb } : {}), localSsdCount: scratchCount, zones: 1, spot, region,
    },
  };
};

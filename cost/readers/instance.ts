/**
 * gcp:compute/instance:Instance — one VM, read into a MachineGroupShape of one machine: its
 * machine type, spot/preemptible, its boot disk from bootDisk.initializeParams (inputs, else the
 * outputs GCE records) unless the boot disk is a Disk resource of the graph, and scratch local
 * SSDs. Attached disks are Disk resources read by their own reader.
 */
import type { BootDiskShape } from "../shapes";
import { ResourceReader, opaqueFieldReason } from "./reader";
import { GCE_DEFAULT_DISK_TYPE } from "./diskStorage";
import { PERSISTENT_DISK_GB } from "./gcpLimits";

/** Public OS images are 10 GB; an instance boot disk without a size takes the image's. */
const PUBLIC_IMAGE_DISK_GB = 10;

export const readInstance: ResourceReader = (record, context) => {
  const attributes = context.attributes(record);
  const assumptions: string[] = [];
  if (attributes.isUnknown("machineType")) {
    return { status: "unpriced", unpricedReason: opaqueFieldReason("machineType", attributes.isSecret("machineType")) };
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

  // GCE records the boot disk it creates as bootDisk.source (a self link) in the outputs too, so a
  // source alone does not make the disk someone else's: only a Disk resource of this graph is.
  let bootDisk: BootDiskShape | undefined;
  const ownDisk = context.graph.diskFor(attributes.string("bootDisk.source"));
  if (ownDisk) {
    assumptions.push(`boot disk is the Disk resource ${ownDisk.name}: priced by that disk`);
  } else {
    const typeValue = attributes.string("bootDisk.initializeParams.type");
    const diskType = (typeValue ?? GCE_DEFAULT_DISK_TYPE).split("/").pop() ?? GCE_DEFAULT_DISK_TYPE;
    if (!typeValue) assumptions.push(`boot disk type not set: the Compute Engine default ${GCE_DEFAULT_DISK_TYPE}`);
    let diskGb = attributes.wholeNumber("bootDisk.initializeParams.size", PERSISTENT_DISK_GB);
    if (diskGb === undefined) {
      diskGb = PUBLIC_IMAGE_DISK_GB;
      assumptions.push(`boot disk size not set: the image's size, assumed ${PUBLIC_IMAGE_DISK_GB} GB (public OS images)`);
    }
    bootDisk = { diskType, diskGb };
  }

  const scratch = attributes.read("scratchDisks");
  const scratchCount = scratch.state === "known" && Array.isArray(scratch.value) ? scratch.value.length : 0;
  return {
    status: "shape",
    shape: {
      kind: "machineGroup",
      machineType,
      region,
      zones: 1,
      nodes: 1,
      spot,
      ...(bootDisk ? { bootDisk } : {}),
      localSsdCount: scratchCount,
      ...(attributes.isSecret("machineType") ? { machineTypeIsSecret: true } : {}),
    },
    assumptions,
  };
};

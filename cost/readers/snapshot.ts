/**
 * gcp:compute/snapshot:Snapshot — read into a DiskStorageShape (price line "snapshot") of what it stores: `storageBytes`
 * when the state records it; otherwise the source disk's size as the upper bound (the
 * `source-disk-size-gb` label, the source disk of the same graph, or the recorded `diskSizeGb`),
 * else unpriced.
 */
import { RESOURCE_TYPES } from "../../graph/resourceTypes";
import { ResourceReader } from "./reader";
import { readDiskStorage } from "./diskStorage";
import { PERSISTENT_DISK_GB, SNAPSHOT_BYTES } from "./gcpLimits";

export const SOURCE_DISK_SIZE_LABEL = "source-disk-size-gb";

export const readSnapshot: ResourceReader = (record, context) => {
  const attributes = context.attributes(record);
  const assumptions: string[] = [];
  const sourceDisk = context.graph.diskFor(attributes.string("sourceDisk"));
  const sourceShape = sourceDisk ? readDiskStorage(sourceDisk, context, sourceDisk.type === RESOURCE_TYPES.regionDisk, []) : undefined;

  // What Google bills: the snapshot's stored bytes, once the state has them (an output: unknown
  // while a new snapshot is only previewed, so not tracked as an opaque read).
  const storageBytes = attributes.wholeNumber("storageBytes", SNAPSHOT_BYTES, { track: false });
  let sizeGb: number | undefined;
  if (storageBytes !== undefined) {
    sizeGb = storageBytes / 2 ** 30;
    assumptions.push(`snapshot billed at its recorded storageBytes (${Number(sizeGb.toFixed(2))} GiB)`);
  } else {
    // Nothing stored yet to go by: the source disk's size is the upper bound (snapshots are
    // incremental and compressed, so the bill is usually smaller).
    let origin: string | undefined;
    sizeGb = attributes.number(`labels.${SOURCE_DISK_SIZE_LABEL}`);
    if (sizeGb !== undefined) origin = `label ${SOURCE_DISK_SIZE_LABEL}`;
    if (sizeGb === undefined && sourceShape && !("reason" in sourceShape)) {
      sizeGb = sourceShape.diskGb;
      origin = `source disk ${sourceDisk!.name}`;
    }
    if (sizeGb === undefined) {
      const diskSizeGb = attributes.wholeNumber("diskSizeGb", PERSISTENT_DISK_GB, { track: false });
      if (diskSizeGb !== undefined) {
        sizeGb = diskSizeGb;
        origin = "the snapshot's recorded source disk size (diskSizeGb)";
      }
    }
    if (sizeGb === undefined) {
      return {
        status: "unpriced",
        unpricedReason: `snapshot size unknown: no storageBytes in the state, no ${SOURCE_DISK_SIZE_LABEL} label, and the source disk (${attributes.display("sourceDisk")}) is not in this graph`,
        assumptions,
      };
    }
    assumptions.push(`no storageBytes yet: priced at the upper bound, the source disk's ${sizeGb} GiB (from ${origin}); snapshots are incremental and compressed, so the bill is usually smaller`);
  }

  let region: string;
  const storageLocation = attributes.strings("storageLocations")?.[0];
  if (sourceShape && !("reason" in sourceShape)) {
    region = sourceShape.region;
  } else if (storageLocation && context.catalog.disks.snapshot?.[storageLocation] !== undefined) {
    region = storageLocation;
  } else {
    const resolved = context.graph.regionOf(record);
    region = resolved.region;
    if (resolved.assumption) assumptions.push(resolved.assumption);
  }
  return {
    status: "shape",
    shape: { kind: "diskStorage", diskType: "snapshot", regional: false, diskGb: sizeGb, copies: 1, region, label: "Snapshot storage" },
    assumptions,
  };
};

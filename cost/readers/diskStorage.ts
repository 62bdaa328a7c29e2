/**
 * The shape a compute Disk and a RegionDisk share (type, size, location): read into a
 * DiskStorageShape. The two readers differ only in the price line (regional disks cost the
 * regional-pd-* rate). Priced by cost/pricers/diskStorage.ts.
 */
import { ResourceRecord } from "../../graph/resourceRecord";
import type { DiskStorageShape } from "../shapes";
import { PricingContext, ReadOutcome, opaqueFieldReason } from "./reader";
import { PERSISTENT_DISK_GB } from "./gcpLimits";
import { regionalPriceLine } from "../pricers/diskStorage";

/** The GCE API's disk type when none is given. */
export const GCE_DEFAULT_DISK_TYPE = "pd-standard";

/** A disk's storage as a DiskStorageShape, or why it cannot be known. */
export function readDiskStorage(record: ResourceRecord, context: PricingContext, regional: boolean, assumptions: string[]): DiskStorageShape | { reason: string } {
  const attributes = context.attributes(record);
  let diskType = attributes.string("type");
  if (attributes.isUnknown("type")) return { reason: opaqueFieldReason("type", attributes.isSecret("type")) };
  if (!diskType) {
    diskType = GCE_DEFAULT_DISK_TYPE;
    assumptions.push(`disk type not set: the Compute Engine default ${GCE_DEFAULT_DISK_TYPE}`);
  }
  // Outputs may hold the type as a URL (".../diskTypes/pd-ssd").
  diskType = diskType.split("/").pop() ?? diskType;
  const diskGb = attributes.wholeNumber("size", PERSISTENT_DISK_GB);
  if (diskGb === undefined) {
    const source = attributes.string("image") ?? attributes.string("snapshot") ?? attributes.string("sourceDisk");
    return {
      reason: attributes.isUnknown("size")
        ? opaqueFieldReason("size", attributes.isSecret("size"))
        : source
          ? "disk size not set: it comes from the source image/snapshot, unknown offline"
          : "disk size not set",
    };
  }
  const resolved = context.graph.regionOf(record);
  if (resolved.assumption) assumptions.push(resolved.assumption);
  return {
    kind: "diskStorage",
    diskType: regionalPriceLine(diskType, regional),
    regional,
    diskGb,
    copies: 1,
    region: resolved.region,
    label: "Storage",
    ...(attributes.isSecret("size") ? { sizeIsSecret: true } : {}),
  };
}

export function readDiskOfKind(record: ResourceRecord, context: PricingContext, regional: boolean): ReadOutcome {
  const assumptions: string[] = [];
  const shape = readDiskStorage(record, context, regional, assumptions);
  if ("reason" in shape) return { status: "unpriced", unpricedReason: shape.reason, assumptions };
  return { status: "shape", shape, assumptions };
}

/**
 * The shape a compute Disk and a RegionDisk share (type, size, location) and their pricing; the
 * two rules differ only in the catalog's price line (regional disks cost the regional-pd-* rate).
 */
import { ResourceRecord } from "../../graph/resourceRecord";
import { PricingContext, RuleOutcome } from "./pricingRule";
import { diskStorage } from "./gcpPriceArithmetic";
import { PERSISTENT_DISK_GB } from "./gcpLimits";

/** The GCE API's disk type when none is given. */
export const GCE_DEFAULT_DISK_TYPE = "pd-standard";

export interface DiskShape {
  diskType: string;
  diskGb: number;
  region: string;
}

/** Type, size and region of a disk resource, or why they cannot be known. */
export function diskShapeOf(record: ResourceRecord, context: PricingContext, assumptions: string[]): DiskShape | { reason: string } {
  const attributes = context.attributes(record);
  let diskType = attributes.string("type");
  if (attributes.isUnknown("type")) return { reason: `not priced: type ${attributes.isSecret("type") ? "is a secret the document does not reveal" : "is unknown until apply"}` };
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
        ? `not priced: size ${attributes.isSecret("size") ? "is a secret the document does not reveal" : "is unknown until apply"}`
        : source
          ? "disk size not set: it comes from the source image/snapshot, unknown offline"
          : "disk size not set",
    };
  }
  const resolved = context.graph.regionOf(record);
  if (resolved.assumption) assumptions.push(resolved.assumption);
  return { diskType, diskGb, region: resolved.region };
}

export function priceDiskOfType(record: ResourceRecord, context: PricingContext, typePrefix: "" | "regional-"): RuleOutcome {
  const assumptions: string[] = [];
  const shape = diskShapeOf(record, context, assumptions);
  if ("reason" in shape) return { status: "unpriced", unpricedReason: shape.reason, assumptions };
  const priceLine = typePrefix && !shape.diskType.startsWith(typePrefix) ? `${typePrefix}${shape.diskType}` : shape.diskType;
  const storage = diskStorage(context.catalog, priceLine, shape.region, shape.diskGb, 1, "Storage");
  if (!storage.ok) return { ...storage.outcome, assumptions };
  const attributes = context.attributes(record);
  const shownSize = attributes.isSecret("size") ? "[secret]" : String(shape.diskGb);
  return {
    status: "priced",
    components: [storage.part],
    assumptions,
    summary: `${priceLine} ${shownSize} GiB`,
    facts: { diskType: priceLine, diskGb: shape.diskGb, region: shape.region },
  };
}

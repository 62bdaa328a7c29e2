/**
 * gcp:compute/snapshot:Snapshot — snapshot storage per GiB-month. Its stored size is not an input,
 * so it is assumed to be the source disk's size: the `source-disk-size-gb` label when present,
 * else the source disk's size when that disk is in the same graph, else unpriced.
 */
import { PricingRule } from "./pricingRule";
import { diskStorage } from "./gcpPriceArithmetic";
import { diskShapeOf } from "./diskShape";

export const SOURCE_DISK_SIZE_LABEL = "source-disk-size-gb";

export const priceSnapshot: PricingRule = (record, context) => {
  const attributes = context.attributes(record);
  const assumptions: string[] = [];
  const sourceDisk = context.graph.diskFor(attributes.string("sourceDisk"));
  const sourceShape = sourceDisk ? diskShapeOf(sourceDisk, context, []) : undefined;

  let sizeGb = attributes.number(`labels.${SOURCE_DISK_SIZE_LABEL}`);
  let sizeOrigin = `label ${SOURCE_DISK_SIZE_LABEL}`;
  if (sizeGb === undefined && sourceShape && !("reason" in sourceShape)) {
    sizeGb = sourceShape.diskGb;
    sizeOrigin = `source disk ${sourceDisk!.name}`;
  }
  if (sizeGb === undefined) {
    const storageBytes = attributes.number("storageBytes");
    if (storageBytes !== undefined && storageBytes > 0) {
      sizeGb = storageBytes / 2 ** 30;
      sizeOrigin = "the snapshot's recorded storageBytes";
    }
  }
  if (sizeGb === undefined) {
    return {
      status: "unpriced",
      unpricedReason: `snapshot size unknown: no ${SOURCE_DISK_SIZE_LABEL} label and the source disk (${attributes.display("sourceDisk")}) is not in this graph`,
      assumptions,
    };
  }
  assumptions.push(
    `snapshot size assumed = ${sizeGb} GiB (from ${sizeOrigin}); snapshots are incremental and compressed, so the billed size is usually smaller`,
  );

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
  const storage = diskStorage(context.catalog, "snapshot", region, sizeGb, 1, "Snapshot storage");
  if (!storage.ok) return { ...storage.outcome, assumptions };
  return {
    status: "priced",
    components: [storage.part],
    assumptions,
    summary: `snapshot ${Number(sizeGb.toFixed(2))} GiB`,
    facts: { diskType: "snapshot", diskGb: sizeGb, region },
  };
};

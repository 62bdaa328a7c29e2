/**
 * Prices a DiskStorageShape: GiB x copies at the price line's GiB-month rate in the region (a
 * zonal or regional persistent disk, a snapshot, a PVC's provisioned disk).
 */
import { PriceCatalog } from "../../catalog/catalog";
import type { PricerOutcome } from "../model";
import type { DiskStorageShape } from "../shapes";
import { diskStorage } from "./gcpPriceArithmetic";

export function priceDiskStorage(shape: DiskStorageShape, catalog: PriceCatalog): PricerOutcome {
  const storage = diskStorage(catalog, shape.diskType, shape.region, shape.diskGb, shape.copies, shape.label);
  if (!storage.ok) return { status: "unpriced", unpricedReason: storage.reason, assumptions: [] };
  const shownSize = shape.sizeIsSecret ? "[secret]" : String(Number(shape.diskGb.toFixed(2)));
  return { status: "priced", components: [storage.part], assumptions: [], summary: `${shape.diskType} ${shownSize} GiB${shape.copies !== 1 ? ` x${shape.copies}` : ""}` };
}

/** The catalog's price line of a disk type: a regional disk's pd-ssd is regional-pd-ssd. */
export function regionalPriceLine(diskType: string, regional: boolean): string {
  return regional && !diskType.startsWith("regional-") ? `regional-${diskType}` : diskType;
}

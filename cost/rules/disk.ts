/**
 * gcp:compute/disk:Disk — a zonal persistent disk: size x the type's GiB-month price in its region.
 * A disk created from an image or snapshot may carry its size only in outputs (read from there).
 */
import { PricingRule } from "./pricingRule";
import { priceDiskOfType } from "./diskShape";

export const priceDisk: PricingRule = (record, context) => priceDiskOfType(record, context, "");

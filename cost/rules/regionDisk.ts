/** gcp:compute/regionDisk:RegionDisk — a disk replicated over two zones, at the regional-pd-* price. */
import { PricingRule } from "./pricingRule";
import { priceDiskOfType } from "./diskShape";

export const priceRegionDisk: PricingRule = (record, context) => priceDiskOfType(record, context, "regional-");

/** Prices a StaticAddressShape: the in-use rate, or the higher reserved-unused rate of its region. */
import { PriceCatalog } from "../../catalog/catalog";
import type { PricerOutcome } from "../model";
import type { StaticAddressShape } from "../shapes";
import { component } from "./gcpPriceArithmetic";

export function priceStaticAddress(shape: StaticAddressShape, catalog: PriceCatalog): PricerOutcome {
  if (shape.inUse) {
    return {
      status: "priced",
      components: [component("Static external IP (in use)", catalog.hoursPerMonth, "hours", catalog.network.staticExternalIpInUseHour, "networking")],
      assumptions: [],
      summary: "external IP, in use",
    };
  }
  const unusedHour = catalog.network.staticIpUnusedHour[shape.region];
  if (unusedHour === undefined) return { status: "unpriced", unpricedReason: `no reserved-IP price for region ${shape.region} in the catalog`, assumptions: [] };
  return {
    status: "priced",
    components: [component("Static external IP (reserved, unused)", catalog.hoursPerMonth, "hours", unusedHour, "networking")],
    assumptions: ["no resource in the graph uses this address: priced as reserved and unused"],
    summary: "external IP, reserved unused",
  };
}

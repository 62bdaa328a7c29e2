/**
 * gcp:compute/address:Address (and GlobalAddress) — INTERNAL addresses are free; an EXTERNAL
 * static address costs the in-use rate when something uses it and the higher reserved-unused rate
 * when nothing in the graph (or its recorded `users`) does.
 */
import { PricingRule } from "./pricingRule";
import { component } from "./gcpPriceArithmetic";

export const priceAddress: PricingRule = (record, context) => {
  const { catalog } = context;
  const attributes = context.attributes(record);
  const addressType = (attributes.string("addressType") ?? "EXTERNAL").toUpperCase();
  if (addressType === "INTERNAL") {
    return { status: "free", assumptions: ["internal IP address: free"], summary: "internal IP", facts: { addressType } };
  }
  const assumptions: string[] = [];
  if (!attributes.string("addressType")) assumptions.push("address type not set: EXTERNAL (the API default)");
  const users = attributes.strings("users");
  const inUse = (users !== undefined && users.length > 0) || context.graph.isDependedOn(record.urn);
  const resolved = context.graph.regionOf(record);
  if (resolved.assumption) assumptions.push(resolved.assumption);

  if (inUse) {
    return {
      status: "priced",
      components: [component("Static external IP (in use)", catalog.hoursPerMonth, "hours", catalog.network.staticExternalIpInUseHour, "networking")],
      assumptions,
      summary: "external IP, in use",
      facts: { addressType, inUse, region: resolved.region },
    };
  }
  const unusedHour = catalog.network.staticIpUnusedHour[resolved.region];
  if (unusedHour === undefined) {
    return { status: "unpriced", unpricedReason: `no reserved-IP price for region ${resolved.region} in the catalog`, assumptions };
  }
  assumptions.push("no resource in the graph uses this address: priced as reserved and unused");
  return {
    status: "priced",
    components: [component("Static external IP (reserved, unused)", catalog.hoursPerMonth, "hours", unusedHour, "networking")],
    assumptions,
    summary: "external IP, reserved unused",
    facts: { addressType, inUse, region: resolved.region },
  };
};

/**
 * Prices a ForwardingRuleShape by its position in the region. Google bills one to five rules of a
 * project's region as one minimum charge, and each rule beyond the fifth at its own rate
 * (https://cloud.google.com/vpc/network-pricing): the region's first rule carries the minimum
 * charge, the second to fifth are covered by it ($0), every further one costs its rate.
 */
import { PriceCatalog } from "../../catalog/catalog";
import type { CostComponent, PricerOutcome } from "../model";
import type { ForwardingRuleShape } from "../shapes";
import { component } from "./gcpPriceArithmetic";

export function forwardingRuleComponent(shape: ForwardingRuleShape, catalog: PriceCatalog): CostComponent {
  const { region, ordinal } = shape;
  if (ordinal === 1) {
    return component(`Forwarding rules 1-5 in ${region}: minimum charge (this is the region's first rule)`, catalog.hoursPerMonth, "hours", catalog.network.forwardingRuleFirstFiveHour, "networking");
  }
  if (ordinal <= 5) {
    return component(`Forwarding rule #${ordinal} in ${region}: covered by the region's minimum charge`, catalog.hoursPerMonth, "hours", 0, "networking");
  }
  return component(`Forwarding rule #${ordinal} in ${region} (beyond the first 5)`, catalog.hoursPerMonth, "hours", catalog.network.forwardingRuleAdditionalHour, "networking");
}

export function priceForwardingRule(shape: ForwardingRuleShape, catalog: PriceCatalog): PricerOutcome {
  return { status: "priced", components: [forwardingRuleComponent(shape, catalog)], assumptions: [], summary: "forwarding rule" };
}

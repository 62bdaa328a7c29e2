/**
 * gcp:compute/forwardingRule:ForwardingRule (and GlobalForwardingRule) — hourly: the first five
 * rules of a project's region are one minimum charge, each further rule its own rate. Data
 * processed is usage-based and left out (noted).
 */
import { ResourceRecord } from "../../graph/resourceRecord";
import type { CostComponent } from "../model";
import { PricingContext, PricingRule } from "./pricingRule";
import { component } from "./gcpPriceArithmetic";
import { RESOURCE_TYPES as TYPE } from "../../graph/resourceTypes";

/** Resources that put a forwarding rule in a region: explicit rules and Kubernetes LoadBalancer Services. */
export function createsForwardingRule(record: ResourceRecord, context: PricingContext): boolean {
  if (record.type === TYPE.forwardingRule || record.type === TYPE.globalForwardingRule) return true;
  return record.type === TYPE.k8sService && context.attributes(record).string("spec.type") === "LoadBalancer";
}

function forwardingRuleRegion(record: ResourceRecord, context: PricingContext): string {
  return record.type === TYPE.k8sService ? context.graph.kubernetesRegion().region : context.graph.regionOf(record).region;
}

/**
 * The forwarding-rule component of a resource, numbered among the rules of its region. Google bills
 * one to five rules of a project's region as one minimum charge, and each rule beyond the fifth at
 * its own rate (https://cloud.google.com/vpc/network-pricing): the region's first rule carries the
 * minimum charge, the second to fifth are covered by it ($0), every further one costs its rate.
 */
export function forwardingRuleComponent(record: ResourceRecord, context: PricingContext): { component: CostComponent; ordinal: number; region: string } {
  const { catalog } = context;
  const region = forwardingRuleRegion(record, context);
  const ordinal = context.graph.forwardingRuleOrdinal(
    record,
    (candidate) => createsForwardingRule(candidate, context),
    (candidate) => forwardingRuleRegion(candidate, context),
  );
  if (ordinal === 1) {
    return { component: component(`Forwarding rules 1-5 in ${region}: minimum charge (this is the region's first rule)`, catalog.hoursPerMonth, "hours", catalog.network.forwardingRuleFirstFiveHour, "networking"), ordinal, region };
  }
  if (ordinal <= 5) {
    return { component: component(`Forwarding rule #${ordinal} in ${region}: covered by the region's minimum charge`, catalog.hoursPerMonth, "hours", 0, "networking"), ordinal, region };
  }
  return { component: component(`Forwarding rule #${ordinal} in ${region} (beyond the first 5)`, catalog.hoursPerMonth, "hours", catalog.network.forwardingRuleAdditionalHour, "networking"), ordinal, region };
}

export const USAGE_NOT_PRICED = "load-balancer data processing is usage-based and not priced";

export const priceForwardingRule: PricingRule = (record, context) => {
  const assumptions: string[] = [];
  const resolved = context.graph.regionOf(record);
  if (resolved.assumption) assumptions.push(resolved.assumption);
  const { component: rule, ordinal } = forwardingRuleComponent(record, context);
  assumptions.push(`forwarding rule #${ordinal} in ${resolved.region} of this graph`, USAGE_NOT_PRICED);
  return { status: "priced", components: [rule], assumptions, summary: "forwarding rule", facts: { region: resolved.region, forwardingRuleOrdinal: ordinal } };
};

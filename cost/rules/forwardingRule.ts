/**
 * gcp:compute/forwardingRule:ForwardingRule (and GlobalForwardingRule) — hourly per rule: the
 * first five of a project region at the higher rate, further ones at the lower rate. Data
 * processed is usage-based and left out (noted).
 */
import { ResourceRecord } from "../../graph/resourceRecord";
import { CostComponent } from "../engine";
import { PricingContext, PricingRule } from "./pricingRule";
import { component } from "./gcpPriceArithmetic";
import { TYPE } from "../resourceGraph";

/** Resources that put a forwarding rule in a region: explicit rules and Kubernetes LoadBalancer Services. */
export function createsForwardingRule(record: ResourceRecord, context: PricingContext): boolean {
  if (record.type === TYPE.forwardingRule || record.type === TYPE.globalForwardingRule) return true;
  return record.type === TYPE.k8sService && context.attributes(record).string("spec.type") === "LoadBalancer";
}

function forwardingRuleRegion(record: ResourceRecord, context: PricingContext): string {
  return record.type === TYPE.k8sService ? context.graph.kubernetesRegion().region : context.graph.regionOf(record).region;
}

/** The forwarding-rule component of a resource, numbered among the rules of its region. */
export function forwardingRuleComponent(record: ResourceRecord, context: PricingContext): { component: CostComponent; ordinal: number } {
  const { catalog } = context;
  const ordinal = context.graph.forwardingRuleOrdinal(
    record,
    (candidate) => createsForwardingRule(candidate, context),
    (candidate) => forwardingRuleRegion(candidate, context),
  );
  const firstFive = ordinal <= 5;
  const hourly = firstFive ? catalog.network.forwardingRuleFirstFiveHour : catalog.network.forwardingRuleAdditionalHour;
  const name = firstFive ? "Forwarding rule (one of the first 5 in the region)" : "Forwarding rule (beyond 5 in the region)";
  return { component: component(name, catalog.hoursPerMonth, "hours", hourly, "networking"), ordinal };
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

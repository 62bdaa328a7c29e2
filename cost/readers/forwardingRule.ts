/**
 * gcp:compute/forwardingRule:ForwardingRule (and GlobalForwardingRule) — read into a
 * ForwardingRuleShape: its region and its position among the graph's forwarding rules of that
 * region (the first five share one minimum charge; cost/pricers/forwardingRule.ts). Data processed
 * is usage-based and left out (noted).
 */
import { ResourceRecord } from "../../graph/resourceRecord";
import type { ForwardingRuleShape } from "../shapes";
import { PricingContext, ResourceReader } from "./reader";
import { RESOURCE_TYPES as TYPE } from "../../graph/resourceTypes";

/** Resources that put a forwarding rule in a region: explicit rules and Kubernetes LoadBalancer Services. */
export function createsForwardingRule(record: ResourceRecord, context: PricingContext): boolean {
  if (record.type === TYPE.forwardingRule || record.type === TYPE.globalForwardingRule) return true;
  return record.type === TYPE.k8sService && context.attributes(record).string("spec.type") === "LoadBalancer";
}

function forwardingRuleRegion(record: ResourceRecord, context: PricingContext): string {
  return record.type === TYPE.k8sService ? context.graph.kubernetesRegion().region : context.graph.regionOf(record).region;
}

/** The forwarding rule a resource puts in its region, numbered among the graph's rules of that region. */
export function readForwardingRuleShape(record: ResourceRecord, context: PricingContext): ForwardingRuleShape {
  const region = forwardingRuleRegion(record, context);
  const ordinal = context.graph.forwardingRuleOrdinal(
    record,
    (candidate) => createsForwardingRule(candidate, context),
    (candidate) => forwardingRuleRegion(candidate, context),
  );
  return { kind: "forwardingRule", region, ordinal };
}

export const USAGE_NOT_PRICED = "load-balancer data processing is usage-based: priced apart, from the stack's usage file (load_balancer_data_gb, monthly_ingress_data_gb), not in this figure";

export const readForwardingRule: ResourceReader = (record, context) => {
  const assumptions: string[] = [];
  const resolved = context.graph.regionOf(record);
  if (resolved.assumption) assumptions.push(resolved.assumption);
  const shape = readForwardingRuleShape(record, context);
  assumptions.push(`forwarding rule #${shape.ordinal} in ${resolved.region} of this graph`, USAGE_NOT_PRICED);
  return { status: "shape", shape, assumptions };
};

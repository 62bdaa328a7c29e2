/**
 * kubernetes:core/v1:Service — a `LoadBalancer` Service makes GKE create a forwarding rule (priced
 * as one, in the cluster's region); every other Service type is free.
 */
import { PricingRule } from "./pricingRule";
import { USAGE_NOT_PRICED, forwardingRuleComponent } from "./forwardingRule";

export const priceKubernetesService: PricingRule = (record, context) => {
  const attributes = context.attributes(record);
  const serviceType = attributes.string("spec.type") ?? "ClusterIP";
  if (serviceType !== "LoadBalancer") {
    const assumptions = attributes.isUnknown("spec.type") ? ["service type unknown until apply: treated as ClusterIP"] : [];
    return { status: "free", assumptions, summary: `${serviceType} service` };
  }
  const region = context.graph.kubernetesRegion();
  const { component, ordinal } = forwardingRuleComponent(record, context);
  // The annotation key has dots, so it is read off the annotations object rather than by path.
  const annotations = attributes.read("metadata.annotations");
  const internal = annotations.state === "known" && (annotations.value as Record<string, unknown>)["networking.gke.io/load-balancer-type"] === "Internal";
  return {
    status: "priced",
    components: [component],
    assumptions: [
      `a LoadBalancer Service makes GKE create one forwarding rule (#${ordinal} in ${region.region})`,
      ...(region.assumption ? [region.assumption] : []),
      USAGE_NOT_PRICED,
    ],
    summary: internal ? "internal load balancer" : "load balancer",
    facts: { region: region.region, forwardingRuleOrdinal: ordinal },
  };
};

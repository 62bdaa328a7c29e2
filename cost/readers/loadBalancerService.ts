/**
 * kubernetes:core/v1:Service — a `LoadBalancer` Service makes GKE create a forwarding rule (read
 * as one, in the cluster's region); every other Service type is free. A type unknown until apply,
 * or no spec at all (a record without the Service's state), is unpriced: it may be a LoadBalancer.
 */
import { ResourceReader, opaqueFieldReason } from "./reader";
import { USAGE_NOT_PRICED, readForwardingRuleShape } from "./forwardingRule";

/** Why a Service with no spec at all is not priced: every Service has one, so it is the record that lacks it, not the Service. */
export const NO_SPEC_REASON =
  "no spec: the Service's state is not known (a preview gives none to a resource whose provider is configured from values unknown until apply); a LoadBalancer would cost a forwarding rule";

export const readKubernetesService: ResourceReader = (record, context) => {
  const attributes = context.attributes(record);
  // Not a ClusterIP Service by default: the type is simply not there to read.
  if (attributes.isAbsent("spec")) return { status: "unpriced", unpricedReason: NO_SPEC_REASON };
  if (attributes.isUnknown("spec.type")) {
    // It may be a LoadBalancer: not knowing is not free.
    return { status: "unpriced", unpricedReason: opaqueFieldReason("spec.type", attributes.isSecret("spec.type"), " (a LoadBalancer would cost a forwarding rule)") };
  }
  const serviceType = attributes.string("spec.type") ?? "ClusterIP";
  if (serviceType !== "LoadBalancer") return { status: "free", summary: `${serviceType} service` };
  const region = context.graph.kubernetesRegion();
  const shape = readForwardingRuleShape(record, context);
  // The annotation key has dots, so it is read off the annotations object rather than by path.
  const annotations = attributes.read("metadata.annotations");
  const internal = annotations.state === "known" && (annotations.value as Record<string, unknown>)["networking.gke.io/load-balancer-type"] === "Internal";
  return {
    status: "shape",
    shape,
    assumptions: [
      `a LoadBalancer Service makes GKE create one forwarding rule (#${shape.ordinal} in ${region.region})`,
      ...(region.assumption ? [region.assumption] : []),
      USAGE_NOT_PRICED,
    ],
    summary: internal ? "internal load balancer" : "load balancer",
  };
};

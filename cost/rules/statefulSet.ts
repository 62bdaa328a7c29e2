/**
 * kubernetes:apps/v1:StatefulSet — its pods run on node pools (free here), but each
 * volumeClaimTemplate makes the controller create one PVC per replica, which are not resources of
 * the graph: they are priced here as replicas x the claim's disk.
 */
import type { CostComponent } from "../model";
import { PricingRule } from "./pricingRule";
import { priceClaimSpec } from "./persistentVolumeClaim";
import { KUBERNETES_REPLICAS } from "./gcpLimits";

export const priceStatefulSet: PricingRule = (record, context) => {
  const attributes = context.attributes(record);
  const templates = attributes.read("spec.volumeClaimTemplates");
  const count = templates.state === "known" && Array.isArray(templates.value) ? templates.value.length : 0;
  if (count === 0) return { status: "free", assumptions: ["pods run on node pools, priced there"], summary: "workload" };

  const assumptions: string[] = ["pods run on node pools, priced there"];
  let replicas = attributes.wholeNumber("spec.replicas", KUBERNETES_REPLICAS);
  if (replicas === undefined) {
    // An unknown or secret count was recorded by the read: the engine reports the resource unpriced.
    replicas = 1;
    if (!attributes.isUnknown("spec.replicas")) assumptions.push("replicas not set: Kubernetes' default 1");
  }
  const components: CostComponent[] = [];
  const summaries: string[] = [];
  let diskGb = 0;
  for (let index = 0; index < count; index++) {
    const claimName = attributes.string(`spec.volumeClaimTemplates.${index}.metadata.name`) ?? `claim ${index + 1}`;
    const outcome = priceClaimSpec(context, attributes, `spec.volumeClaimTemplates.${index}.spec`, replicas, `Volume claim ${claimName} x ${replicas} replicas`);
    assumptions.push(...(outcome.assumptions ?? []));
    if (outcome.status === "free") continue;
    if (outcome.status !== "priced") return { ...outcome, assumptions, unpricedReason: `volume claim ${claimName}: ${outcome.unpricedReason}` };
    components.push(...(outcome.components ?? []));
    if (outcome.summary) summaries.push(outcome.summary);
    diskGb += Number(outcome.facts?.diskGb ?? 0);
  }
  if (components.length === 0) return { status: "free", assumptions, summary: "workload" };
  return { status: "priced", components, assumptions, summary: `volume claims ${summaries.join(", ")}`, facts: { replicas, diskGb, disks: replicas * count } };
};

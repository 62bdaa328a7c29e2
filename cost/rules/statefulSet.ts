/**
 * kubernetes:apps/v1:StatefulSet — its pods run on node pools (free here), but each
 * volumeClaimTemplate makes the controller create one PVC per replica, which are not resources of
 * the graph: they are priced here as replicas x the claim's disk.
 */
import { CostComponent } from "../engine";
import { PricingRule } from "./pricingRule";
import { priceClaimSpec } from "./persistentVolumeClaim";

export const priceStatefulSet: PricingRule = (record, context) => {
  const attributes = context.attributes(record);
  const templates = attributes.read("spec.volumeClaimTemplates");
  const count = templates.state === "known" && Array.isArray(templates.value) ? templates.value.length : 0;
  if (count === 0) return { status: "free", assumptions: ["pods run on node pools, priced there"], summary: "workload" };

  const assumptions: string[] = ["pods run on node pools, priced there"];
  let replicas = attributes.number("spec.replicas");
  if (replicas === undefined) {
    replicas = 1;
    assumptions.push(attributes.isUnknown("spec.replicas") ? "replicas unknown until apply: assumed 1" : "replicas not set: Kubernetes' default 1");
  }
  const components: CostComponent[] = [];
  const summaries: string[] = [];
  let diskGb = 0;
  for (let index = 0; index < count; index++) {
    const claimName = attributes.string(`spec.volumeClaimTemplates.${index}.metadata.name`) ?? `claim ${index + 1}`;
    const outcome = priceClaimSpec(context, attributes, `spec.volumeClaimTemplates.${index}.spec`, replicas, `Volume claim ${claimName} x ${replicas} replicas`);
    assumptions.push(...(outcome.assumptions ?? []));
    if (outcome.status !== "priced") return { ...outcome, assumptions, unpricedReason: `volume claim ${claimName}: ${outcome.unpricedReason}` };
    components.push(...(outcome.components ?? []));
    if (outcome.summary) summaries.push(outcome.summary);
    diskGb += Number(outcome.facts?.diskGb ?? 0);
  }
  return { status: "priced", components, assumptions, summary: `volume claims ${summaries.join(", ")}`, facts: { replicas, diskGb, disks: replicas * count } };
};

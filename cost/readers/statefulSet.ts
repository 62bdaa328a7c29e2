/**
 * kubernetes:apps/v1:StatefulSet — its pods run on node pools (free here), but each
 * volumeClaimTemplate makes the controller create one PVC per replica, which are not resources of
 * the graph: read into a VolumeClaimsShape of replicas x each claim's disk.
 */
import type { VolumeClaimsShape } from "../shapes";
import { ResourceReader } from "./reader";
import { readClaimSpec } from "./persistentVolumeClaim";
import { KUBERNETES_REPLICAS } from "./gcpLimits";

export const readStatefulSet: ResourceReader = (record, context) => {
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
  const claims: VolumeClaimsShape["claims"] = [];
  for (let index = 0; index < count; index++) {
    const claimName = attributes.string(`spec.volumeClaimTemplates.${index}.metadata.name`) ?? `claim ${index + 1}`;
    const claim = readClaimSpec(context, attributes, `spec.volumeClaimTemplates.${index}.spec`, replicas, `Volume claim ${claimName} x ${replicas} replicas`);
    assumptions.push(...claim.assumptions);
    if (claim.status === "free") continue;
    if (claim.status !== "shape") return { status: "unpriced", assumptions, unpricedReason: `volume claim ${claimName}: ${claim.unpricedReason}` };
    claims.push(claim.shape);
  }
  if (claims.length === 0) return { status: "free", assumptions, summary: "workload" };
  return { status: "shape", shape: { kind: "volumeClaims", replicas, claims }, assumptions };
};

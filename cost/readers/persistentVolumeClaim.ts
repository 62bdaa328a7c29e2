/**
 * kubernetes:core/v1:PersistentVolumeClaim — a dynamically provisioned claim is read into a
 * DiskStorageShape: a persistent disk of its storage class's type. A claim bound to a pre-existing volume (spec.volumeName) costs
 * nothing here: the gcp Disk behind that volume carries the cost, so it is not counted twice.
 */
import { quantityToGib } from "../../validation/kubernetesQuantity";
import type { DiskStorageShape } from "../shapes";
import { ImpossibleValueError, ResourceAttributes } from "../resourceAttributes";
import { PricingContext, ReadOutcome, ResourceReader, opaqueFieldReason } from "./reader";

/** GKE's built-in storage classes and the disk type each provisions. */
export const STORAGE_CLASS_DISK_TYPES: Record<string, string> = {
  "standard-rwo": "pd-balanced",
  "premium-rwo": "pd-ssd",
  standard: "pd-standard",
};
/** The class a claim without storageClassName gets on GKE 1.24+. */
export const GKE_DEFAULT_STORAGE_CLASS = "standard-rwo";

/** What one claim spec (a PVC's spec, or a StatefulSet volumeClaimTemplate's) provisions, `copies` times. */
export type ClaimRead =
  | { status: "shape"; shape: DiskStorageShape; assumptions: string[] }
  | { status: "free" | "unpriced"; unpricedReason?: string; assumptions: string[]; summary?: string };

/** Reads one claim spec (a PVC's spec, or a StatefulSet volumeClaimTemplate's) times `copies`. */
export function readClaimSpec(context: PricingContext, attributes: ResourceAttributes, specPath: string, copies: number, label: string): ClaimRead {
  const assumptions: string[] = [];
  const at = (path: string) => `${specPath}.${path}`;
  if (attributes.isUnknown(at("storageClassName"))) {
    return { status: "unpriced", unpricedReason: opaqueFieldReason("storageClassName", attributes.isSecret(at("storageClassName"))), assumptions };
  }
  // storageClassName "" asks for no provisioning at all: the claim binds a pre-provisioned volume,
  // whose disk (if in the graph) carries the cost.
  if (attributes.peek(at("storageClassName")) === "") {
    return { status: "free", assumptions: ['storageClassName "" provisions nothing: the claim binds a pre-provisioned PersistentVolume, whose disk carries the cost'], summary: "binds a pre-provisioned volume" };
  }
  let storageClass = attributes.string(at("storageClassName"));
  if (!storageClass) {
    storageClass = GKE_DEFAULT_STORAGE_CLASS;
    assumptions.push(`no storage class: GKE's default ${GKE_DEFAULT_STORAGE_CLASS}`);
  }
  const diskType = STORAGE_CLASS_DISK_TYPES[storageClass];
  if (!diskType) return { status: "unpriced", unpricedReason: `storage class ${storageClass} is not a GKE built-in class: disk type unknown`, assumptions };
  const storagePath = at("resources.requests.storage");
  const requested = attributes.string(storagePath) ?? attributes.number(storagePath)?.toString();
  if (attributes.isUnknown(storagePath)) {
    return { status: "unpriced", unpricedReason: opaqueFieldReason(storagePath, attributes.isSecret(storagePath)), assumptions };
  }
  if (requested === undefined) return { status: "unpriced", unpricedReason: "no storage request", assumptions };
  const sizeGib = quantityToGib(requested);
  if (sizeGib === undefined || !(sizeGib > 0) || sizeGib > 65536) {
    const read = attributes.lookup(storagePath);
    throw new ImpossibleValueError(`${read.state === "known" ? read.from : "inputs"}.${storagePath}`, `${JSON.stringify(requested)} is not a possible storage request (allowed: a Kubernetes quantity above 0 and at most 64Ti, e.g. "60Gi")`);
  }
  const region = context.graph.kubernetesRegion();
  if (region.assumption) assumptions.push(region.assumption);
  assumptions.push(`storage class ${storageClass} provisions ${diskType}`);
  return {
    status: "shape",
    shape: {
      kind: "diskStorage",
      diskType,
      regional: false,
      diskGb: sizeGib,
      copies,
      region: region.region,
      label,
      storageClass,
      ...(attributes.isSecret(storagePath) ? { sizeIsSecret: true } : {}),
    },
    assumptions,
  };
}

export const readPersistentVolumeClaim: ResourceReader = (record, context): ReadOutcome => {
  const attributes = context.attributes(record);
  const volumeName = attributes.string("spec.volumeName");
  if (volumeName) {
    return {
      status: "free",
      assumptions: [`bound to the pre-existing volume ${volumeName}: the gcp Disk behind it carries the cost (not counted twice)`],
      summary: `bound to ${volumeName}`,
    };
  }
  return readClaimSpec(context, attributes, "spec", 1, "Persistent disk");
};

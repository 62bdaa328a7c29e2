/**
 * kubernetes:core/v1:PersistentVolumeClaim — a dynamically provisioned claim costs a persistent
 * disk of its storage class's type. A claim bound to a pre-existing volume (spec.volumeName) costs
 * nothing here: the gcp Disk behind that volume carries the cost, so it is not counted twice.
 */
import { ImpossibleValueError, ResourceAttributes } from "../resourceAttributes";
import { PricingContext, PricingRule, RuleOutcome } from "./pricingRule";
import { diskStorage, quantityToGib } from "./gcpPriceArithmetic";

/** GKE's built-in storage classes and the disk type each provisions. */
export const STORAGE_CLASS_DISK_TYPES: Record<string, string> = {
  "standard-rwo": "pd-balanced",
  "premium-rwo": "pd-ssd",
  standard: "pd-standard",
};
/** The class a claim without storageClassName gets on GKE 1.24+. */
export const GKE_DEFAULT_STORAGE_CLASS = "standard-rwo";

/** Prices one claim spec (a PVC's spec, or a StatefulSet volumeClaimTemplate's) times `copies`. */
export function priceClaimSpec(context: PricingContext, attributes: ResourceAttributes, specPath: string, copies: number, label: string): RuleOutcome {
  const assumptions: string[] = [];
  const at = (path: string) => `${specPath}.${path}`;
  if (attributes.isUnknown(at("storageClassName"))) {
    return { status: "unpriced", unpricedReason: `not priced: storageClassName ${attributes.isSecret(at("storageClassName")) ? "is a secret the document does not reveal" : "is unknown until apply"}` };
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
    return { status: "unpriced", unpricedReason: `not priced: ${storagePath} ${attributes.isSecret(storagePath) ? "is a secret the document does not reveal" : "is unknown until apply"}`, assumptions };
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
  const storage = diskStorage(context.catalog, diskType, region.region, sizeGib, copies, label);
  if (!storage.ok) return { ...storage.outcome, assumptions };
  const shownSize = attributes.isSecret(at("resources.requests.storage")) ? "[secret]" : String(Number(sizeGib.toFixed(2)));
  return {
    status: "priced",
    components: [storage.part],
    assumptions,
    summary: `${diskType} ${shownSize} GiB${copies !== 1 ? ` x${copies}` : ""}`,
    facts: { diskType, diskGb: sizeGib, disks: copies, storageClass, region: region.region },
  };
}

export const pricePersistentVolumeClaim: PricingRule = (record, context) => {
  const attributes = context.attributes(record);
  const volumeName = attributes.string("spec.volumeName");
  if (volumeName) {
    return {
      status: "free",
      assumptions: [`bound to the pre-existing volume ${volumeName}: the gcp Disk behind it carries the cost (not counted twice)`],
      summary: `bound to ${volumeName}`,
    };
  }
  return priceClaimSpec(context, attributes, "spec", 1, "Persistent disk");
};

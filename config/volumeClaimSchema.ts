/**
 * A stated workload's own volume claims (one disk per pod, as a StatefulSet's volumeClaimTemplates
 * make them): size and storage class, priced as the persistent disk the class provisions. GKE's
 * built-in classes name their disk type; a class of the stack's own says its `type` parameter.
 */
import { z } from "zod";
import { name } from "./fields";

/** GKE's built-in storage classes and the persistent disk type each provisions (PD CSI driver). */
export const GKE_STORAGE_CLASS_DISK_TYPES: Record<string, string> = {
  standard: "pd-standard",
  "standard-rwo": "pd-balanced",
  "premium-rwo": "pd-ssd",
};
const DISK_TYPES = ["pd-standard", "pd-balanced", "pd-ssd"] as const;

export const volumeClaimSchema = z
  .strictObject({
    /** The claim template's name, e.g. data. */
    name: name("volume claim"),
    /** What each pod's claim requests, GiB. */
    sizeGiB: z.number({ error: "must be a number of GiB" }).positive("must be a positive number of GiB"),
    /** The claim's storageClassName. */
    storageClass: name("storage class"),
    /** The class's `type` parameter; required for a class that is not one of GKE's built-in ones. */
    diskType: z.enum(DISK_TYPES, { error: `must be one of ${DISK_TYPES.join(", ")}` }).optional(),
  })
  .superRefine((claim, ctx) => {
    const builtIn = GKE_STORAGE_CLASS_DISK_TYPES[claim.storageClass];
    if (claim.diskType === undefined && builtIn === undefined) {
      ctx.addIssue({ code: "custom", path: ["storageClass"], message: `is not one of GKE's built-in classes (${Object.keys(GKE_STORAGE_CLASS_DISK_TYPES).join(", ")}): state the disk type it provisions in diskType` });
    }
    if (claim.diskType !== undefined && builtIn !== undefined && claim.diskType !== builtIn) {
      ctx.addIssue({ code: "custom", path: ["diskType"], message: `must be ${builtIn}, the disk type GKE's ${claim.storageClass} class provisions` });
    }
  });
export type VolumeClaimConfig = z.infer<typeof volumeClaimSchema>;

/** The persistent disk type a claim's class provisions. */
export function claimDiskType(claim: VolumeClaimConfig): string {
  return claim.diskType ?? GKE_STORAGE_CLASS_DISK_TYPES[claim.storageClass];
}

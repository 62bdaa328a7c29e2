/**
 * The sizes and counts GCP accepts, from its published limits. A value outside them cannot come
 * from a real stack, so the estimate refuses the document instead of pricing it.
 */
import { WholeNumberLimits } from "../resourceAttributes";

/** GKE quotas and limits: at most 1,000 nodes per node pool in each zone. */
export const NODES_PER_POOL_ZONE: WholeNumberLimits = { min: 0, max: 1000, what: "node count per zone (GKE: at most 1,000 nodes per node pool per zone)" };
/** GKE quotas and limits: at most 65,000 nodes per cluster (the largest GKE allows). */
export const NODES_PER_CLUSTER: WholeNumberLimits = { min: 0, max: 65000, what: "total node count (GKE: at most 65,000 nodes per cluster)" };
/** Compute Engine persistent disks: 1 GB to 64 TB (65,536 GB). */
export const PERSISTENT_DISK_GB: WholeNumberLimits = { min: 1, max: 65536, what: "persistent disk size in GB (Compute Engine: 1 to 65,536 GB)" };
/** GKE node boot disks: at least 10 GB, at most a persistent disk's 65,536 GB. */
export const NODE_BOOT_DISK_GB: WholeNumberLimits = { min: 10, max: 65536, what: "node boot disk size in GB (GKE: 10 to 65,536 GB)" };
/** Compute Engine: at most 24 local SSD partitions on one VM. */
export const LOCAL_SSDS_PER_VM: WholeNumberLimits = { min: 0, max: 24, what: "local SSD count per VM (Compute Engine: at most 24)" };
/** A snapshot stores at most its source disk's 64 TiB. */
export const SNAPSHOT_BYTES: WholeNumberLimits = { min: 0, max: 65536 * 2 ** 30, what: "snapshot storageBytes (0 to 64 TiB)" };
/** Kubernetes: replicas is an int32, and never negative. */
export const KUBERNETES_REPLICAS: WholeNumberLimits = { min: 0, max: 2 ** 31 - 1, what: "replica count (a non-negative int32)" };

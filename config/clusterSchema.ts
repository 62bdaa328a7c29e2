/**
 * The cluster area of the stack config: the GKE cluster, its node pools, the persistent disks
 * the blockchain workloads keep their data on, and the cost-allocation labels.
 */
import { z } from "zod";
import { PERSISTENT_DISK_TYPES } from "../catalog/catalog";
import { cidr, name, nonNegativeInt, positiveInt } from "./fields";

const autoscalingSchema = z.strictObject({
  /** Minimum nodes per zone. */
  minNodeCount: nonNegativeInt,
  /** Maximum nodes per zone. */
  maxNodeCount: positiveInt,
});

const taintSchema = z.strictObject({
  key: z.string().min(1, "must not be empty"),
  value: z.string(),
  effect: z.enum(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"], "must be NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE"),
});

/** A GKE node pool as it exists (or is to exist): the fields that decide what it costs and where pods land. */
export const nodePoolSchema = z.strictObject({
  name: name("node pool"),
  /** Machine type offered in the stack's region, e.g. e2-standard-4. */
  machineType: z.string(),
  /** Nodes per zone; mutually exclusive with autoscaling. */
  nodeCount: positiveInt.optional(),
  autoscaling: autoscalingSchema.optional(),
  /** Zones of the pool; default: the cluster's node locations. */
  nodeLocations: z.array(z.string()).min(1, "must list at least one zone").optional(),
  /** Boot disk type (pd-standard, pd-balanced, pd-ssd). */
  diskType: z.enum(PERSISTENT_DISK_TYPES, `must be one of ${PERSISTENT_DISK_TYPES.join(", ")}`).default("pd-balanced"),
  diskSizeGb: z.number({ error: "must be a number" }).int("must be a whole number").min(10, "must be at least 10 (GKE's minimum boot disk)").default(100),
  spot: z.boolean().default(false),
  /** The cost-allocation label `component`. */
  component: name("component"),
  taints: z.array(taintSchema).default([]),
  /** Existing node pool to adopt: projects/<p>/locations/<loc>/clusters/<cluster>/nodePools/<name>. */
  importId: z.string().min(1).optional(),
});
export type NodePoolConfig = z.infer<typeof nodePoolSchema>;

export const diskSchema = z.strictObject({
  name: name("disk"),
  type: z.enum(PERSISTENT_DISK_TYPES, `must be one of ${PERSISTENT_DISK_TYPES.join(", ")}`),
  sizeGb: positiveInt,
  /** Zone of the disk; default: the cluster's zone. */
  zone: z.string().optional(),
  /** Existing disk to adopt: projects/<p>/zones/<zone>/disks/<name>. */
  importId: z.string().min(1).optional(),
});
export type DiskConfig = z.infer<typeof diskSchema>;

export const clusterSchema = z.strictObject({
  name: name("cluster"),
  /** A zone (zonal cluster, e.g. us-east1-b) or a region (regional cluster). */
  location: z.string(),
  /** Zones the cluster's nodes run in; default: the location's zone (zonal) or three zones (regional). */
  nodeLocations: z.array(z.string()).min(1, "must list at least one zone").optional(),
  network: z.string().default("default"),
  subnetwork: z.string().default("default"),
  /** The ranges this cluster's nodes and pods use (what another cluster's proxy must allow). */
  nodeCidr: cidr,
  podCidr: cidr,
  servicesCidr: cidr,
  /** Existing cluster to adopt: projects/<p>/locations/<loc>/clusters/<name>. */
  importId: z.string().min(1).optional(),
});

export const labelsSchema = z.strictObject({
  /** The cost-allocation label `team`. */
  team: name("team"),
});

/**
 * The config key `poolWorkloads`: the pods each node pool runs that the program does not manage
 * (validators, blockchain node StatefulSets, system pods), stated per pool so the savings
 * investigation can size every pool. Every entry says where its figures come from (`source`) or
 * that they are inferred and why (`inferred`): exactly one of the two.
 */
import { z } from "zod";
import { volumeClaimSchema } from "./volumeClaimSchema";

const RESOURCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const name = (what: string) => z.string().regex(RESOURCE_NAME, `is not a valid ${what} name (lower-case letters, digits and '-', starting with a letter, at most 63 characters)`);
const positiveInt = z.number({ error: "must be a number" }).int("must be a whole number").positive("must be a positive whole number");
const nonNegativeInt = z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more");
const cpuCores = z.number({ error: "must be a number of CPU cores" }).positive("must be a positive number of CPU cores");
const memoryGiB = z.number({ error: "must be a number of GiB" }).positive("must be a positive number of GiB");
const positiveNumber = z.number({ error: "must be a number" }).positive("must be a positive number");

/** CPU cores and memory in GiB (500Mi = 0.48828125). */
const cpuMemorySchema = z.strictObject({ cpu: cpuCores, memoryGiB });

/** What a data disk must deliver for its workload (per second). */
const diskNeedsSchema = z.strictObject({
  readIops: positiveNumber.optional(),
  writeIops: positiveNumber.optional(),
  readMiBps: positiveNumber.optional(),
  writeMiBps: positiveNumber.optional(),
});

const statedWorkloadSchema = z.strictObject({
  /** e.g. pocket-validators, geth-mainnet. */
  name: name("workload"),
  namespace: name("namespace"),
  replicas: positiveInt,
  /** What one pod requests: what the scheduler packs. */
  requests: cpuMemorySchema,
  /** What one pod may use (informational: the scheduler does not reserve limits). */
  limits: cpuMemorySchema.optional(),
  /** The vertical pod autoscaler's maxAllowed: the largest requests it may set on one pod. */
  verticalAutoscalerMax: cpuMemorySchema.optional(),
  /** Required pod anti-affinity on the hostname: at most one pod of the workload per node. */
  onePerNode: z.boolean().default(false),
  /** The workload's PodDisruptionBudget (one of minAvailable, maxUnavailable). */
  disruptionBudget: z.strictObject({ minAvailable: nonNegativeInt.optional(), maxUnavailable: nonNegativeInt.optional() }).optional(),
  /** The data disk the workload mounts (a disk of this stack), and what it needs from it. */
  dataDisk: z.strictObject({ name: name("disk"), needs: diskNeedsSchema.optional() }).optional(),
  /** Each pod's own volume claims (config/volumeClaimSchema.ts): priced as the disks they provision. */
  volumeClaims: z.array(volumeClaimSchema).optional(),
  /** Where the figures come from (a file of a public repository, a document). */
  source: z.string().min(1, "must not be empty").optional(),
  /** Why the figures are plausible when no source gives them. */
  inferred: z.string().min(1, "must not be empty").optional(),
});
export type StatedWorkload = z.infer<typeof statedWorkloadSchema>;

/** Pool name -> the workloads it runs that the program does not declare. */
export const poolWorkloadsSchema = z.record(z.string(), z.array(statedWorkloadSchema)).default({});
export type PoolWorkloadsConfig = z.infer<typeof poolWorkloadsSchema>;

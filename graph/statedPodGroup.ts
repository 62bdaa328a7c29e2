/**
 * The demand stated per GKE node pool as the recorded graph carries it (the inputs of the
 * PoolWorkloads component, components/poolWorkloads.ts). A leaf module: the readers of a graph
 * (opportunities, report) import it without loading the component or the Pulumi SDK.
 */
import { COMPONENT_TYPES } from "./componentTypes";

/** The type token of the component that carries the stated demand. */
export const POOL_WORKLOADS_TYPE = COMPONENT_TYPES.poolWorkloads;

/** One stated workload as the graph carries it. */
export interface StatedPodGroup {
  /** e.g. pocket-validators. */
  name: string;
  namespace: string;
  replicas: number;
  /** What one pod requests (CPU cores, GiB): what the scheduler packs. */
  requests: { cpu: number; memoryGiB: number };
  /** What one pod may use; not reserved by the scheduler. */
  limits?: { cpu: number; memoryGiB: number };
  /** The vertical pod autoscaler's cap: the largest requests it may set on one pod. */
  verticalAutoscalerMax?: { cpu: number; memoryGiB: number };
  /** At most one pod of the workload per node (required anti-affinity). */
  onePerNode: boolean;
  /** The workload's own PodDisruptionBudget when the program declares none for it. */
  disruptionBudget?: { minAvailable?: number; maxUnavailable?: number };
  /** Labels of its pods: a PodDisruptionBudget the program declares matches them. */
  podLabels?: Record<string, string>;
  /** Its data disk and what the workload needs from it. */
  dataDisk?: { name: string; needs?: { readIops?: number; writeIops?: number; readMiBps?: number; writeMiBps?: number } };
  /** Where the figures come from; or, when no source gives them, why they are plausible. */
  source?: string;
  inferred?: string;
  /** The config key that states it, e.g. "poolWorkloads.pocket-core[0]". */
  configKey: string;
}

/**
 * The demand stated per GKE node pool as the recorded graph carries it: each component that
 * declares node pools (GkeCluster, SeedNodePool, TestnetBlockchains) has `statedDemand`: pool name
 * -> the pods running there that the program does not declare. It is among the component's args
 * and its registered outputs: the Node SDK sends a local component's args nowhere (its inputs are
 * `{}` in the engine's state and in a stack export), so what the Pulumi CLI hands the policy pack,
 * and what a stack export holds, is the outputs. A leaf module: the readers of a graph
 * (opportunities, report) import it without the Pulumi SDK.
 */
import type { ResourceRecord } from "./resourceRecord";
import { valueAt } from "./valueReader";

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
  /** Each pod's own volume claims, with the disk type their storage class provisions. */
  volumeClaims?: StatedVolumeClaim[];
  /** Where the figures come from; or, when no source gives them, why they are plausible. */
  source?: string;
  inferred?: string;
  /** The config key that states it, e.g. "poolWorkloads.pocket-core[0]". */
  configKey: string;
}

/** One volume claim of each pod of a stated workload. */
export interface StatedVolumeClaim {
  name: string;
  sizeGiB: number;
  storageClass: string;
  /** pd-standard, pd-balanced or pd-ssd. */
  diskType: string;
  /** The config key that states it, e.g. "poolWorkloads.pocket-core[0].volumeClaims[0]". */
  configKey: string;
}

/** Pool name -> the pod groups stated for it. */
export type StatedDemand = Record<string, StatedPodGroup[]>;

/** Every pool's stated demand, from the components of the graph that declare pools. */
export function statedDemandOf(resources: ResourceRecord[]): StatedDemand {
  const demand: StatedDemand = {};
  for (const record of resources) {
    if (record.custom) continue;
    // Inputs where the recorder kept the args, else the registered outputs (one of the two: never counted twice).
    const pools = valueAt(record.inputs, "statedDemand") ?? (record.outputs ? valueAt(record.outputs, "statedDemand") : undefined);
    if (typeof pools !== "object" || pools === null) continue;
    for (const [pool, groups] of Object.entries(pools as StatedDemand)) {
      if (Array.isArray(groups)) demand[pool] = [...(demand[pool] ?? []), ...groups];
    }
  }
  return demand;
}

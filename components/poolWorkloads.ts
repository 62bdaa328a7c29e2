/**
 * The pods each node pool runs that the program does not manage (validators, blockchain node
 * StatefulSets, system pods, prod's seed pods), as the stack config states them. It declares no
 * cloud resource: its inputs carry the demand into the recorded resource graph, so the savings
 * investigation reads every pool's demand from the one graph, beside the program's own workloads.
 */
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../graph/componentTypes";
import type { StatedWorkload } from "../poolWorkloadsConfig";

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

export interface PoolWorkloadsArgs {
  /** GKE node pool name -> the workloads stated for it. */
  pools: Record<string, StatedPodGroup[]>;
}

export const POOL_WORKLOADS_TYPE = COMPONENT_TYPES.poolWorkloads;

/** The config entries as graph entries, each naming its config key. */
export function statedPodGroups(poolWorkloads: Record<string, StatedWorkload[]>): Record<string, StatedPodGroup[]> {
  const pools: Record<string, StatedPodGroup[]> = {};
  for (const [pool, workloads] of Object.entries(poolWorkloads)) {
    pools[pool] = workloads.map((w, i) => ({ ...w, configKey: `poolWorkloads.${pool}[${i}]` }));
  }
  return pools;
}

export class PoolWorkloads extends pulumi.ComponentResource {
  constructor(name: string, args: PoolWorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    // The args are the component's inputs: the recorded graph carries the stated demand.
    super(POOL_WORKLOADS_TYPE, name, { pools: args.pools }, opts);
    this.registerOutputs({});
  }
}

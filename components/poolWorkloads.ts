/**
 * The pods each node pool runs that the program does not manage (validators, blockchain node
 * StatefulSets, system pods, prod's seed pods), as the stack config states them. It declares no
 * cloud resource: its inputs carry the demand into the recorded resource graph, so the savings
 * investigation reads every pool's demand from the one graph, beside the program's own workloads.
 */
import * as pulumi from "@pulumi/pulumi";
import { POOL_WORKLOADS_TYPE, type StatedPodGroup } from "../graph/statedPodGroup";
import type { StatedWorkload } from "../config/poolWorkloadsSchema";

// Readers used to import these from here; kept so existing imports still resolve.
export { POOL_WORKLOADS_TYPE, type StatedPodGroup };

export interface PoolWorkloadsArgs {
  /** GKE node pool name -> the workloads stated for it. */
  pools: Record<string, StatedPodGroup[]>;
}

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

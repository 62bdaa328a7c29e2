/**
 * The demand of pods the program does not declare (validators, blockchain nodes, system pods,
 * prod's seeds): stated in config per pool and carried into the graph by the PoolWorkloads
 * component, so it is read from the component's inputs, never from the config.
 */
import { POOL_WORKLOADS_TYPE, type StatedPodGroup } from "../graph/statedPodGroup";
import { ResourceRecord } from "../graph/resourceRecord";
import { DisruptionBudget, disruptionLimit } from "./disruptionLimits";
import { DisruptionLimit, PodGroup } from "./podGroup";
import { valueAt } from "../graph/valueReader";

/** The stated demand the PoolWorkloads component carries in the graph: pods the program does not declare. */
export function statedGroups(resources: ResourceRecord[], budgets: DisruptionBudget[]): { pool: string; group: PodGroup }[] {
  const groups: { pool: string; group: PodGroup }[] = [];
  for (const record of resources.filter((r) => r.type === POOL_WORKLOADS_TYPE)) {
    const pools = (valueAt(record.inputs, "pools") ?? {}) as Record<string, StatedPodGroup[]>;
    for (const [pool, stated] of Object.entries(pools)) {
      for (const w of Array.isArray(stated) ? stated : []) {
        const limits: DisruptionLimit[] = [disruptionLimit(budgets, w.namespace, w.podLabels ?? {}, w.replicas)];
        const own = w.disruptionBudget;
        if (own?.minAvailable !== undefined) limits.push({ maxPerNode: Math.max(0, w.replicas - own.minAvailable), disruptionBudget: `stated PodDisruptionBudget of ${w.name}: minAvailable ${own.minAvailable} of ${w.replicas} replicas, so at most ${Math.max(0, w.replicas - own.minAvailable)} per node` });
        if (own?.maxUnavailable !== undefined) limits.push({ maxPerNode: own.maxUnavailable, disruptionBudget: `stated PodDisruptionBudget of ${w.name}: maxUnavailable ${own.maxUnavailable}, so at most ${own.maxUnavailable} per node` });
        if (w.onePerNode) limits.push({ maxPerNode: 1, disruptionBudget: `${w.name}: one pod per node (required anti-affinity)` });
        const strictest = limits.filter((l) => l.maxPerNode !== undefined).sort((a, b) => a.maxPerNode! - b.maxPerNode!)[0] ?? {};
        groups.push({
          pool,
          group: {
            name: `${w.name} (${w.namespace})`,
            source: "stated",
            from: `config ${w.configKey}, ${w.source !== undefined ? `source: ${w.source}` : `inferred: ${w.inferred}`}`,
            ...(w.inferred !== undefined ? { inferred: w.inferred } : {}),
            replicas: w.replicas,
            cpu: w.requests.cpu,
            memoryGiB: w.requests.memoryGiB,
            ...(w.verticalAutoscalerMax ? { largestRequests: { cpu: w.verticalAutoscalerMax.cpu, memoryGiB: w.verticalAutoscalerMax.memoryGiB } } : {}),
            ...strictest,
          },
        });
      }
    }
  }
  return groups;
}

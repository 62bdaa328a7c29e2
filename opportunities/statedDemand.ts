/**
 * The demand of pods the program does not declare (validators, blockchain nodes, system pods,
 * prod's seeds): stated in config per pool and carried into the graph as an input of the
 * component that declares the pool, so it is read from the graph, never from the config.
 */
import { statedDemandOf } from "../graph/statedPodGroup";
import { ResourceRecord } from "../graph/resourceRecord";
import { DisruptionBudget, disruptionLimit } from "./disruptionLimits";
import { DisruptionLimit, PodGroup } from "./podGroup";

/** The stated demand the graph carries: pods the program does not declare. */
export function statedGroups(resources: ResourceRecord[], budgets: DisruptionBudget[]): { pool: string; group: PodGroup }[] {
  const groups: { pool: string; group: PodGroup }[] = [];
  for (const [pool, stated] of Object.entries(statedDemandOf(resources))) {
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
  return groups;
}

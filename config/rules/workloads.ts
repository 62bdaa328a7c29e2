/**
 * The workloads stated per pool (config poolWorkloads): every pool named is a pool of the stack,
 * every disk named a disk of it, each figure sourced or its inference given, budgets and
 * autoscaler caps consistent with the requests.
 */
import type { StackConfig } from "../stackSchemas";

export function workloadsProblem(config: StackConfig): string | undefined {
  const poolNames = [...config.nodePools.map((p) => p.name), config.stack === "prod" ? config.seedPool.name : config.testnetBlockchainPool.name];
  const diskNames = config.stack === "prod" ? config.blockchainNodes.map((n) => n.disk.name) : config.testnetChains.map((c) => c.disk.name);
  for (const [pool, workloads] of Object.entries(config.poolWorkloads)) {
    if (!poolNames.includes(pool)) return `poolWorkloads.${pool} is not a node pool of this stack (allowed: ${poolNames.join(", ")})`;
    const seen = new Set<string>();
    for (const [i, w] of workloads.entries()) {
      const key = `poolWorkloads.${pool}[${i}]`;
      if (seen.has(`${w.namespace}/${w.name}`)) return `${key}.name ${JSON.stringify(w.name)} is stated twice in namespace ${w.namespace}`;
      seen.add(`${w.namespace}/${w.name}`);
      if (w.source === undefined && w.inferred === undefined) return `${key} (${w.name}) needs source (where its figures come from) or inferred (why they are plausible when no source gives them)`;
      if (w.source !== undefined && w.inferred !== undefined) return `${key} (${w.name}) has both source and inferred: keep source when a source gives every figure, else inferred with the reason`;
      for (const field of ["limits", "verticalAutoscalerMax"] as const) {
        const bound = w[field];
        if (bound && bound.cpu < w.requests.cpu) return `${key}.${field}.cpu ${bound.cpu} must not be below requests.cpu ${w.requests.cpu}`;
        if (bound && bound.memoryGiB < w.requests.memoryGiB) return `${key}.${field}.memoryGiB ${bound.memoryGiB} must not be below requests.memoryGiB ${w.requests.memoryGiB}`;
      }
      const budget = w.disruptionBudget;
      if (budget) {
        if ((budget.minAvailable === undefined) === (budget.maxUnavailable === undefined)) return `${key}.disruptionBudget must give exactly one of minAvailable or maxUnavailable`;
        if (budget.minAvailable !== undefined && budget.minAvailable >= w.replicas) {
          return `${key}.disruptionBudget.minAvailable ${budget.minAvailable} must be less than replicas ${w.replicas} (otherwise no node can ever be drained)`;
        }
      }
      if (w.dataDisk && !diskNames.includes(w.dataDisk.name)) {
        return `${key}.dataDisk.name ${JSON.stringify(w.dataDisk.name)} is not a data disk of this stack (allowed: ${diskNames.join(", ") || "none"})`;
      }
    }
  }
  return undefined;
}

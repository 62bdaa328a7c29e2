/**
 * How many pods of one group one node may hold: PodDisruptionBudgets read from the graph, and the
 * rule that replicas are never all on one node. Draining a node must not evict more than allowed.
 */
import { ResourceRecord } from "../graph/resourceRecord";
import { DisruptionLimit } from "./podGroup";
import { valueAt, stringMapAt } from "../graph/valueReader";

const PDB_TYPES = new Set(["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:policy/v1beta1:PodDisruptionBudget"]);

export interface DisruptionBudget {
  name: string;
  namespace?: string;
  matchLabels: Record<string, string>;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

export function disruptionBudgets(resources: ResourceRecord[]): DisruptionBudget[] {
  return resources
    .filter((r) => PDB_TYPES.has(r.type))
    .map((r) => ({
      name: (valueAt(r.inputs, "metadata.name") as string | undefined) ?? r.name,
      namespace: valueAt(r.inputs, "metadata.namespace") as string | undefined,
      matchLabels: stringMapAt(r.inputs, "spec.selector.matchLabels"),
      minAvailable: valueAt(r.inputs, "spec.minAvailable") as number | string | undefined,
      maxUnavailable: valueAt(r.inputs, "spec.maxUnavailable") as number | string | undefined,
    }));
}

/** An int-or-percent of `replicas`, rounded up as the disruption controller does. */
function scaled(value: number | string, replicas: number): number | undefined {
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  if (percent) return Math.ceil((Number(percent[1]) / 100) * replicas);
  return Number.isFinite(Number(value)) ? Number(value) : undefined;
}

/**
 * A workload of two or more replicas never has all of them on one node, budget or not: draining
 * that node would stop every replica at once, which is what running replicas guards against.
 */
export function replicatedLimit(limit: DisruptionLimit, replicas: number): DisruptionLimit {
  if (replicas < 2 || (limit.maxPerNode !== undefined && limit.maxPerNode <= replicas - 1)) return limit;
  return { maxPerNode: replicas - 1, disruptionBudget: `${replicas} replicas: never all on one node (a drain would stop every one), so at most ${replicas - 1} per node` };
}

/** The disruption limit of pods with these labels in this namespace: the strictest budget that selects them. */
export function disruptionLimit(budgets: DisruptionBudget[], namespace: string | undefined, labels: Record<string, string>, replicas: number): DisruptionLimit {
  let limit: DisruptionLimit = {};
  for (const budget of budgets) {
    if ((budget.namespace ?? "default") !== (namespace ?? "default")) continue;
    const selectorKeys = Object.entries(budget.matchLabels);
    if (selectorKeys.length === 0 || selectorKeys.some(([k, v]) => labels[k] !== v)) continue;
    let allowed: number | undefined;
    let how = "";
    if (budget.minAvailable !== undefined) {
      const min = scaled(budget.minAvailable, replicas);
      if (min !== undefined) {
        allowed = replicas - min;
        how = `minAvailable ${budget.minAvailable} of ${replicas} replicas`;
      }
    } else if (budget.maxUnavailable !== undefined) {
      allowed = scaled(budget.maxUnavailable, replicas);
      how = `maxUnavailable ${budget.maxUnavailable}`;
    }
    if (allowed === undefined) continue;
    allowed = Math.max(0, allowed);
    if (limit.maxPerNode === undefined || allowed < limit.maxPerNode) {
      limit = { maxPerNode: allowed, disruptionBudget: `PodDisruptionBudget ${budget.name}: ${how}, so at most ${allowed} per node` };
    }
  }
  return replicatedLimit(limit, replicas);
}

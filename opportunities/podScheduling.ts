/** Whether a pod may land on a pool's nodes: the scheduler's hard constraints (selector, required affinity, taints). */
import { PoolNodes } from "./nodePools";
import { valueAt, stringMapAt } from "../graph/valueReader";

function tolerates(tolerations: unknown, taint: { key: string; value: string; effect: string }): boolean {
  return (Array.isArray(tolerations) ? tolerations : []).some((t) => {
    const operator = t.operator ?? "Equal";
    const keyMatches = t.key === undefined || t.key === "" ? operator === "Exists" : t.key === taint.key;
    const valueMatches = operator === "Exists" || String(t.value ?? "") === taint.value;
    const effectMatches = !t.effect || t.effect === taint.effect;
    return keyMatches && valueMatches && effectMatches;
  });
}

function matchesExpression(labels: Record<string, string>, expression: { key: string; operator: string; values?: string[] }): boolean {
  const value = labels[expression.key];
  switch (expression.operator) {
    case "In":
      return value !== undefined && (expression.values ?? []).includes(value);
    case "NotIn":
      return value === undefined || !(expression.values ?? []).includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    default:
      // Gt/Lt on node labels are rare; treat as not matching rather than guess.
      return false;
  }
}

/** Whether a pod spec may schedule onto the pool's nodes (hard constraints only). */
export function podFitsPool(podSpec: unknown, pool: PoolNodes): boolean {
  const selector = stringMapAt(podSpec, "nodeSelector");
  if (Object.entries(selector).some(([key, value]) => pool.labels[key] !== value)) return false;
  const terms = valueAt(podSpec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
  if (Array.isArray(terms) && terms.length > 0) {
    const anyTerm = terms.some((term) => ((term?.matchExpressions as unknown[]) ?? []).every((e) => matchesExpression(pool.labels, e as never)));
    if (!anyTerm) return false;
  }
  const tolerations = valueAt(podSpec, "tolerations");
  return pool.taints.filter((t) => t.effect !== "PreferNoSchedule").every((taint) => tolerates(tolerations, taint));
}

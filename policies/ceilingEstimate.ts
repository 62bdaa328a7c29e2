/**
 * What a set of resources can cost a month, for a budget ceiling. Prices with the cost engine (one
 * cost model: cost/engine.ts) and adds the two rules a ceiling needs on top of an estimate:
 *
 * 1. Upper bounds. An autoscaled node pool is priced at its autoscaling maximum (what the bill can
 *    reach without any deploy), not at the minimum the cost review shows.
 * 2. Preview unknowns never pass silently. A node count unknown until apply is bounded by the
 *    autoscaling maximum when there is one; any other cost-relevant unknown (machine type, disk
 *    size, a count with nothing bounding it) makes the ceiling unverifiable, which the ceiling
 *    policies report as a violation at their own (mandatory) level, never as an advisory.
 */
import { priceResources, PricedResource } from "../cost/engine";
import { ResourceRecord } from "../graph/resourceRecord";
import { NODE_POOL_TYPE } from "../graph/resourceTypes";
import { money } from "../cost/money";
import { PolicyResource, containsPreviewUnknown, isPreviewUnknown, recordForPricing, valueAt } from "./resourceView";

export { NODE_POOL_TYPE };

export interface UnverifiableCost {
  urn: string;
  name: string;
  reason: string;
}

export interface CeilingEstimate {
  /** USD a month of everything priced, at the upper bounds. */
  monthly: number;
  /** Priced resources, most expensive first. */
  contributors: PricedResource[];
  /** Bounds this estimate assumed, "<resource>: <assumption>". */
  assumptions: string[];
  /** Resources whose cost depends on a value unknown until apply, with nothing to bound it. */
  unverifiable: UnverifiableCost[];
  /** Resources the engine cannot price at all (not counted; listed so nothing is silently zero). */
  unpriced: UnverifiableCost[];
}

/** The engine's wording for an assumption forced by a preview unknown. */
const ENGINE_UNKNOWN_ASSUMPTION = /unknown until apply/;
/** Engine assumptions on an unknown that already price the expensive case. */
const ENGINE_UPPER_BOUND_ASSUMPTION = /priced on-demand/;

interface Bounded {
  record: ResourceRecord;
  assumptions: string[];
  unverifiable?: string;
}

function isKnownNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * A node pool's record with its count replaced by the upper bound: the per-zone autoscaling
 * maximum. A total maximum (across zones) is applied after a first pricing tells the zones.
 */
/**
 * A pool's inputs fixed at `perZone` nodes: the cost engine prices an autoscaled pool at its
 * minimum, so the autoscaling block's minimum is raised to the bound as well as the node count.
 */
function atUpperBound(inputs: Record<string, unknown>, perZone: number): Record<string, unknown> {
  const autoscaling = inputs.autoscaling;
  if (typeof autoscaling !== "object" || autoscaling === null || Array.isArray(autoscaling)) return { ...inputs, nodeCount: perZone };
  const { totalMinNodeCount: _totalMin, ...rest } = autoscaling as Record<string, unknown>;
  return { ...inputs, nodeCount: perZone, autoscaling: { ...rest, minNodeCount: perZone } };
}

function boundNodePool(view: PolicyResource): Bounded & { totalMax?: number } {
  const record = recordForPricing(view);
  const props = view.props;
  const autoscaling = valueAt(props, "autoscaling");
  const perZoneMax = valueAt(props, "autoscaling.maxNodeCount");
  const totalMax = valueAt(props, "autoscaling.totalMaxNodeCount");
  const nodeCount = valueAt(props, "nodeCount");
  if (isKnownNumber(perZoneMax)) {
    return {
      record: { ...record, inputs: atUpperBound(props, perZoneMax) },
      assumptions: [`autoscaling: priced at its maximum of ${perZoneMax} nodes per zone${isPreviewUnknown(nodeCount) ? " (node count unknown until apply)" : ""}`],
    };
  }
  if (isKnownNumber(totalMax)) return { record, assumptions: [], totalMax };
  if (isPreviewUnknown(autoscaling) || isPreviewUnknown(perZoneMax) || isPreviewUnknown(totalMax)) {
    return { record, assumptions: [], unverifiable: "autoscaling limits unknown until apply" };
  }
  if (isPreviewUnknown(nodeCount) || (nodeCount === undefined && isPreviewUnknown(valueAt(props, "initialNodeCount")))) {
    return { record, assumptions: [], unverifiable: "node count unknown until apply and no autoscaling maximum bounds it" };
  }
  return { record, assumptions: [] };
}

function label(resource: { name: string; summary?: string }): string {
  return resource.summary ? `${resource.name} (${resource.summary})` : resource.name;
}

/** The ceiling-relevant cost of `resources` (one stack's graph, or a single node pool). */
export function estimateCeilingCost(resources: PolicyResource[]): CeilingEstimate {
  const bounded: (Bounded & { totalMax?: number })[] = resources.map((view) =>
    view.type === NODE_POOL_TYPE ? boundNodePool(view) : { record: recordForPricing(view), assumptions: [] },
  );

  let priced = priceResources(bounded.map((b) => b.record));
  // A total autoscaling maximum spans all zones: re-price at ceil(total / zones) per zone.
  const totalBounded = bounded.map((b, i) => ({ b, i })).filter(({ b }) => b.totalMax !== undefined);
  if (totalBounded.length) {
    for (const { b, i } of totalBounded) {
      const zones = Number(priced[i].facts?.zones ?? 1) || 1;
      const perZone = Math.ceil(b.totalMax! / zones);
      b.record = { ...b.record, inputs: atUpperBound(b.record.inputs, perZone) };
      b.assumptions.push(`autoscaling: priced at its total maximum of ${b.totalMax} nodes (${perZone} per zone over ${zones} zones)`);
    }
    priced = priceResources(bounded.map((b) => b.record));
  }

  const estimate: CeilingEstimate = { monthly: 0, contributors: [], assumptions: [], unverifiable: [], unpriced: [] };
  priced.forEach((result, i) => {
    const view = resources[i];
    const { assumptions, unverifiable } = bounded[i];
    for (const assumption of assumptions) estimate.assumptions.push(`${view.name}: ${assumption}`);
    if (unverifiable) {
      estimate.unverifiable.push({ urn: view.urn, name: view.name, reason: unverifiable });
      return;
    }
    if (result.status === "unpriced") {
      const entry = { urn: view.urn, name: view.name, reason: result.unpricedReason ?? "not priced" };
      if (containsPreviewUnknown(view.props)) estimate.unverifiable.push(entry);
      else estimate.unpriced.push(entry);
      return;
    }
    const forcedByUnknown = result.assumptions.filter((a) => ENGINE_UNKNOWN_ASSUMPTION.test(a) && !ENGINE_UPPER_BOUND_ASSUMPTION.test(a));
    if (forcedByUnknown.length) {
      estimate.unverifiable.push({ urn: view.urn, name: view.name, reason: forcedByUnknown.join("; ") });
      return;
    }
    if (result.status === "priced") {
      estimate.monthly += result.monthly;
      estimate.contributors.push(result);
    }
  });
  estimate.contributors.sort((a, b) => b.monthly - a.monthly);
  return estimate;
}



/** "seeds (e2-standard-4 x3) $308.51; ..." for the `count` largest contributors. */
export function largestContributors(estimate: CeilingEstimate, count: number): string {
  return estimate.contributors
    .slice(0, count)
    .map((r) => `${label(r)} ${money(r.monthly)}`)
    .join("; ");
}

/** The explanation appended to a ceiling message: bounds assumed, what could not be priced. */
export function estimateNotes(estimate: CeilingEstimate): string[] {
  const notes: string[] = [];
  if (estimate.assumptions.length) notes.push(`Assumed: ${estimate.assumptions.join("; ")}.`);
  if (estimate.unpriced.length) {
    notes.push(`Not priced (not counted): ${estimate.unpriced.map((u) => `${u.name} (${u.reason})`).join("; ")}.`);
  }
  return notes;
}

/** The violation for costs a preview cannot know: the ceiling stays enforced, it just cannot pass yet. */
export function unverifiableMessage(estimate: CeilingEstimate, ceiling: number): string {
  const which = estimate.unverifiable.map((u) => `${u.name}: ${u.reason}`).join("; ");
  return (
    `cannot verify the ${money(ceiling)} ceiling during preview: ${which}. ` +
    `Give the value in config (or an autoscaling maximum for a node count) so the cost is bounded before apply.`
  );
}

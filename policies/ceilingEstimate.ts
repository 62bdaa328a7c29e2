/**
 * What a set of resources can cost a month, for a budget ceiling. Prices with the cost engine (one
 * cost model: cost/engine.ts) and adds the two rules a ceiling needs on top of an estimate:
 *
 * 1. Upper bounds. An autoscaled node pool is priced at its autoscaling maximum (what the bill can
 *    reach without any deploy), not at the minimum the cost review shows: its shape with the
 *    maximum node count, priced again by the engine.
 * 2. Preview unknowns never pass silently. A node count unknown until apply is bounded by the
 *    autoscaling maximum when there is one; any other cost-relevant unknown (machine type, disk
 *    size, a count with nothing bounding it) makes the ceiling unverifiable, which the ceiling
 *    policies report as a violation at their own (mandatory) level, never as an advisory.
 */
import { priceResourcesWithReads, priceWhatIf, ResourceRead } from "../cost/engine";
import type { PricedResource } from "../cost/model";
import { NODE_POOL_TYPE } from "../graph/resourceTypes";
import { money } from "../cost/money";
import { PolicyResource, recordForPricing } from "./resourceView";
import { containsPreviewUnknown, isPreviewUnknown, valueAt } from "../graph/valueReader";

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
  /** The engine's price of each resource at its declared figures (not the upper bounds), in the order given: what usage lines adjust. */
  priced: PricedResource[];
}

/** The engine's wording for an assumption forced by a preview unknown. */
const ENGINE_UNKNOWN_ASSUMPTION = /unknown until apply/;
/** Engine assumptions on an unknown that already price the expensive case. */
const ENGINE_UPPER_BOUND_ASSUMPTION = /priced on-demand/;

/** Where the ceiling puts a node pool: its upper bound, or why no bound can be verified. */
interface PoolBound {
  /** Per-zone maximum, or the total maximum over all zones. */
  maxPerZone?: number;
  totalMax?: number;
  /** Said of the bound, e.g. that the node count is unknown until apply. */
  note?: string;
  unverifiable?: string;
}

function isKnownNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** A node pool's autoscaling maximum as the preview states it, or why its cost cannot be bounded. */
function nodePoolBound(view: PolicyResource): PoolBound {
  const props = view.props;
  const autoscaling = valueAt(props, "autoscaling");
  const perZoneMax = valueAt(props, "autoscaling.maxNodeCount");
  const totalMax = valueAt(props, "autoscaling.totalMaxNodeCount");
  const nodeCount = valueAt(props, "nodeCount");
  if (isKnownNumber(perZoneMax)) return { maxPerZone: perZoneMax, ...(isPreviewUnknown(nodeCount) ? { note: " (node count unknown until apply)" } : {}) };
  if (isKnownNumber(totalMax)) return { totalMax };
  if (isPreviewUnknown(autoscaling) || isPreviewUnknown(perZoneMax) || isPreviewUnknown(totalMax)) return { unverifiable: "autoscaling limits unknown until apply" };
  if (isPreviewUnknown(nodeCount) || (nodeCount === undefined && isPreviewUnknown(valueAt(props, "initialNodeCount")))) {
    return { unverifiable: "node count unknown until apply and no autoscaling maximum bounds it" };
  }
  return {};
}

/** The only values a pool's bound replaces: an unknown among them does not stop the bounded price. */
const NODE_COUNT_PATH = /^(nodeCount|initialNodeCount|autoscaling\.\w+)$/;

/**
 * The pool priced at its upper bound: its shape (cost/shapes.ts) with the node count set to the
 * maximum, priced again by the engine's pricer. The shape is read even when the node count is
 * unknown until apply (the bound replaces it); any other unknown leaves the engine's verdict.
 */
function atUpperBound(priced: PricedResource, read: ResourceRead, bound: PoolBound, assumptions: string[]): PricedResource {
  const shape = priced.shape ?? (read.opaquePaths.every((path) => NODE_COUNT_PATH.test(path)) ? read.shape : undefined);
  if (shape?.kind !== "machineGroup") return priced;
  let nodes: number;
  if (bound.maxPerZone !== undefined) {
    nodes = bound.maxPerZone * shape.zones;
    assumptions.push(`autoscaling: priced at its maximum of ${bound.maxPerZone} nodes per zone${bound.note ?? ""}`);
  } else if (bound.totalMax !== undefined) {
    const perZone = Math.ceil(bound.totalMax / shape.zones);
    nodes = perZone * shape.zones;
    assumptions.push(`autoscaling: priced at its total maximum of ${bound.totalMax} nodes (${perZone} per zone over ${shape.zones} zones)`);
  } else {
    return priced;
  }
  return priceWhatIf({ ...priced, shape }, (group) => ({ ...group, nodes }));
}

function label(resource: { name: string; summary?: string }): string {
  return resource.summary ? `${resource.name} (${resource.summary})` : resource.name;
}

/** The ceiling-relevant cost of `resources` (one stack's graph, or a single node pool). */
export function estimateCeilingCost(resources: PolicyResource[]): CeilingEstimate {
  const estimate: CeilingEstimate = { monthly: 0, contributors: [], assumptions: [], unverifiable: [], unpriced: [], priced: [] };
  // A view's secrets are revealed (resourceView.ts): there is no secret wrapper to look for.
  priceResourcesWithReads(resources.map(recordForPricing), undefined, { noSecretWrappers: true }).forEach(({ priced, read }, i) => {
    estimate.priced.push(priced);
    const view = resources[i];
    const bound: PoolBound = view.type === NODE_POOL_TYPE ? nodePoolBound(view) : {};
    const assumptions: string[] = [];
    const result = bound.maxPerZone !== undefined || bound.totalMax !== undefined ? atUpperBound(priced, read, bound, assumptions) : priced;
    for (const assumption of assumptions) estimate.assumptions.push(`${view.name}: ${assumption}`);
    const { unverifiable } = bound;
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
  const declaredOnly = resources.filter((view) => view.declaredInputsAsState).length;
  if (declaredOnly) {
    estimate.assumptions.push(
      `${declaredOnly} resource${declaredOnly === 1 ? "" : "s"} with no state in this preview (${declaredOnly === 1 ? "its" : "their"} provider's configuration is unknown until apply) read as the program declares ${declaredOnly === 1 ? "it" : "them"}`,
    );
  }
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

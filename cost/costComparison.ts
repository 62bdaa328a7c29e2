/**
 * Prices two graphs (before and after) and lines them up per resource: what a preview, a state
 * estimate (no before) and a review (baseline vs program) all report. Each side is priced as a
 * whole graph, so graph-aware rules see their neighbours on the same side.
 */
import { ResourceRecord } from "../graph/resourceRecord";
import { PriceCatalog } from "../catalog/catalog";
import { PricedResource, priceResources } from "./engine";

export interface CostLine {
  urn: string;
  type: string;
  name: string;
  /** The resource priced in the before graph; null where it has no before state. */
  before: PricedResource | null;
  after: PricedResource | null;
}

export interface UnpricedResource {
  urn: string;
  type: string;
  reason: string;
}

export interface CostTotals {
  before: number;
  after: number;
  delta: number;
}

export interface CostComparison {
  lines: CostLine[];
  unpriced: UnpricedResource[];
  totals: CostTotals;
}

/** Resources a stack only reads (`get`, a preview's `read`) are owned, and paid for, elsewhere. */
function asOwned(priced: PricedResource, record: ResourceRecord): PricedResource {
  if (!(record as { external?: boolean }).external) return priced;
  return { ...priced, status: "free", monthly: 0, components: [], assumptions: ["read by this stack, owned (and paid for) elsewhere"], unpricedReason: undefined };
}

function priceSide(records: ResourceRecord[], catalog: PriceCatalog): Map<string, PricedResource> {
  const priced = priceResources(records, catalog);
  const byUrn = new Map<string, PricedResource>();
  priced.forEach((resource, index) => byUrn.set(resource.urn, asOwned(resource, records[index])));
  return byUrn;
}

export function monthlyOf(priced: PricedResource | null): number {
  return priced && priced.status === "priced" ? priced.monthly : 0;
}

/** Lines up before and after graphs by URN; `before: null` means "no before at all" (a state estimate). */
export function compareCosts(before: ResourceRecord[] | null, after: ResourceRecord[], catalog: PriceCatalog): CostComparison {
  const beforePriced = before ? priceSide(before, catalog) : new Map<string, PricedResource>();
  const afterPriced = priceSide(after, catalog);
  const order: string[] = [];
  const seen = new Set<string>();
  for (const record of [...(before ?? []), ...after]) {
    if (!seen.has(record.urn)) {
      seen.add(record.urn);
      order.push(record.urn);
    }
  }
  const lines: CostLine[] = [];
  const unpriced: UnpricedResource[] = [];
  let totalBefore = 0;
  let totalAfter = 0;
  for (const urn of order) {
    const beforeResource = beforePriced.get(urn) ?? null;
    const afterResource = afterPriced.get(urn) ?? null;
    const any = (afterResource ?? beforeResource)!;
    lines.push({ urn, type: any.type, name: any.name, before: beforeResource, after: afterResource });
    totalBefore += monthlyOf(beforeResource);
    totalAfter += monthlyOf(afterResource);
    const unpricedSide = [afterResource, beforeResource].find((side) => side?.status === "unpriced");
    if (unpricedSide) unpriced.push({ urn, type: any.type, reason: unpricedSide.unpricedReason ?? "not priced" });
  }
  // Totals in whole cents, the delta of the rounded figures: every renderer prints the same numbers.
  const roundedBefore = Math.round(totalBefore * 100) / 100;
  const roundedAfter = Math.round(totalAfter * 100) / 100;
  return { lines, unpriced, totals: { before: roundedBefore, after: roundedAfter, delta: Math.round((roundedAfter - roundedBefore) * 100) / 100 } };
}

/** Changes pairing a preview's states: both sides priced together per side. */
export function compareChanges(changes: { before?: ResourceRecord; after?: ResourceRecord }[], catalog: PriceCatalog): CostComparison {
  const before = changes.flatMap((change) => (change.before ? [change.before] : []));
  const after = changes.flatMap((change) => (change.after ? [change.after] : []));
  return compareCosts(before, after, catalog);
}

/** The first resource whose attributes are not valid values at all (an unknown machine type), with its side. */
export function firstInvalidInput(comparison: CostComparison): { line: CostLine; side: "before" | "after"; field: string; message: string } | undefined {
  for (const line of comparison.lines) {
    for (const side of ["after", "before"] as const) {
      const invalid = line[side]?.invalidInput;
      if (invalid) return { line, side, field: invalid.field, message: invalid.message };
    }
  }
  return undefined;
}

/** Distinct assumptions of all priced resources with the resources they concern: the report's notes. */
export function assumptionNotes(comparison: CostComparison): { note: string; resources: string[] }[] {
  const notes = new Map<string, string[]>();
  for (const line of comparison.lines) {
    for (const side of [line.after, line.before]) {
      if (!side || side.status !== "priced") continue;
      for (const note of side.assumptions) {
        const resources = notes.get(note) ?? [];
        if (!resources.includes(line.name)) resources.push(line.name);
        notes.set(note, resources);
      }
    }
  }
  return [...notes.entries()].map(([note, resources]) => ({ note, resources }));
}

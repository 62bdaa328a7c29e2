/**
 * Prices two graphs (before and after) and lines them up per resource: what a preview, a state
 * estimate (no before) and a review (baseline vs program) all report. Each side is priced as a
 * whole graph, so graph-aware rules see their neighbours on the same side.
 */
import { ResourceRecord } from "../graph/resourceRecord";
import { PriceCatalog } from "../catalog/catalog";
import { priceResources } from "./engine";
import type { PricedResource } from "./model";
import { roundMoney } from "./money";
import type { CostCategory } from "./model";

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

/**
 * The key a record's line goes by: its URN, except for a further copy of one URN (a stack export
 * of an interrupted replacement holds the old copy, `"delete": true`, beside the new): both exist
 * and bill, so each gets its own line.
 */
function lineKeys(records: ResourceRecord[]): string[] {
  const seen = new Map<string, number>();
  return records.map((record) => {
    const count = (seen.get(record.urn) ?? 0) + 1;
    seen.set(record.urn, count);
    if ((record as { pendingDelete?: boolean }).pendingDelete) return `${record.urn}#pending-delete`;
    return count === 1 ? record.urn : `${record.urn}#${count}`;
  });
}

/** One side's records and their prices, index by index: the side priced as one graph. */
export interface PricedSide {
  records: ResourceRecord[];
  priced: PricedResource[];
}

export function priceSide(records: ResourceRecord[], catalog: PriceCatalog): PricedSide {
  return { records, priced: priceResources(records, catalog) };
}

function keyedSide({ records, priced }: PricedSide): { byKey: Map<string, PricedResource>; keys: string[] } {
  const keys = lineKeys(records);
  const byKey = new Map<string, PricedResource>();
  priced.forEach((resource, index) => {
    const owned = asOwned(resource, records[index]);
    const pending = (records[index] as { pendingDelete?: boolean }).pendingDelete;
    byKey.set(keys[index], pending ? { ...owned, name: `${owned.name} (old copy pending delete)` } : owned);
  });
  return { byKey, keys };
}

export function monthlyOf(priced: PricedResource | null): number {
  return priced && priced.status === "priced" ? priced.monthly : 0;
}

/** Lines up before and after graphs by URN; `before: null` means "no before at all" (a state estimate). */
export function compareCosts(before: ResourceRecord[] | null, after: ResourceRecord[], catalog: PriceCatalog): CostComparison {
  return comparePricedSides(before ? priceSide(before, catalog) : null, priceSide(after, catalog));
}

/** compareCosts over sides already priced (a caller that prices usage over the same sides prices them once). */
export function comparePricedSides(before: PricedSide | null, after: PricedSide): CostComparison {
  const beforeSide = before ? keyedSide(before) : { byKey: new Map<string, PricedResource>(), keys: [] };
  const afterSide = keyedSide(after);
  const beforePriced = beforeSide.byKey;
  const afterPriced = afterSide.byKey;
  const order: string[] = [];
  const seen = new Set<string>();
  for (const key of [...beforeSide.keys, ...afterSide.keys]) {
    if (!seen.has(key)) {
      seen.add(key);
      order.push(key);
    }
  }
  const lines: CostLine[] = [];
  const unpriced: UnpricedResource[] = [];
  for (const key of order) {
    const beforeResource = beforePriced.get(key) ?? null;
    const afterResource = afterPriced.get(key) ?? null;
    const any = (afterResource ?? beforeResource)!;
    lines.push({ urn: any.urn, type: any.type, name: any.name, before: beforeResource, after: afterResource });
    const unpricedSide = unpricedSideOf(lines[lines.length - 1]);
    if (unpricedSide) unpriced.push({ urn: any.urn, type: any.type, reason: unpricedSide.unpricedReason ?? "not priced" });
  }
  return { lines, unpriced, totals: countedTotals(lines) };
}

/**
 * A resource not priced on one side cannot show a change: counting only its priced side would read
 * as a saving (or a cost) that nobody computed. It is counted among the unpriced instead.
 */
function unpricedSideOf(line: CostLine): PricedResource | undefined {
  return [line.after, line.before].find((side) => side?.status === "unpriced") ?? undefined;
}

/**
 * The totals of lines as every review counts them: a line unpriced on either side left out, in
 * whole cents, the delta of the rounded figures, so every renderer prints the same numbers.
 */
export function countedTotals(lines: CostLine[]): CostTotals {
  let totalBefore = 0;
  let totalAfter = 0;
  for (const line of lines) {
    if (unpricedSideOf(line)) continue;
    totalBefore += monthlyOf(line.before);
    totalAfter += monthlyOf(line.after);
  }
  const roundedBefore = roundMoney(totalBefore);
  const roundedAfter = roundMoney(totalAfter);
  return { before: roundedBefore, after: roundedAfter, delta: roundMoney(roundedAfter - roundedBefore) };
}

/** Changes pairing a preview's states: both sides priced together per side. */
export function compareChanges(changes: { before?: ResourceRecord; after?: ResourceRecord }[], catalog: PriceCatalog): CostComparison {
  return comparePricedSides(...changeSides(changes, catalog));
}

/** A preview's two sides, each priced as one graph. */
export function changeSides(changes: { before?: ResourceRecord; after?: ResourceRecord }[], catalog: PriceCatalog): [PricedSide, PricedSide] {
  const before = changes.flatMap((change) => (change.before ? [change.before] : []));
  const after = changes.flatMap((change) => (change.after ? [change.after] : []));
  return [priceSide(before, catalog), priceSide(after, catalog)];
}

/** Where an invalid value sits in a resource: "inputs.<path>" or "outputs.<path>" (a bare path is an input). */
export function invalidFieldPath(field: string): string {
  return field.startsWith("inputs.") || field.startsWith("outputs.") ? field : `inputs.${field}`;
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

/** Monthly cost per component category on each side: the chart's data. */
export function costByCategory(comparisons: CostComparison[]): { category: CostCategory; before: number; after: number }[] {
  const categories: CostCategory[] = ["compute", "storage", "cluster management", "networking"];
  const totals = new Map(categories.map((c) => [c, { category: c, before: 0, after: 0 }]));
  for (const comparison of comparisons) {
    for (const line of comparison.lines) {
      for (const side of ["before", "after"] as const) {
        const resource = line[side];
        if (resource?.status !== "priced") continue;
        for (const component of resource.components) totals.get(component.category ?? "compute")![side] += component.monthly;
      }
    }
  }
  return [...totals.values()];
}

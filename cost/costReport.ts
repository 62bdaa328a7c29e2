/**
 * The versioned JSON contract (docs/cost-json-contract.md) that `estimate --format json` and
 * `review --format json` print, built from a comparison. Money is rounded to cents here, once.
 */
import { PriceCatalog } from "../catalog/catalog";
import type { CostComponent } from "./model";
import { roundMoney } from "./money";
import { CostComparison, CostTotals, UnpricedResource, monthlyOf } from "./costComparison";

import type { StackUsage } from "../usage/usageModel";

export const COST_REPORT_VERSION = 1;

export interface CostReportComponent {
  name: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  monthly: number;
}

export interface CostReportResource {
  urn: string;
  type: string;
  name: string;
  before: number | null;
  after: number | null;
  components: CostReportComponent[];
}

/** What a preview digest covers (estimate --preview only). */
export interface EstimateCoverage {
  /** Every resource of the stack is in the digest (it ran with --show-sames) and nothing failed. */
  complete: boolean;
  /** Unchanged resources the digest left out (changeSummary.same minus the same steps present). */
  omittedSames: number;
  /** Error diagnostics of the preview. */
  errors: string[];
  /** Set for a stack export (no before side); not part of the JSON. */
  state?: boolean;
}

export interface CostReportDocument {
  version: typeof COST_REPORT_VERSION;
  currency: "USD";
  hoursPerMonth: number;
  catalog: { source: string; date: string };
  resources: CostReportResource[];
  unpriced: UnpricedResource[];
  totals: CostTotals;
  /**
   * `estimate --preview` only: whether the totals are the stack's bill (complete) or only the
   * changed resources (a digest without --show-sames), and the preview's error diagnostics.
   */
  coverage?: { complete: boolean; omittedSames: number; errors: string[] };
  /** `review` only: each stack's totals by stack name. */
  stacks?: Record<string, CostTotals>;
  /** `review` and `estimate`: each stack's usage-based lines (usage file, stated volume claims) and what has no usage stated. */
  usage?: Record<string, StackUsage>;
  /** `review` only: `totals` plus the usage lines. */
  totalsWithUsage?: CostTotals;
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor + 0;
}

export function roundTotals(totals: CostTotals): CostTotals {
  const before = roundMoney(totals.before);
  const after = roundMoney(totals.after);
  // The delta of the rounded figures, so before + delta = after exactly as printed.
  return { before, after, delta: roundMoney(after - before) };
}

function reportComponent(component: CostComponent): CostReportComponent {
  return {
    name: component.name,
    quantity: roundTo(component.quantity, 4),
    unit: component.unit,
    unitPrice: roundTo(component.unitPrice, 8),
    monthly: roundMoney(component.monthly),
  };
}

/** The resources and unpriced lists of one comparison (free resources are left out). */
export function reportResources(comparison: CostComparison): { resources: CostReportResource[]; unpriced: UnpricedResource[] } {
  const resources: CostReportResource[] = [];
  for (const line of comparison.lines) {
    if (line.before?.status !== "priced" && line.after?.status !== "priced") continue;
    const shown = line.after?.status === "priced" ? line.after : line.before!;
    resources.push({
      urn: line.urn,
      type: line.type,
      name: line.name,
      before: line.before ? roundMoney(monthlyOf(line.before)) : null,
      after: line.after ? roundMoney(monthlyOf(line.after)) : null,
      components: shown.components.map(reportComponent),
    });
  }
  return { resources, unpriced: comparison.unpriced.map((u) => ({ urn: u.urn, type: u.type, reason: u.reason })) };
}

export function costReportDocument(comparison: CostComparison, catalog: PriceCatalog, coverage?: EstimateCoverage): CostReportDocument {
  return {
    version: COST_REPORT_VERSION,
    currency: catalog.currency,
    hoursPerMonth: catalog.hoursPerMonth,
    catalog: { source: catalog.source, date: catalog.date },
    ...reportResources(comparison),
    totals: roundTotals(comparison.totals),
    ...(coverage && !coverage.state ? { coverage: { complete: coverage.complete, omittedSames: coverage.omittedSames, errors: coverage.errors } } : {}),
  };
}

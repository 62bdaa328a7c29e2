/**
 * The review model: per stack, the baseline (before the optimisation) against the program (after),
 * plus the totals over all stacks. Renderers (table, markdown, JSON) only read this.
 */
import { PriceCatalog } from "../catalog/catalog";
import { roundMoney } from "./money";
import { ResourceRecord } from "../graph/resourceRecord";
import { CostComparison, CostTotals, compareCosts } from "./costComparison";
import { CostReportDocument, reportResources, roundTotals, COST_REPORT_VERSION } from "./costReport";
import type { StackUsage } from "../usage/usageModel";

/** One policy result of a stack (policies/evaluate.ts over the program's graph); the renderers print them when present. */
export interface PolicyResult {
  policyName: string;
  enforcementLevel: string;
  passed: boolean;
  message: string;
  urn?: string;
}

export interface StackCostReview {
  stack: string;
  /** The baseline document the "before" side came from. */
  baselineFile: string;
  /** What the "after" side is; default: the program run offline. */
  afterSource?: string;
  comparison: CostComparison;
  /** The policy pack's results for this stack's program graph. */
  policies?: PolicyResult[];
  /** Changes made over several `pulumi up`s and still in progress (a disk migration): one line each, with what it saves once over and its temporary cost. */
  inProgress?: string[];
  /** Usage-based lines (usage file, stated workloads' volume claims) apart from the declared resources, and what has no usage stated. */
  usage?: StackUsage;
}

export interface CostReview {
  stacks: StackCostReview[];
  /** The declared resources' totals. */
  totals: CostTotals;
  /** The declared resources plus the usage-based lines, when usage was priced. */
  withUsage?: CostTotals;
  catalog: { source: string; date: string; currency: string; hoursPerMonth: number };
}

export function reviewStack(stack: string, baselineFile: string, baseline: ResourceRecord[], program: ResourceRecord[], catalog: PriceCatalog): StackCostReview {
  return { stack, baselineFile, comparison: compareCosts(baseline, program, catalog) };
}

export function assembleReview(stacks: StackCostReview[], catalog: PriceCatalog): CostReview {
  const before = stacks.reduce((sum, s) => sum + s.comparison.totals.before, 0);
  const after = stacks.reduce((sum, s) => sum + s.comparison.totals.after, 0);
  return {
    stacks,
    totals: { before: roundMoney(before), after: roundMoney(after), delta: roundMoney(after - before) },
    catalog: { source: catalog.source, date: catalog.date, currency: catalog.currency, hoursPerMonth: catalog.hoursPerMonth },
  };
}

/** Usage lines with money in cents, as every other amount of the document. */
export function roundedUsage(usage: StackUsage): StackUsage {
  return {
    ...usage,
    lines: usage.lines.map((line) => ({ ...line, monthly: roundMoney(line.monthly) })),
    totals: { before: roundMoney(usage.totals.before), after: roundMoney(usage.totals.after) },
  };
}

/** The review as the JSON contract: all stacks' resources in one list, and per-stack totals. */
export function reviewReportDocument(review: CostReview): CostReportDocument {
  const resources = review.stacks.flatMap((s) => reportResources(s.comparison).resources);
  const unpriced = review.stacks.flatMap((s) => reportResources(s.comparison).unpriced);
  const stacks: Record<string, CostTotals & { policies?: PolicyResult[] }> = {};
  for (const s of review.stacks) stacks[s.stack] = { ...roundTotals(s.comparison.totals), ...(s.policies ? { policies: s.policies } : {}) };
  return {
    version: COST_REPORT_VERSION,
    currency: "USD",
    hoursPerMonth: review.catalog.hoursPerMonth,
    catalog: { source: review.catalog.source, date: review.catalog.date },
    resources,
    unpriced,
    totals: roundTotals(review.totals),
    stacks,
    ...(review.withUsage ? { totalsWithUsage: roundTotals(review.withUsage) } : {}),
    ...(review.stacks.some((s) => s.usage) ? { usage: Object.fromEntries(review.stacks.filter((s) => s.usage).map((s) => [s.stack, roundedUsage(s.usage!)])) } : {}),
  };
}

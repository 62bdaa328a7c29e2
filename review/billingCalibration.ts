/**
 * The bill calibrates the review: `--baseline-from-billing FILE --month YYYYMM` makes the before
 * side what was billed (each baseline resource the bill names, at its net for the month scaled to
 * 730 hours), and `--prices-from-billing FILE` prices both sides at the account's effective
 * prices learned from the bill (billing/learnedPrices.ts), counting what stays at list.
 */
import * as path from "path";
import type { PriceCatalog } from "../catalog/catalog";
// DuckDB (a native binding) is required when a bill is read, not when this module loads: `estimate`
// imports it for --prices-from-billing and must start fast without one (bench/cost.ts (c)).
import type * as DuckdbEngine from "../billing/duckdbEngine";
import { declaredStack } from "../billing/declaredResources";
import { learnPrices, type LearnedCatalog } from "../billing/learnedPrices";
import { ENGINE_HOURS_PER_MONTH, reconcile } from "../billing/reconcileReport";
import { countedTotals } from "../cost/costComparison";
import { assembleReview, type CostReview } from "../cost/costReview";
import { priceResources } from "../cost/engine";
import type { PricedResource } from "../cost/model";
import { roundMoney } from "../cost/money";
import type { ResourceRecord } from "../graph/resourceRecord";

/** The bill's lines, DuckDB loaded only now. */
function readBill(files: string[]): ReturnType<typeof DuckdbEngine.aggregateBillingFiles> {
  const { aggregateBillingFiles }: typeof DuckdbEngine = require("../billing/duckdbEngine");
  return aggregateBillingFiles(files);
}

/** The catalog priced from the bill, and the sentence the review prints under its prices. */
export async function catalogFromBilling(files: string[], catalog: PriceCatalog): Promise<LearnedCatalog & { note: string }> {
  const bill = await readBill(files);
  const learned = learnPrices(bill.lines, catalog, null);
  const names = files.map((file) => path.basename(file)).join(", ");
  const note =
    `${catalog.source}; effective prices learned from the bill (${names}): ${learned.learned.length} SKU price(s) replace list figures (${learned.learned.map((price) => `${price.replaces} ${price.effective.toFixed(6)} for ${price.list.toFixed(6)} at list`).join("; ") || "none"}); ` +
    `${learned.notLearned.length} SKU(s) of the bill price nothing the catalog holds${learned.notLearned.length ? ` (${[...new Set(learned.notLearned.map((n) => `${n.sku}: ${n.reason}`))].join("; ")})` : ""}; every other figure stays at list`;
  return { ...learned, note };
}

/** How many priced cost components of `records` the learned catalog prices differently from the list one (the rest stayed at list). */
export function componentsRepriced(records: ResourceRecord[], listCatalog: PriceCatalog, learnedCatalog: PriceCatalog): { repriced: number; atList: number } {
  const list = priceResources(records, listCatalog);
  const learned = priceResources(records, learnedCatalog);
  let repriced = 0;
  let atList = 0;
  learned.forEach((resource, index) => {
    resource.components.forEach((component, at) => {
      if (component.unitPrice === list[index].components[at]?.unitPrice) atList += 1;
      else repriced += 1;
    });
  });
  return { repriced, atList };
}

/** A baseline resource's before side as billed: its net for the month, scaled to the engine's 730 hours. */
function billedBefore(priced: PricedResource, billedNet: number, month: string, hours: number, matchedBy: string[]): PricedResource {
  const monthly = roundMoney((billedNet * ENGINE_HOURS_PER_MONTH) / hours);
  return {
    ...priced,
    status: "priced",
    monthly,
    components: [{ name: `billed in ${month}, net of credits, for 730 of its ${hours} hours`, quantity: 1, unit: "month", unitPrice: monthly, monthly }],
    summary: `billed ${month}`,
    assumptions: [`before side from the bill (${matchedBy.length ? `matched by ${matchedBy.join(", ")}` : "no row of the month names it: billed nothing"}); the engine's estimate was ${priced.monthly.toFixed(2)}`],
    unpricedReason: undefined,
  };
}

/**
 * The review with each stack's before side replaced by the bill of `month` where the bill names
 * the baseline's resource; the rest keeps the baseline's estimate, said in its assumptions. The
 * stack's lines the baseline does not declare are left out of both sides and said.
 */
export async function reviewWithBilledBaseline(review: CostReview, baselines: { stack: string; file: string; records: ResourceRecord[] }[], files: string[], month: string, catalog: PriceCatalog): Promise<CostReview> {
  const bill = await readBill(files);
  const stacks = baselines.map((baseline) => ({ declared: declaredStack(baseline.stack, baseline.records, catalog, baseline.file), predictedFrom: `baseline ${path.basename(baseline.file)}` }));
  const reconciled = reconcile({ engine: "DuckDB", inputs: bill.inputs, inputLabel: files.join(", "), lines: bill.lines, stacks, months: [month] }).months[0];
  const notes: string[] = [];
  const reviewed = review.stacks.map((stackReview) => {
    const stack = reconciled.stacks.find((candidate) => candidate.stack === stackReview.stack)!;
    const declared = stacks.find((candidate) => candidate.declared.stack === stackReview.stack)!.declared;
    const byUrn = new Map(declared.resources.map((resource, index) => [resource.urn, stack.resources[index]]));
    const lines = stackReview.comparison.lines.map((line) => {
      const billed = line.before ? byUrn.get(line.before.urn) : undefined;
      if (!line.before || !billed) {
        return line.before && line.before.status === "priced" ? { ...line, before: { ...line.before, assumptions: [...line.before.assumptions, `not nameable in the bill: the baseline's estimate`] } } : line;
      }
      return { ...line, before: billedBefore(line.before, billed.billedNet, month, reconciled.hours, billed.matchedBy) };
    });
    notes.push(`${stackReview.stack}: ${stack.undeclared.billedNet.toFixed(2)} USD billed in ${month} that the baseline does not declare, left out of both sides`);
    return { ...stackReview, comparison: { ...stackReview.comparison, lines, totals: countedTotals(lines) } };
  });
  const assembled = assembleReview(reviewed, catalog);
  return { ...assembled, catalog: { ...review.catalog, source: `${review.catalog.source}; before side billed in ${month} (${files.map((file) => path.basename(file)).join(", ")}; ${notes.join("; ")})` } };
}

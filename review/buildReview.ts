/**
 * The review, built once for everyone who shows it (`infra-cost review`, the budget report): each
 * stack's baseline (a stack export of the infrastructure before the optimisation) against the
 * program run offline, priced by the same engine, with the policy pack's results over the same
 * graph. Reading the files (`readBaselines`, `recordPrograms`) is apart from building the model
 * (`reviewStacks`), which takes graphs and reads nothing.
 */
import * as path from "path";
import { PriceCatalog, loadCatalog } from "../catalog/catalog";
import { firstInvalidInput, invalidFieldPath } from "../cost/costComparison";
import { CostReview, StackCostReview, assembleReview, reviewStack } from "../cost/costReview";
import { InputError } from "../cost/sources/inputError";
import { StackExportGraph, readStackExport } from "../cost/sources/stackExport";
import { money, roundMoney } from "../cost/money";
import type { ResourceRecord } from "../graph/resourceRecord";
import { describeDiskMigration, diskMigrationCosts } from "../opportunities/diskMigrationCosts";
import { pricedByUrn } from "../opportunities/repricing";
import type { RecordedStack } from "../offline/recordStack";
import { evaluateStackPolicies } from "../policies/evaluate";
import { PROJECT_ROOT } from "../program/projectRoot";
import { STACKS, type StackName } from "../program/stacks";
import { catalogFromBilling, componentsRepriced, reviewWithBilledBaseline } from "./billingCalibration";
import { priceResources } from "../cost/engine";
import { ReadUsageFile, readStackUsageFile } from "../usage/readUsageFile";
import { priceUsage } from "../usage/priceUsage";

/** Which stacks to review, against which baseline file. */
export interface ReviewInputs {
  stack: StackName | "all";
  /** A stack export to use as the one stack's baseline; default baselines/<stack>.json. */
  baseline?: string;
  /** A usage file for the one stack; default usage.<stack>.yml beside the stack file, when it exists. */
  usage?: string;
  /** The folder baseline paths are shown relative to; default the working directory. */
  showPathsFrom?: string;
  /** Billing files whose `month` is the before side (as billed), per resource the bill names. */
  baselineFromBilling?: string[];
  /** YYYYMM of `baselineFromBilling`. */
  month?: string;
  /** Billing files whose effective prices per SKU price both sides; the rest stays at list. */
  pricesFromBilling?: string[];
}

/** One stack's baseline as read from its file. */
export interface Baseline {
  stack: StackName;
  file: string;
  /** The file as the review shows it. */
  shown: string;
  graph: StackExportGraph;
  /** The stack's usage file, when it has one. */
  usage?: ReadUsageFile;
}

/** The review and the program runs it was built from (the report investigates the same runs). */
export interface ReviewRun {
  review: CostReview;
  programs: RecordedStack[];
}

export function defaultBaselineFile(stack: string): string {
  return path.join(PROJECT_ROOT, "baselines", `${stack}.json`);
}

export function stacksOf(stack: StackName | "all"): StackName[] {
  return stack === "all" ? [...STACKS] : [stack];
}

/** Reads each stack's baseline; a bad one fails with the file and JSON path named. */
export function readBaselines(inputs: ReviewInputs): Baseline[] {
  const stacks = stacksOf(inputs.stack);
  if (inputs.baseline !== undefined && stacks.length > 1) {
    throw new InputError("--baseline", "", "one baseline is one stack's: use it with --stack prod or --stack testnet");
  }
  const from = inputs.showPathsFrom ?? process.cwd();
  if (inputs.usage !== undefined && stacks.length > 1) {
    throw new InputError("--usage", "", "one usage file is one stack's: use it with --stack prod or --stack testnet (or usage.<stack>.yml beside each stack file)");
  }
  return stacks.map((stack) => {
    const file = inputs.baseline ?? defaultBaselineFile(stack);
    const shown = path.relative(from, file).split(path.sep).join("/") || file;
    return { stack, file, shown, graph: readStackExport(file), usage: readStackUsageFile(stack, inputs.usage, from) };
  });
}

/** Runs the program offline for the stacks; loaded lazily so `estimate` never pays for the Pulumi SDK. */
export async function recordPrograms(stacks: StackName[]): Promise<RecordedStack[]> {
  const offline: typeof import("../offline/recordStack") = require("../offline/recordStack");
  if (stacks.length === STACKS.length) return offline.recordAllStacks();
  return Promise.all(stacks.map((stack) => offline.recordStack(stack)));
}

/**
 * The review model from the baselines and the programs' graphs (same order): priced comparisons,
 * the policy results, the totals. A value no resource can have is refused naming where it sits.
 */
export function reviewStacks(baselines: Baseline[], programs: { resources: ResourceRecord[] }[], catalog: PriceCatalog): CostReview {
  // Usage is priced over every stack at once: internet egress tiers are per billing account.
  const usage = priceUsage(
    baselines.map((baseline, index) => ({
      stack: baseline.stack,
      usageFile: baseline.usage,
      before: { records: baseline.graph.resources, priced: priceResources(baseline.graph.resources, catalog) },
      after: { records: programs[index].resources, priced: priceResources(programs[index].resources, catalog) },
    })),
    catalog,
  );
  const reviews: StackCostReview[] = baselines.map((baseline, index) => {
    const review = reviewStack(baseline.stack, baseline.shown, baseline.graph.resources, programs[index].resources, catalog);
    const invalid = firstInvalidInput(review.comparison);
    if (invalid) {
      const file = invalid.side === "before" ? path.basename(baseline.file) : `Pulumi.${baseline.stack}.yaml`;
      const where = invalid.side === "before" ? baseline.graph.locations.get(invalid.line.urn) ?? invalid.line.urn : `resource ${invalid.line.name}`;
      throw new InputError(file, `${where}.${invalidFieldPath(invalid.field)}`, invalid.message);
    }
    // The same checks `pulumi preview --policy-pack policies` runs, over the same graph.
    review.policies = evaluateStackPolicies(programs[index].resources, baseline.stack, undefined, usage[index]).map((result) => ({
      policyName: result.policy,
      enforcementLevel: result.enforcementLevel,
      passed: result.passed,
      message: result.message,
    }));
    const migrations = diskMigrationCosts(baseline.stack, programs[index].resources, pricedByUrn(programs[index].resources, catalog), catalog);
    if (migrations.costs.length) review.inProgress = migrations.costs.map((cost) => describeDiskMigration(cost, money));
    return review;
  });
  reviews.forEach((review, index) => (review.usage = usage[index]));
  const assembled = assembleReview(reviews, catalog);
  const before = roundMoney(assembled.totals.before + usage.reduce((sum, u) => sum + u.totals.before, 0));
  const after = roundMoney(assembled.totals.after + usage.reduce((sum, u) => sum + u.totals.after, 0));
  assembled.withUsage = { before, after, delta: roundMoney(after - before) };
  return assembled;
}

/** Reads the baselines (first: a bad one fails before the slower program run), records the programs, builds the review. */
export async function buildReview(inputs: ReviewInputs, catalog: PriceCatalog = loadCatalog()): Promise<ReviewRun> {
  const baselines = readBaselines(inputs);
  const learned = inputs.pricesFromBilling?.length ? await catalogFromBilling(inputs.pricesFromBilling, catalog) : undefined;
  const pricing = learned?.catalog ?? catalog;
  const programs = await recordPrograms(baselines.map((baseline) => baseline.stack));
  let review = reviewStacks(baselines, programs, pricing);
  if (learned) {
    const counts = [...baselines.map((b) => b.graph.resources), ...programs.map((p) => p.resources)].map((records) => componentsRepriced(records, catalog, pricing));
    const repriced = counts.reduce((sum, c) => sum + c.repriced, 0);
    const atList = counts.reduce((sum, c) => sum + c.atList, 0);
    review = { ...review, catalog: { ...review.catalog, source: `${learned.note}. Cost components of both sides: ${repriced} priced at learned prices, ${atList} at list` } };
  }
  if (inputs.baselineFromBilling?.length && inputs.month) {
    const graphs = baselines.map((baseline) => ({ stack: baseline.stack, file: baseline.file, records: baseline.graph.resources }));
    review = await reviewWithBilledBaseline(review, graphs, inputs.baselineFromBilling, inputs.month, pricing);
  }
  return { review, programs };
}

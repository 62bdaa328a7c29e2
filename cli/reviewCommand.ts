/**
 * `infra-cost review`: each stack's baseline (a stack export of the infrastructure before the
 * optimisation) against the program run offline, priced by the same engine.
 */
import * as path from "path";
import { loadCatalog } from "../catalog/catalog";
import { PROJECT_ROOT } from "../program/projectRoot";
import { evaluateStackPolicies } from "../policies/evaluate";
import { firstInvalidInput, invalidFieldPath } from "../cost/costComparison";
import { CostReview, StackCostReview, assembleReview, reviewReportDocument, reviewStack } from "../cost/costReview";
import { InputError } from "../cost/sources/inputError";
import { readStackExport } from "../cost/sources/stackExport";
import type { CommandOutput } from "./command";
import { costChartSvg } from "../charts/costChartSvg";
import { renderReviewMarkdown } from "./renderMarkdown";
import { renderReviewTable } from "./renderTable";
import type { RecordedStack } from "../offline/recordStack";
import { STACKS, type StackName } from "../program/stacks";
import { describeDiskMigration, diskMigrationCosts } from "../opportunities/diskMigrationCosts";
import { pricedByUrn } from "../opportunities/repricing";
import { money } from "../cost/money";

export interface ReviewOptions {
  stack: StackName | "all";
  baseline?: string;
  format: "table" | "markdown" | "json";
  out?: string;
}

export function defaultBaselineFile(stack: string): string {
  return path.join(PROJECT_ROOT, "baselines", `${stack}.json`);
}

/** Runs the program offline for the stacks; loaded lazily so `estimate` never pays for the Pulumi SDK. */
async function recordPrograms(stacks: StackName[]): Promise<RecordedStack[]> {
  const offline: typeof import("../offline/recordStack") = require("../offline/recordStack");
  if (stacks.length === 2) return offline.recordAllStacks();
  return [await offline.recordStack(stacks[0])];
}

export async function buildReview(options: Pick<ReviewOptions, "stack" | "baseline">): Promise<CostReview> {
  const stacks: StackName[] = options.stack === "all" ? [...STACKS] : [options.stack];
  if (options.baseline !== undefined && stacks.length > 1) {
    throw new InputError("--baseline", "", "one baseline is one stack's: use it with --stack prod or --stack testnet");
  }
  // Baselines first: a bad baseline fails before the (slower) program run.
  const baselines = stacks.map((stack) => {
    const file = options.baseline ?? defaultBaselineFile(stack);
    return { stack, file, shown: path.relative(process.cwd(), file) || file, graph: readStackExport(file) };
  });
  const programs = await recordPrograms(stacks);
  const catalog = loadCatalog();
  const reviews: StackCostReview[] = baselines.map((baseline, index) => {
    const review = reviewStack(baseline.stack, baseline.shown, baseline.graph.resources, programs[index].resources, catalog);
    const invalid = firstInvalidInput(review.comparison);
    if (invalid) {
      const file = invalid.side === "before" ? path.basename(baseline.file) : `Pulumi.${baseline.stack}.yaml`;
      const where = invalid.side === "before" ? baseline.graph.locations.get(invalid.line.urn) ?? invalid.line.urn : `resource ${invalid.line.name}`;
      throw new InputError(file, `${where}.${invalidFieldPath(invalid.field)}`, invalid.message);
    }
    // The same checks `pulumi preview --policy-pack policies` runs, over the same graph.
    review.policies = evaluateStackPolicies(programs[index].resources, baseline.stack).map((result) => ({
      policyName: result.policy,
      enforcementLevel: result.enforcementLevel,
      passed: result.passed,
      message: result.message,
    }));
    const migrations = diskMigrationCosts(baseline.stack, programs[index].resources, pricedByUrn(programs[index].resources, catalog), catalog);
    if (migrations.costs.length) review.inProgress = migrations.costs.map((cost) => describeDiskMigration(cost, money));
    return review;
  });
  return assembleReview(reviews, catalog);
}

/** The rendered review on stdout, or in --out (markdown: with its SVG chart beside it). */
export async function reviewCommand(options: ReviewOptions): Promise<CommandOutput> {
  const review = await buildReview(options);
  const text = renderReview(review, options);
  if (!options.out) return { text };
  if (options.format !== "markdown") return { text: "", files: [{ file: options.out, content: text }] };
  const chartFile = chartFileBeside(options.out);
  const chart = costChartSvg(review.stacks.map((s) => s.comparison), "Monthly cost by component: before vs after (USD)");
  return { text: "", files: [{ file: options.out, content: text }, { file: chartFile, content: chart }] };
}

/** The chart of a markdown --out file: its name with .svg for the extension. */
function chartFileBeside(out: string): string {
  return out.replace(/(\.[^./\\]+)?$/, ".svg");
}

function renderReview(review: CostReview, options: ReviewOptions): string {
  if (options.format === "json") return JSON.stringify(reviewReportDocument(review), null, 2) + "\n";
  if (options.format === "table") return renderReviewTable(review);
  return options.out ? renderReviewMarkdown(review, path.basename(chartFileBeside(options.out))) : renderReviewMarkdown(review);
}

/**
 * `infra-cost estimate (--preview FILE... | --state FILE)`: the monthly cost of one or more
 * `pulumi preview --json` digests (one per stack: one PR comment with a cross-stack total) or of a
 * `pulumi stack export`; `--fail-above USD` / `--fail-above-percent P` turn a stack's monthly
 * increase past a threshold into a distinct exit status (the guardrail on the change).
 *
 * This path only reads JSON: it must never load a Pulumi SDK (see the import-graph test).
 */
import * as path from "path";
import { PriceCatalog, loadCatalog } from "../catalog/catalog";
import { CostComparison, changeSides, comparePricedSides, firstInvalidInput, invalidFieldPath, priceSide, type PricedSide } from "../cost/costComparison";
import { costReportDocument, roundTotals } from "../cost/costReport";
import { money } from "../cost/money";
import { InputError, PreviewFailedError } from "../cost/sources/inputError";
import { PreviewChanges, readPreviewDocument } from "../cost/sources/previewDocument";
import { readStackExport } from "../cost/sources/stackExport";
import type { PolicyStack } from "../policies/evaluate";
import { STACKS } from "../program/stacks";
import { PolicyResult, roundedUsage } from "../cost/costReview";
import { EXIT_OVER_THRESHOLD, EXIT_PREVIEW_FAILED, type CommandOutput } from "./command";
import { renderEstimateTable } from "./renderTable";
import { catalogFromBilling } from "../review/billingCalibration";
import { usageTableLines } from "./renderUsage";
import type { DeploymentRecord } from "../cost/sources/deploymentResource";
import { readStackUsageFile } from "../usage/readUsageFile";
import { priceUsage } from "../usage/priceUsage";
import type { StackUsage } from "../usage/usageModel";
import { EstimatedStack, FailedStack, renderPullRequestComment } from "./renderPullRequestComment";

export interface EstimateOptions {
  preview?: string[];
  state?: string;
  format: "table" | "json" | "markdown";
  failAbove?: number;
  failAbovePercent?: number;
  /** Write the estimate here instead of stdout. */
  out?: string;
  /** Billing files whose effective prices per SKU price the estimate; the rest stays at list. */
  pricesFromBilling?: string[];
  /** The usage file of the one stack estimated; default usage.<stack>.yml beside its stack file, when it exists. */
  usage?: string;
}

export interface EstimateResult {
  text: string;
  /** Markdown only: previews that had failed, shown in the comment; the CLI exits 4 after writing it. */
  failedPreviews: string[];
  /** One line per stack whose monthly increase passed a --fail-above threshold. */
  overThreshold: string[];
}

/** Stacks the committed policy pack has a config for (every stack): their verdicts go into the comment. */
const POLICY_STACKS: readonly PolicyStack[] = STACKS;

function failInvalid(comparison: CostComparison, shownFile: string, locate: (urn: string, side: "before" | "after") => string | undefined): void {
  const invalid = firstInvalidInput(comparison);
  if (!invalid) return;
  const where = locate(invalid.line.urn, invalid.side) ?? invalid.line.urn;
  throw new InputError(shownFile, `${where}.${invalidFieldPath(invalid.field)}`, invalid.message);
}

/** Each stack's policy verdicts, from the pack's own checks run on the preview's after-states. */
function policyVerdicts(stack: string | undefined, preview: PreviewChanges, usage: StackUsage | undefined): PolicyResult[] | undefined {
  if (!stack || !POLICY_STACKS.includes(stack as PolicyStack)) return undefined;
  // Loaded only for a stack with a policy config: the pack's config validation (zod) costs start-up time.
  const { evaluateStackPolicies }: typeof import("../policies/evaluate") = require("../policies/evaluate");
  const after = preview.changes.flatMap((change) => (change.after && !change.after.external ? [change.after] : []));
  return evaluateStackPolicies(after, stack as PolicyStack, undefined, usage).map((result) => ({
    policyName: result.policy,
    enforcementLevel: result.enforcementLevel,
    passed: result.passed,
    message: result.message,
  }));
}

/**
 * The stack's usage lines over the document's sides: its usage file (given, or the project's
 * usage.<stack>.yml for a stack of this project). A document may hold part of a stack (a preview
 * of the changes, a fixture): an address it lacks is not checked here, `review` checks every one
 * against the whole program.
 */
function usageOfStack(stack: string | undefined, given: string | undefined, before: PricedSide | null, after: PricedSide, catalog: PriceCatalog): StackUsage | undefined {
  const usageFile = given !== undefined || (stack && (STACKS as readonly string[]).includes(stack)) ? readStackUsageFile(stack ?? "", given) : undefined;
  return priceUsage([{ stack: stack ?? "", usageFile, before, after, partial: true }], catalog)[0];
}

/** A side without the resources the stack only reads (owned, and paid for, elsewhere): no usage of this stack's. */
function ownedOnly(side: PricedSide): PricedSide {
  const owned = side.records.map((record) => !(record as DeploymentRecord).external);
  return { records: side.records.filter((_, index) => owned[index]), priced: side.priced.filter((_, index) => owned[index]) };
}

function estimatePreview(file: string, catalog: PriceCatalog, withPolicies: boolean, usage?: string): EstimatedStack {
  const shownFile = path.basename(file);
  const preview = readPreviewDocument(file);
  // Each side priced once: the comparison and the usage lines read the same prices.
  const [before, after] = changeSides(preview.changes, catalog);
  const comparison = comparePricedSides(before, after);
  failInvalid(comparison, shownFile, (urn, side) => preview.locations.get(urn)?.[side]);
  const stackUsage = usageOfStack(preview.stack, usage, before, ownedOnly(after), catalog);
  return {
    usage: stackUsage,
    stack: preview.stack ?? shownFile,
    file: shownFile,
    comparison,
    coverage: { complete: preview.complete, omittedSames: preview.omittedSames, errors: preview.errors },
    // The verdicts go into the PR comment only.
    policies: withPolicies ? policyVerdicts(preview.stack, preview, stackUsage) : undefined,
  };
}

/** The thresholds a stack's increase passed, as one line each. */
function thresholdBreaches(stacks: EstimatedStack[], options: EstimateOptions): string[] {
  const lines: string[] = [];
  for (const s of stacks) {
    const { before, delta } = roundTotals(s.comparison.totals);
    if (options.failAbove !== undefined && delta > options.failAbove) {
      lines.push(`${s.stack}: monthly cost increase ${money(delta)} is above --fail-above ${options.failAbove}`);
    }
    if (options.failAbovePercent !== undefined && delta > 0) {
      const percent = before > 0 ? (delta / before) * 100 : Infinity;
      if (percent > options.failAbovePercent) {
        lines.push(`${s.stack}: monthly cost increase ${Number.isFinite(percent) ? `${percent.toFixed(1)} %` : "from $0.00"} is above --fail-above-percent ${options.failAbovePercent}`);
      }
    }
  }
  return lines;
}

/**
 * The estimate on stdout or in --out; a failed preview (markdown) or a passed threshold still
 * writes it whole, then fails the run with exit 4 or 3.
 */
export async function estimateCommand(options: EstimateOptions): Promise<CommandOutput> {
  const pricing = options.pricesFromBilling?.length ? await catalogFromBilling(options.pricesFromBilling, loadCatalog()) : undefined;
  const estimate = runEstimate(options, pricing ? { ...pricing.catalog, source: pricing.note } : loadCatalog());
  const output: CommandOutput = options.out ? { text: "", files: [{ file: options.out, content: estimate.text }] } : { text: estimate.text };
  if (estimate.failedPreviews.length > 0) return { ...output, failure: { message: estimate.failedPreviews.join("; "), exitCode: EXIT_PREVIEW_FAILED } };
  if (estimate.overThreshold.length > 0) return { ...output, failure: { message: estimate.overThreshold.join("; "), exitCode: EXIT_OVER_THRESHOLD } };
  return output;
}

/** The rendered estimate and what fails the run, without writing anything (the benchmark calls this). */
export function runEstimate(options: EstimateOptions, catalog: PriceCatalog = loadCatalog()): EstimateResult {
  const previews = options.preview ?? [];
  if ((previews.length > 0) === (options.state !== undefined)) {
    throw new InputError("estimate", "", "give --preview FILE (once per stack) or --state FILE, not both and not neither");
  }
  if (options.usage !== undefined && previews.length > 1) {
    throw new InputError("--usage", "", "one usage file is one stack's: give it with one --preview or --state (each stack's usage.<stack>.yml is read by default)");
  }
  if (options.state !== undefined) {
    const shownFile = path.basename(options.state);
    const state = readStackExport(options.state);
    const side = priceSide(state.resources, catalog);
    const comparison = comparePricedSides(null, side);
    failInvalid(comparison, shownFile, (urn) => state.locations.get(urn));
    const stack = comparison.lines.map((l) => l.urn.split("::")[0]?.split(":")[2]).find(Boolean) ?? shownFile;
    const usage = usageOfStack(stack, options.usage, null, side, catalog);
    const estimated: EstimatedStack = { stack, file: shownFile, comparison, coverage: { complete: true, omittedSames: 0, errors: [], state: true }, usage };
    return { text: render([estimated], options.format, catalog), overThreshold: thresholdBreaches([estimated], options), failedPreviews: [] };
  }
  // In the PR comment a failed preview is a section saying so, beside the stacks that did preview;
  // every other format refuses it outright (nothing on stdout).
  const failedPreviews: string[] = [];
  const failedStacks: FailedStack[] = [];
  const stacks: EstimatedStack[] = [];
  for (const file of previews) {
    try {
      stacks.push(estimatePreview(file, catalog, options.format === "markdown", options.usage));
    } catch (err) {
      if (!(err instanceof PreviewFailedError) || options.format !== "markdown") throw err;
      failedPreviews.push(err.message);
      failedStacks.push({ file: path.basename(file), message: err.message });
    }
  }
  const seen = new Set<string>();
  for (const s of stacks) {
    if (seen.has(s.stack)) throw new InputError(s.file, "", `a second preview of stack ${s.stack} (give one --preview per stack)`);
    seen.add(s.stack);
  }
  return { text: render(stacks, options.format, catalog, failedStacks), overThreshold: thresholdBreaches(stacks, options), failedPreviews };
}

function render(stacks: EstimatedStack[], format: EstimateOptions["format"], catalog: PriceCatalog, failed: FailedStack[] = []): string {
  if (format === "markdown") return renderPullRequestComment(stacks, catalog, failed);
  if (format === "json") {
    // The usage lines go beside the document's own fields, apart from its totals (docs/cost-json-contract.md),
    // when the stack has a usage file or stated volume claims.
    const documentOf = (s: EstimatedStack) => ({
      ...costReportDocument(s.comparison, catalog, s.coverage),
      ...(s.usage && (s.usage.file !== undefined || s.usage.lines.length > 0) ? { usage: { [s.stack]: roundedUsage(s.usage) } } : {}),
    });
    if (stacks.length === 1) return JSON.stringify(documentOf(stacks[0]), null, 2) + "\n";
    const documents = stacks.map((s) => ({ stack: s.stack, report: documentOf(s) }));
    return JSON.stringify({ stacks: Object.fromEntries(documents.map((d) => [d.stack, d.report])) }, null, 2) + "\n";
  }
  return stacks.map((s) => `${stacks.length > 1 ? `== ${s.stack} (${s.file})\n` : ""}${renderEstimateTable(s.comparison, catalog, !s.coverage.state, s.coverage)}${usageTableLines(s.stack, s.usage).map((line) => `${line.trimStart()}\n`).join("")}`).join("\n");
}

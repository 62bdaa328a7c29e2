/**
 * `infra-cost review`: each stack's baseline (a stack export of the infrastructure before the
 * optimisation) against the program run offline, priced by the same engine.
 */
import * as path from "path";
import { CostReview, reviewReportDocument } from "../cost/costReview";
import { buildReview, type ReviewInputs } from "../review/buildReview";
import type { CommandOutput } from "./command";
import { InputError } from "../cost/sources/inputError";
import { costChartSvg } from "../charts/costChartSvg";
import { renderReviewMarkdown } from "./renderMarkdown";
import { renderReviewTable } from "./renderTable";

export interface ReviewOptions extends ReviewInputs {
  format: "table" | "markdown" | "json";
  out?: string;
}

const MONTH = /^(\d{4})(0[1-9]|1[0-2])$/;

/** --baseline-from-billing and --month go together; --month is an invoice month. */
export function validateBillingOptions(options: ReviewOptions): void {
  const billed = (options.baselineFromBilling ?? []).length > 0;
  if (billed && options.month === undefined) throw new InputError("--month", "", "missing: --baseline-from-billing needs the invoice month of the before side (--month YYYYMM)");
  if (!billed && options.month !== undefined) throw new InputError("--month", "", "given without --baseline-from-billing FILE (the bill it picks the month of)");
  if (options.month !== undefined && !MONTH.test(options.month)) throw new InputError("--month", "", `${JSON.stringify(options.month)} is not an invoice month YYYYMM (e.g. 202105)`);
}

/** The rendered review on stdout, or in --out (markdown: with its SVG chart beside it). */
export async function reviewCommand(options: ReviewOptions): Promise<CommandOutput> {
  validateBillingOptions(options);
  const { review } = await buildReview(options);
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

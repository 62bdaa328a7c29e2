/**
 * `infra-cost review`: each stack's baseline (a stack export of the infrastructure before the
 * optimisation) against the program run offline, priced by the same engine.
 */
import * as path from "path";
import { CostReview, reviewReportDocument } from "../cost/costReview";
import { buildReview, type ReviewInputs } from "../review/buildReview";
import type { CommandOutput } from "./command";
import { costChartSvg } from "../charts/costChartSvg";
import { renderReviewMarkdown } from "./renderMarkdown";
import { renderReviewTable } from "./renderTable";

export interface ReviewOptions extends ReviewInputs {
  format: "table" | "markdown" | "json";
  out?: string;
}

/** The rendered review on stdout, or in --out (markdown: with its SVG chart beside it). */
export async function reviewCommand(options: ReviewOptions): Promise<CommandOutput> {
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

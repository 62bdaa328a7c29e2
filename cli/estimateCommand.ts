/** `infra-cost estimate (--preview FILE | --state FILE)`: the monthly cost of a preview or a state. */
import * as path from "path";
import { loadCatalog } from "../catalog/catalog";
import { CostComparison, compareChanges, compareCosts, firstInvalidInput, invalidFieldPath } from "../cost/costComparison";
import { costReportDocument } from "../cost/costReport";
import { InputError } from "../cost/sources/inputError";
import { readPreviewDocument } from "../cost/sources/previewDocument";
import { readStackExport } from "../cost/sources/stackExport";
import { renderEstimateTable } from "./renderTable";
import { renderReviewMarkdown } from "./renderMarkdown";
import { assembleReview } from "../cost/costReview";

/** The stack a preview or state belongs to: the second field of its URNs (urn:pulumi:<stack>::...). */
function stackOfComparison(comparison: CostComparison): string | undefined {
  return comparison.lines.map((l) => l.urn.split("::")[0]?.split(":")[2]).find(Boolean);
}

export interface EstimateOptions {
  preview?: string;
  state?: string;
  format: "table" | "json" | "markdown";
}

export function runEstimate(options: EstimateOptions): string {
  if ((options.preview === undefined) === (options.state === undefined)) {
    throw new InputError("estimate", "", "give exactly one of --preview FILE or --state FILE");
  }
  const catalog = loadCatalog();
  let comparison: CostComparison;
  const file = (options.preview ?? options.state)!;
  const shownFile = path.basename(file);
  if (options.preview !== undefined) {
    const preview = readPreviewDocument(file);
    comparison = compareChanges(preview.changes, catalog);
    const invalid = firstInvalidInput(comparison);
    if (invalid) {
      const where = preview.locations.get(invalid.line.urn)?.[invalid.side] ?? invalid.line.urn;
      throw new InputError(shownFile, `${where}.${invalidFieldPath(invalid.field)}`, invalid.message);
    }
  } else {
    const state = readStackExport(file);
    comparison = compareCosts(null, state.resources, catalog);
    const invalid = firstInvalidInput(comparison);
    if (invalid) {
      const where = state.locations.get(invalid.line.urn) ?? invalid.line.urn;
      throw new InputError(shownFile, `${where}.${invalidFieldPath(invalid.field)}`, invalid.message);
    }
  }
  if (options.format === "json") return JSON.stringify(costReportDocument(comparison, catalog), null, 2) + "\n";
  if (options.format === "markdown") {
    const stack = stackOfComparison(comparison) ?? shownFile;
    const source = options.preview !== undefined ? { before: "the stack's current state", after: `the preview (${shownFile})` } : { before: "nothing", after: `the state (${shownFile})` };
    const review = assembleReview([{ stack, baselineFile: source.before, afterSource: source.after, comparison }], catalog);
    return renderReviewMarkdown(review);
  }
  return renderEstimateTable(comparison, catalog, options.preview !== undefined);
}

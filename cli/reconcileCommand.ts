/**
 * `infra-cost reconcile`: the bill (Cloud Billing export or FOCUS files, or the export table in
 * BigQuery) against what the program declares, per invoice month, stack and resource.
 */
import * as path from "path";
import { loadCatalog } from "../catalog/catalog";
import { InputError } from "../cost/sources/inputError";
import { readStackExport } from "../cost/sources/stackExport";
import type { RecordedStack } from "../offline/recordStack";
import { STACKS, type StackName } from "../program/stacks";
import { BigQueryReadError, aggregateBigQueryTable } from "../billing/bigQueryEngine";
import { aggregateBillingFiles } from "../billing/duckdbEngine";
import { declaredStack, type DeclaredStack } from "../billing/declaredResources";
import { reconcile, type ReconcileReport } from "../billing/reconcileReport";
import { reconcileDocument, renderReconcileMarkdown, renderReconcileTable } from "../billing/renderReconcile";
import type { BilledLine } from "../billing/billedLine";
import { CommandFailure, EXIT_FAILED, EXIT_OVER_THRESHOLD, type CommandOutput } from "./command";

export interface ReconcileOptions {
  billing?: string[];
  bigquery?: string;
  month?: string[];
  stack: StackName | "all";
  baseline?: string;
  format: "table" | "markdown" | "json";
  out?: string;
  failAboveDriftPercent?: number;
}

const MONTH = /^(\d{4})(0[1-9]|1[0-2])$/;

/** The bill read by the engine the options name: DuckDB over files, or BigQuery over the table. */
async function readBill(options: ReconcileOptions): Promise<{ engine: ReconcileReport["engine"]; lines: BilledLine[]; inputs: string[]; label: string }> {
  if (options.bigquery !== undefined) {
    try {
      const result = await aggregateBigQueryTable(options.bigquery);
      return { engine: "BigQuery", lines: result.lines, inputs: result.inputs, label: options.bigquery };
    } catch (err) {
      if (err instanceof BigQueryReadError) throw new CommandFailure(err.message, EXIT_FAILED);
      throw err;
    }
  }
  const files = options.billing ?? [];
  const result = await aggregateBillingFiles(files);
  return { engine: "DuckDB", lines: result.lines, inputs: result.inputs, label: files.join(", ") };
}

/** The stacks' graphs: the program recorded offline, or one baseline stack export. */
async function stackGraphs(stacks: StackName[], baseline: string | undefined): Promise<{ stack: StackName; file: string; predictedFrom: string; records: RecordedStack["resources"] }[]> {
  if (baseline !== undefined) {
    const graph = readStackExport(baseline);
    return [{ stack: stacks[0], file: baseline, predictedFrom: `baseline ${path.basename(baseline)}`, records: graph.resources }];
  }
  const offline: typeof import("../offline/recordStack") = require("../offline/recordStack");
  const recorded = stacks.length === 2 ? await offline.recordAllStacks() : [await offline.recordStack(stacks[0])];
  return recorded.map((run) => ({ stack: run.stack, file: `Pulumi.${run.stack}.yaml`, predictedFrom: "program", records: run.resources }));
}

export function validateReconcileOptions(options: ReconcileOptions): void {
  const sources = [options.billing && options.billing.length > 0, options.bigquery !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new InputError("--billing", "", "give billing files (--billing FILE, repeatable) or a table (--bigquery PROJECT.DATASET.TABLE), one of the two");
  for (const month of options.month ?? []) {
    if (!MONTH.test(month)) throw new InputError("--month", "", `${JSON.stringify(month)} is not an invoice month YYYYMM (e.g. 202106)`);
  }
  if (options.baseline !== undefined && options.stack === "all") {
    throw new InputError("--baseline", "", "one baseline is one stack's: use it with --stack prod or --stack testnet");
  }
}

export async function reconcileCommand(options: ReconcileOptions): Promise<CommandOutput> {
  validateReconcileOptions(options);
  const stacks: StackName[] = options.stack === "all" ? [...STACKS] : [options.stack];
  const bill = await readBill(options);
  const catalog = loadCatalog();
  const declared: { declared: DeclaredStack; predictedFrom: string }[] = (await stackGraphs(stacks, options.baseline)).map((graph) => ({
    declared: declaredStack(graph.stack, graph.records, catalog, graph.file),
    predictedFrom: graph.predictedFrom,
  }));
  const report = reconcile({
    engine: bill.engine,
    inputs: bill.inputs,
    inputLabel: bill.label,
    lines: bill.lines,
    stacks: declared,
    months: options.month ?? [],
    failAboveDriftPercent: options.failAboveDriftPercent,
  });
  const text = options.format === "json" ? JSON.stringify(reconcileDocument(report), null, 2) + "\n" : options.format === "markdown" ? renderReconcileMarkdown(report) : renderReconcileTable(report);
  const output: CommandOutput = options.out ? { text: "", files: [{ file: options.out, content: text }] } : { text };
  const exceeded = report.threshold?.exceeded ?? [];
  if (exceeded.length > 0) {
    const first = exceeded[0];
    output.failure = {
      message: `${exceeded.length} drift(s) beyond ${report.threshold!.percent}%, the first ${first.month} ${first.stack} ${first.name ?? "(whole stack)"} at ${first.driftPercent}%`,
      exitCode: EXIT_OVER_THRESHOLD,
    };
  }
  return output;
}

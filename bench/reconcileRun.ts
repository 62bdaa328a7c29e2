/**
 * One measured run for bench/reconcile.ts, in a process of its own so its peak RSS is its own:
 *   reconcile FILE  the bill read, the program's graph recorded (not timed), the bill attributed
 *                   and reported, in the order `infra-cost reconcile --format json` does it
 *   floor FILE      a bare DuckDB sum of `cost` over the same file, same thread and memory settings
 *   fields FILE     a second reference: DuckDB reading every field the reconcile reads (the same
 *                   NDJSON column types), each summed or hashed, with no grouping: the engine's own
 *                   reading, which the floor's one column leaves out
 * Prints one JSON line: { seconds, cpuSeconds, peakRssMb, recordSeconds? }; cpuSeconds (user + system of
 * the process over the timed part) is what a busy shared machine disturbs least.
 */
import * as fs from "fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { loadCatalog } from "../catalog/catalog";
import { declaredStack } from "../billing/declaredResources";
import { BILLING_DUCKDB_SETTINGS, aggregateBillingFiles, sourceOf } from "../billing/duckdbEngine";
import { reconcile } from "../billing/reconcileReport";
import { reconcileDocument } from "../billing/renderReconcile";
import type * as RecordStack from "../offline/recordStack";

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
/**
 * This process's peak resident set: VmHWM, the high-water mark of its own address space. Not
 * getrusage's maxRSS, which Linux carries over from the parent at fork and exec: a child of the
 * bench, whose DuckDB has just generated the export, would report the parent's size.
 */
function peakRssMb(): number {
  const status = fs.existsSync("/proc/self/status") ? fs.readFileSync("/proc/self/status", "utf8") : "";
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/** In `infra-cost reconcile`'s order: the bill read first, then the graph recorded (not timed), then attributed and reported. */
async function reconcileRun(file: string): Promise<object> {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const bill = await aggregateBillingFiles([file]);
  const readSeconds = seconds(started);
  const readCpu = cpuSeconds(cpuStarted);

  const recordStarted = process.hrtime.bigint();
  const catalog = loadCatalog();
  // Loaded when needed, as the command loads it (the Pulumi SDK is not in memory while DuckDB reads).
  const { recordAllStacks }: typeof RecordStack = require("../offline/recordStack");
  const stacks = (await recordAllStacks()).map((run) => ({ declared: declaredStack(run.stack, run.resources, catalog, `Pulumi.${run.stack}.yaml`), predictedFrom: "program" }));
  const recordSeconds = seconds(recordStarted);

  const reportStarted = process.hrtime.bigint();
  const reportCpuStarted = process.cpuUsage();
  const report = reconcile({ engine: "DuckDB", inputs: bill.inputs, inputLabel: file, lines: bill.lines, stacks, months: [] });
  const text = JSON.stringify(reconcileDocument(report));
  if (report.months.length !== 1 || text.length === 0) throw new Error("the benchmark's bill did not reconcile to one month");
  return { seconds: readSeconds + seconds(reportStarted), cpuSeconds: readCpu + cpuSeconds(reportCpuStarted), peakRssMb: peakRssMb(), recordSeconds };
}

async function floorRun(file: string): Promise<object> {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const instance = await DuckDBInstance.create(":memory:", BILLING_DUCKDB_SETTINGS);
  const connection = await instance.connect();
  const source = file.endsWith(".parquet") ? `read_parquet('${file}')` : `read_json('${file}', format = 'newline_delimited', columns = {'cost': 'DOUBLE'})`;
  await connection.runAndReadAll(`SELECT SUM(cost) FROM ${source}`);
  connection.closeSync();
  return { seconds: seconds(started), cpuSeconds: cpuSeconds(cpuStarted), peakRssMb: peakRssMb() };
}

/** Every field the aggregation reads from a detailed export (keys, labels, figures, the row identity's columns). */
const READ_FIELDS = [
  "billing_account_id", "service.id", "service.description", "sku.id", "sku.description", "usage_start_time", "usage_end_time", "project.id",
  "labels", "location.location", "location.region", "location.zone", "resource.name", "resource.global_name", "export_time", "currency",
  "usage.pricing_unit", "invoice.month", "cost_type", "adjustment_info.id",
  "price.tier_start_amount", "consumption_model.id", "transaction_type", "seller_name", "subscription.instance_id",
];
const READ_FIGURES = ["cost", "cost_at_list", "currency_conversion_rate", "usage.amount_in_pricing_units", "list_sum(list_transform(credits, c -> c.amount))"];

async function fieldsRun(file: string): Promise<object> {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const instance = await DuckDBInstance.create(":memory:", BILLING_DUCKDB_SETTINGS);
  const connection = await instance.connect();
  // Read exactly as the reconcile reads the export (billing/duckdbEngine.ts).
  const source = sourceOf(file.endsWith(".parquet") ? "export-parquet" : "export-json", [file]);
  await connection.runAndReadAll(`SELECT ${[...READ_FIELDS.map((field) => `SUM(hash(${field}))`), ...READ_FIGURES.map((figure) => `SUM(${figure})`)].join(", ")} FROM ${source}`);
  connection.closeSync();
  return { seconds: seconds(started), cpuSeconds: cpuSeconds(cpuStarted), peakRssMb: peakRssMb() };
}

const [mode, file] = process.argv.slice(2);
(mode === "floor" ? floorRun(file) : mode === "fields" ? fieldsRun(file) : reconcileRun(file))
  .then((result) => console.log(JSON.stringify(result)))
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });

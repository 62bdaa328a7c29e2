/**
 * The aggregation run by DuckDB over billing files: it reads NDJSON (gzipped or not), Parquet and
 * CSV itself, streaming, so only the sums reach JavaScript. A file's problem (a line that is not
 * JSON, a missing column, a row without a required value) becomes one InputError naming the
 * file, the row (line number, or row and row group) and the column.
 */
import * as os from "os";
import * as path from "path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { InputError } from "../cost/sources/inputError";
import { DUCKDB_DIALECT, aggregationSql, exportRowExpressions, focusRowExpressions, problemSql, sqlString, type RowExpressions } from "./aggregation";
import { billedLinesFromRows } from "./billedRows";
import type { BilledLine } from "./billedLine";
import { firstMalformedJsonLine, focusVersion, listBillingFiles, refuseExportCsv, refuseFocusJson, type BillingFileForm } from "./billingFiles";

/**
 * The export's columns as `bq extract` writes them to NDJSON, typed for DuckDB (Google's schema:
 * "Structure of Standard data export" / "detailed data export"), with only the fields the
 * aggregation reads: a record's other fields and the other keys are skipped unconverted, which
 * is most of the reading time of a line. Timestamps are read as text: how `bq extract` spells
 * them is not documented, and only their order matters here.
 */
export const EXPORT_JSON_COLUMNS: Record<string, string> = {
  billing_account_id: "VARCHAR",
  service: "STRUCT(id VARCHAR, description VARCHAR)",
  sku: "STRUCT(id VARCHAR, description VARCHAR)",
  usage_start_time: "VARCHAR",
  usage_end_time: "VARCHAR",
  project: "STRUCT(id VARCHAR)",
  labels: "STRUCT(key VARCHAR, value VARCHAR)[]",
  location: "STRUCT(location VARCHAR, region VARCHAR, zone VARCHAR)",
  resource: "STRUCT(name VARCHAR, global_name VARCHAR)",
  export_time: "VARCHAR",
  cost: "DOUBLE",
  currency: "VARCHAR",
  currency_conversion_rate: "DOUBLE",
  usage: "STRUCT(amount_in_pricing_units DOUBLE, pricing_unit VARCHAR)",
  credits: "STRUCT(amount DOUBLE)[]",
  invoice: "STRUCT(month VARCHAR)",
  cost_type: "VARCHAR",
  adjustment_info: "STRUCT(id VARCHAR)",
  cost_at_list: "DOUBLE",
  // Columns that tell apart rows otherwise alike (read for the row identity only): a SKU's price
  // tiers are one row each, as are a usage's consumption models, sellers and subscriptions.
  price: "STRUCT(tier_start_amount VARCHAR)",
  consumption_model: "STRUCT(id VARCHAR)",
  transaction_type: "VARCHAR",
  seller_name: "VARCHAR",
  subscription: "STRUCT(instance_id VARCHAR)",
};

/**
 * DuckDB's settings for reading a bill: two threads and a memory cap, beyond which the grouping
 * spills to a temporary folder instead of filling the machine; row order is never needed.
 */
export const BILLING_DUCKDB_SETTINGS: Record<string, string> = {
  threads: "2",
  // Measured by bench:reconcile on a 1M-row NDJSON export of a million distinct rows: the NDJSON
  // reader holds 32 MB buffers that do not spill, beside the grouping of a million row identities;
  // at 256 MB a buffer sometimes could not be had, at 320 MB it could in every run measured.
  memory_limit: "320MB",
  temp_directory: path.join(os.tmpdir(), "relay-budget-duckdb"),
  preserve_insertion_order: "false",
};

export interface FileAggregation {
  lines: BilledLine[];
  /** Each file read, with its form (and FOCUS version). */
  inputs: string[];
}

/** Sums every billing file the paths name, one query per form, with DuckDB in this process. */
export async function aggregateBillingFiles(paths: string[]): Promise<FileAggregation> {
  const listed = listBillingFiles(paths);
  const instance = await DuckDBInstance.create(":memory:", BILLING_DUCKDB_SETTINGS);
  const connection = await instance.connect();
  try {
    // Timestamps (FOCUS BillingPeriodStart) read as UTC, not in the machine's zone, so the month does not move with it.
    await connection.run("SET TimeZone = 'UTC'");
    const groups = new Map<BillingFileForm, string[]>();
    const inputs: string[] = [];
    // Each form's columns, the union over its files (read together, by name): a FOCUS CSV and a
    // FOCUS Parquet of another shape (Google's view) in one run are two reads, each with its own.
    const columnsOf = new Map<BillingFileForm, Map<string, string>>();
    const addColumns = (form: BillingFileForm, columns: ReadonlyMap<string, string>) => {
      const known = columnsOf.get(form) ?? new Map<string, string>();
      for (const [name, type] of columns) known.set(name, type);
      columnsOf.set(form, known);
    };
    for (const { file, kind } of listed) {
      let form: BillingFileForm;
      if (kind === "json") {
        await refuseFocusJson(file);
        form = "export-json";
      } else {
        const columns = await describe(connection, kind === "csv" ? `read_csv(${sqlString(file)}, header = true)` : `read_parquet(${sqlString(file)})`, file);
        const names = new Set(columns.keys());
        if (kind === "csv") refuseExportCsv(file, names);
        if (names.has("BilledCost") || kind === "csv") {
          const version = focusVersion(file, names);
          form = kind === "csv" ? "focus-csv" : "focus-parquet";
          inputs.push(`${file} (FOCUS ${version})`);
        } else {
          form = "export-parquet";
        }
        addColumns(form, columns);
      }
      if (form === "export-json" || form === "export-parquet") inputs.push(`${file} (billing export, ${form === "export-json" ? "NDJSON" : "Parquet"})`);
      groups.set(form, [...(groups.get(form) ?? []), file]);
    }
    const lines: BilledLine[] = [];
    for (const [form, files] of groups) {
      const row = rowExpressions(form, columnsOf.get(form) ?? new Map());
      const sql = aggregationSql(DUCKDB_DIALECT, sourceOf(form, files), row);
      const rows = await runReading(connection, sql, files).catch(async (err: Error) => {
        throw form === "export-json" && err instanceof InputError ? await malformedJson(files, err) : err;
      });
      const group = billedLinesFromRows(rows);
      const problem = group.find((line) => line.problem !== null);
      if (problem) throw await locateProblem(connection, form, files, row, problem.problem as string);
      lines.push(...group);
    }
    return { lines, inputs };
  } finally {
    // Closed at once, not left to the garbage collector: its buffers go back before the graph is recorded.
    connection.closeSync();
    instance.closeSync();
  }
}

/** The row expressions of one form, from the columns its files hold (NDJSON: the columns it is read with). */
function rowExpressions(form: BillingFileForm, columns: ReadonlyMap<string, string>): RowExpressions {
  if (form === "export-json") return exportRowExpressions(DUCKDB_DIALECT, new Set(Object.keys(EXPORT_JSON_COLUMNS)));
  if (form === "export-parquet") return exportRowExpressions(DUCKDB_DIALECT, new Set(columns.keys()));
  return focusRowExpressions(DUCKDB_DIALECT, columns);
}

/** The DuckDB table function reading the files of one form (bench/reconcileRun.ts reads with it too). */
export function sourceOf(form: BillingFileForm, files: string[], options: { rowNumbers?: boolean } = {}): string {
  const list = `[${files.map(sqlString).join(", ")}]`;
  switch (form) {
    case "export-json": {
      const columns = `{${Object.entries(EXPORT_JSON_COLUMNS).map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(", ")}}`;
      return `read_json(${list}, format = 'newline_delimited', columns = ${columns})`;
    }
    case "export-parquet":
    case "focus-parquet":
      return `read_parquet(${list}, union_by_name = true${options.rowNumbers ? ", file_row_number = true" : ""})`;
    case "focus-csv":
      return `read_csv(${list}, header = true, union_by_name = true)`;
  }
}

async function describe(connection: DuckDBConnection, source: string, file: string): Promise<Map<string, string>> {
  const reader = await runReading(connection, `DESCRIBE SELECT * FROM ${source}`, [file]);
  return new Map(reader.map((row) => [String(row.column_name), String(row.column_type)]));
}

/** Runs a query; DuckDB's error about a file becomes the one line naming it (and the line, where DuckDB says). */
async function runReading(connection: DuckDBConnection, sql: string, files: string[]): Promise<Record<string, unknown>[]> {
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjects() as Record<string, unknown>[];
  } catch (err) {
    throw fileError(err as Error, files);
  }
}

/** DuckDB's message about a malformed file, as the one line of a bad input. */
export function fileError(err: Error, files: string[]): Error {
  const message = err.message.replace(/\s+/g, " ").trim();
  // Running out of memory is the machine's limit, not a bad file (exit 1, not 2).
  if (/Out of Memory|could not allocate block/i.test(message)) return new Error(`reading ${files.join(", ")} ran out of memory: ${message.slice(0, 200)}`);
  const file = files.find((candidate) => message.includes(candidate)) ?? (files.length === 1 ? files[0] : files.join(", "));
  const missingColumn = /Referenced column "?([^"\s]+)"? not found/i.exec(message)?.[1] ?? /Binder Error: Values list "[^"]*" does not have a column named "([^"]+)"/i.exec(message)?.[1];
  if (missingColumn) return new InputError(file, `column ${missingColumn}`, "missing (a required column of the billing export / FOCUS)");
  const reason = message.replace(/^[A-Za-z ]*Error: /, "").replace(/ in file ""/g, "").replace(new RegExp(files.map(escapeRegExp).join("|") || "$^", "g"), "").slice(0, 240);
  // DuckDB's line numbers are not exact: NDJSON is re-read line by line for the message instead (malformedJson).
  return new InputError(file, "", `not a readable billing file: ${reason}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The exact line DuckDB refused in NDJSON files, found by reading them line by line; DuckDB's own message when none is. */
async function malformedJson(files: string[], err: InputError): Promise<InputError> {
  for (const file of files) {
    const bad = await firstMalformedJsonLine(file);
    if (bad) return new InputError(file, `line ${bad.line}`, bad.problem);
  }
  return err;
}

/**
 * The first row of `files` with `problem` (a required column empty, another currency without a
 * conversion rate), found file by file in file order: NDJSON by line number, CSV by line number
 * (the header is line 1), Parquet by row and row group.
 */
async function locateProblem(connection: DuckDBConnection, form: BillingFileForm, files: string[], row: RowExpressions, problem: string): Promise<InputError> {
  // One thread: the scan then numbers rows in file order.
  await connection.run("SET threads = 1");
  for (const file of files) {
    const parquet = form === "export-parquet" || form === "focus-parquet";
    const number = parquet ? "file_row_number" : "ROW_NUMBER() OVER ()";
    const rows = await runReading(
      connection,
      `SELECT position FROM (SELECT ${number} AS position, ${problemSql(row)} AS problem FROM ${sourceOf(form, [file], { rowNumbers: true })}) WHERE problem = ${sqlString(problem)} ORDER BY position LIMIT 1`,
      [file],
    );
    if (rows.length === 0) continue;
    const position = Number(rows[0].position);
    const what = problem === "currency_conversion_rate" ? "empty for a row not in USD: cannot convert it (mixed currencies need the row's conversion rate)" : "missing or empty (required)";
    if (!parquet) return new InputError(file, `line ${form === "focus-csv" ? position + 1 : position}: column ${problem}`, what);
    const groups = await runReading(connection, `SELECT row_group_id, MAX(row_group_num_rows) AS rows FROM parquet_metadata(${sqlString(file)}) GROUP BY row_group_id ORDER BY row_group_id`, [file]);
    let start = 0;
    let group = 0;
    for (const entry of groups) {
      const size = Number(entry.rows);
      if (position < start + size) {
        group = Number(entry.row_group_id);
        break;
      }
      start += size;
    }
    return new InputError(file, `row ${position + 1} (row group ${group}): column ${problem}`, what);
  }
  return new InputError(files.join(", "), `column ${problem}`, "missing or empty (required)");
}

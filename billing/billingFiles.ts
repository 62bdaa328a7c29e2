/**
 * The --billing arguments as files of a known form: a file or a folder of shards, each file the
 * Cloud Billing export (`bq extract` NEWLINE_DELIMITED_JSON, gzipped or not, or PARQUET) or FOCUS
 * 1.0–1.2 (CSV, gzipped or not, or Parquet). The form comes from the extension and, for Parquet,
 * from the columns; the FOCUS version from the columns each version added.
 */
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import * as zlib from "zlib";
import { InputError } from "../cost/sources/inputError";
import { FOCUS_REQUIRED_COLUMNS } from "./aggregation";

export type BillingFileForm = "export-json" | "export-parquet" | "focus-csv" | "focus-parquet";

export interface BillingFile {
  file: string;
  form: BillingFileForm;
}

const JSON_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i;
const CSV_FILE = /\.csv(\.gz)?$/i;
const PARQUET_FILE = /\.parquet$/i;

/** Every billing file the arguments name, folders expanded (sorted, recursively); Parquet's form is settled later, from its columns. */
export function listBillingFiles(paths: string[]): { file: string; kind: "json" | "csv" | "parquet" }[] {
  const files: { file: string; kind: "json" | "csv" | "parquet" }[] = [];
  for (const given of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch (err) {
      throw new InputError(given, "", `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const candidates = stat.isDirectory() ? filesUnder(given) : [given];
    const known = candidates.filter((file) => kindOf(file) !== undefined);
    if (stat.isDirectory() && known.length === 0) {
      throw new InputError(given, "", "the folder holds no billing files (allowed: .json/.jsonl/.ndjson, .csv, each optionally .gz, and .parquet)");
    }
    for (const file of stat.isDirectory() ? known : candidates) {
      const kind = kindOf(file);
      if (!kind) throw new InputError(file, "", "not a billing file (allowed: .json/.jsonl/.ndjson, .csv, each optionally .gz, and .parquet)");
      files.push({ file, kind });
    }
  }
  return files;
}

function kindOf(file: string): "json" | "csv" | "parquet" | undefined {
  if (JSON_FILE.test(file)) return "json";
  if (CSV_FILE.test(file)) return "csv";
  if (PARQUET_FILE.test(file)) return "parquet";
  return undefined;
}

function filesUnder(folder: string): string[] {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(folder, entry.name);
      return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
    });
}

/** Columns FOCUS added in each version after 1.0 (from the specification's changelogs). */
const FOCUS_ADDED: { version: string; columns: string[] }[] = [
  { version: "1.2", columns: ["BillingAccountType", "SubAccountType", "InvoiceId", "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice"] },
  { version: "1.1", columns: ["CapacityReservationId", "CapacityReservationStatus", "CommitmentDiscountQuantity", "CommitmentDiscountUnit", "ServiceSubcategory", "SkuMeter", "SkuPriceDetails"] },
];

/**
 * Columns that mark a FOCUS version this reader does not read, with the version: 0.5 had
 * `AmortizedCost` where 1.0 has `EffectiveCost`; 1.0-preview had `ChargeSubcategory` (credits as
 * "Adjustment" rows of subcategory "Credit"), `UsageQuantity`/`UsageUnit` and `Region`, which 1.0
 * replaced with `ChargeClass`, `ConsumedQuantity`/`ConsumedUnit` and `RegionId`/`RegionName`.
 */
const FOCUS_EARLIER: { column: string; unless: string; version: string }[] = [
  { column: "AmortizedCost", unless: "EffectiveCost", version: "0.5" },
  { column: "ChargeSubcategory", unless: "ChargeClass", version: "1.0-preview" },
  { column: "UsageQuantity", unless: "ConsumedQuantity", version: "1.0-preview" },
  { column: "Region", unless: "RegionId", version: "1.0-preview" },
];

/**
 * Which FOCUS version a file's columns are (1.0, 1.1 or 1.2), or the one-line reason it is none
 * of them: a column of an earlier version (FOCUS_EARLIER), a required column missing.
 */
export function focusVersion(file: string, columns: ReadonlySet<string>): string {
  const earlier = FOCUS_EARLIER.find(({ column, unless }) => columns.has(column) && !columns.has(unless));
  if (earlier) {
    throw new InputError(file, `column ${earlier.column}`, `unknown FOCUS version (${earlier.column} without ${earlier.unless} is FOCUS ${earlier.version}; read: FOCUS 1.0, 1.1, 1.2)`);
  }
  const missing = FOCUS_REQUIRED_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length > 0) {
    throw new InputError(file, `column ${missing[0]}`, `missing: not FOCUS 1.0–1.2 (required: ${FOCUS_REQUIRED_COLUMNS.join(", ")})`);
  }
  return FOCUS_ADDED.find((added) => added.columns.some((name) => columns.has(name)))?.version ?? "1.0";
}

/**
 * FOCUS rows in NDJSON (Google's FOCUS view extracted as NEWLINE_DELIMITED_JSON) are refused by
 * name: the .json reader reads the export's columns, and would otherwise find none of them.
 */
export async function refuseFocusJson(file: string): Promise<void> {
  const source = openLines(file);
  let first: string | undefined;
  try {
    for await (const text of source.lines) {
      if (text.trim() === "") continue;
      first = text;
      break;
    }
  } catch {
    return; // an unreadable file is named by the reader itself, with its line
  } finally {
    source.close();
  }
  if (first !== undefined && /"BilledCost"\s*:/.test(first) && !/"invoice"\s*:/.test(first)) {
    throw new InputError(file, "line 1: column BilledCost", "FOCUS rows in NDJSON are not read: extract the FOCUS table or view as PARQUET (or CSV), or give the billing export itself");
  }
}

/**
 * A file's lines (gunzipped where it ends in .gz), with every stream's error recorded instead of
 * thrown: a truncated gzip fails after readline stopped listening (a reader that stops at the
 * first line, or one not yet iterating), and an 'error' event nobody listens to ends the process.
 * `close()` ends every stream, the gunzip included.
 */
function openLines(file: string): { lines: readline.Interface; error: () => NodeJS.ErrnoException | undefined; close(): void } {
  const raw = fs.createReadStream(file);
  const gunzip = /\.gz$/i.test(file) ? zlib.createGunzip() : undefined;
  const input = gunzip ? raw.pipe(gunzip) : raw;
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let error: NodeJS.ErrnoException | undefined;
  const onError = (err: NodeJS.ErrnoException) => {
    error ??= err;
    lines.close();
  };
  raw.on("error", onError);
  gunzip?.on("error", onError);
  return {
    lines,
    error: () => error,
    close() {
      lines.close();
      raw.destroy();
      gunzip?.destroy();
    },
  };
}

/** The export's columns a CSV header would have: the export cannot be CSV (its labels and credits are repeated records). */
export function refuseExportCsv(file: string, columns: ReadonlySet<string>): void {
  if (!columns.has("BilledCost") && (columns.has("cost") || columns.has("invoice.month") || columns.has("invoice"))) {
    throw new InputError(file, "column cost", "a billing export cannot be read from CSV (its labels and credits are repeated records): extract it as NEWLINE_DELIMITED_JSON or PARQUET");
  }
}

/**
 * The first line of an NDJSON file (gzipped or not) that is not a JSON object, with why: read
 * only when DuckDB has refused the file, so its number is exact and the message says what is wrong.
 */
export async function firstMalformedJsonLine(file: string): Promise<{ line: number; problem: string } | undefined> {
  const source = openLines(file);
  let number = 0;
  const streamProblem = (err: NodeJS.ErrnoException) => ({ line: number + 1, problem: err.code === "Z_BUF_ERROR" ? "the gzip stream ends early (a truncated file)" : `unreadable (${err.code ?? err.message})` });
  try {
    for await (const text of source.lines) {
      if (source.error()) break;
      number += 1;
      if (text.trim() === "") continue;
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== "object" || value === null || Array.isArray(value)) return { line: number, problem: "not a JSON object (one row per line)" };
      } catch (err) {
        const truncated = /Unexpected end|Unterminated|end of JSON/i.test((err as Error).message);
        return { line: number, problem: truncated ? "truncated JSON (the line ends inside a value)" : `not JSON (${(err as Error).message.split("\n")[0].slice(0, 120)})` };
      }
    }
  } catch (err) {
    return streamProblem(source.error() ?? (err as NodeJS.ErrnoException));
  } finally {
    source.close();
  }
  const error = source.error();
  return error ? streamProblem(error) : undefined;
}

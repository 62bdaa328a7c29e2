/**
 * The aggregation run by BigQuery over the export table itself (`--bigquery PROJECT.DATASET.TABLE`):
 * the same SQL as DuckDB's in BigQuery's spelling, so BigQuery sums a billing account of any size
 * and only the sums come back. Read-only: one tables.get for the columns and one query (jobs.query,
 * then jobs.getQueryResults while it runs or pages). Credentials come from the environment
 * (Application Default Credentials); a failure is one line without them (exit 1).
 */
import { BigQuery, type BigQueryOptions } from "@google-cloud/bigquery";
import { InputError } from "../cost/sources/inputError";
import { BIGQUERY_DIALECT, aggregationSql, exportRowExpressions } from "./aggregation";
import { billedLinesFromRows } from "./billedRows";
import type { BilledLine } from "./billedLine";

const TABLE_REFERENCE = /^([a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9])\.([A-Za-z0-9_]{1,1024})\.([\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024})$/u;

export interface TableReference {
  projectId: string;
  datasetId: string;
  tableId: string;
}

/** PROJECT.DATASET.TABLE, as BigQuery names a table; anything else is bad input. */
export function parseTableReference(value: string): TableReference {
  const match = TABLE_REFERENCE.exec(value);
  if (!match) throw new InputError("--bigquery", "", `${JSON.stringify(value)} is not PROJECT.DATASET.TABLE (e.g. my-project.billing.gcp_billing_export_resource_v1_01A2B3_C4D5E6_F7A8B9)`);
  return { projectId: match[1], datasetId: match[2], tableId: match[3] };
}

/** The table's fully qualified name in BigQuery SQL. */
function qualified(table: TableReference): string {
  return `\`${table.projectId}.${table.datasetId}.${table.tableId}\``;
}

/** Sums the export table with BigQuery. `clientOptions` is for tests (a local endpoint and a fixed token). */
export async function aggregateBigQueryTable(reference: string, clientOptions: BigQueryOptions = {}): Promise<{ lines: BilledLine[]; inputs: string[]; sql: string }> {
  const table = parseTableReference(reference);
  const client = new BigQuery({ projectId: table.projectId, ...clientOptions });
  let columns: Set<string>;
  try {
    const [metadata] = await client.dataset(table.datasetId).table(table.tableId).getMetadata();
    columns = new Set(((metadata as { schema?: { fields?: { name: string }[] } }).schema?.fields ?? []).map((field) => field.name));
  } catch (err) {
    throw bigQueryFailure(reference, err);
  }
  const sql = aggregationSql(BIGQUERY_DIALECT, qualified(table), exportRowExpressions(BIGQUERY_DIALECT, columns));
  let rows: Record<string, unknown>[];
  try {
    [rows] = await client.query({ query: sql, useLegacySql: false });
  } catch (err) {
    throw bigQueryFailure(reference, err);
  }
  const lines = billedLinesFromRows(rows);
  const problem = lines.find((line) => line.problem !== null);
  if (problem) {
    // BigQuery holds no line numbers: name the month and project of the incomplete rows instead.
    throw new InputError(reference, `column ${problem.problem}`, `missing or empty in ${problem.rows} row(s) of invoice month ${problem.invoiceMonth ?? "(none)"}, project ${problem.projectId ?? "(none)"}`);
  }
  const kind = columns.has("resource") ? "detailed" : "standard";
  return { lines, inputs: [`BigQuery table ${table.projectId}.${table.datasetId}.${table.tableId} (${kind} export)`], sql };
}

/**
 * A BigQuery error as one line with exit 1: the table and what went wrong (not found, not
 * readable by this identity, no credentials), never a token or key from the request.
 */
export function bigQueryFailure(reference: string, err: unknown): BigQueryReadError {
  const error = err as { code?: number | string; message?: string; errors?: { reason?: string }[] };
  const status = typeof error.code === "number" ? error.code : Number(error.code);
  const reason = error.errors?.[0]?.reason;
  let what: string;
  if (status === 404 || reason === "notFound") what = "the table does not exist (or the identity cannot see it)";
  else if (status === 403 || reason === "accessDenied") what = "the identity cannot read the table (it needs roles/bigquery.dataViewer on it and roles/bigquery.jobUser on the project)";
  else if (status === 401) what = "the credentials were refused";
  else if (/default credentials|could not load the default credentials|Unable to detect a Project Id/i.test(error.message ?? "")) {
    what = "no Google credentials found (set GOOGLE_APPLICATION_CREDENTIALS, or run gcloud auth application-default login, or use workload identity)";
  } else what = `BigQuery failed${Number.isFinite(status) ? ` (HTTP ${status})` : ""}: ${redacted(error.message ?? String(err))}`;
  return new BigQueryReadError(`--bigquery ${reference}: ${what}`);
}

/** The export table could not be read (missing, not readable, no credentials): the command exits 1 with this one line. */
export class BigQueryReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BigQueryReadError";
  }
}

/** A message with anything that looks like a credential removed (bearer tokens, keys). */
function redacted(message: string): string {
  return message
    .replace(/(Bearer\s+)[^\s"']+/gi, "$1[redacted]")
    .replace(/ya29\.[A-Za-z0-9._-]+/g, "[redacted]")
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, "[redacted]")
    .replace(/(access_token|private_key|client_secret|refresh_token)(["'=:\s]+)[^\s"',}]+/gi, "$1$2[redacted]")
    .split("\n")[0]
    .slice(0, 300);
}

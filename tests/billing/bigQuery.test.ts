/**
 * Issue 18, `reconcile --bigquery`: the CLI, with the real @google-cloud/bigquery client, against a
 * local HTTP server that speaks the BigQuery REST API's shapes (tables.get, jobs.query answering "not complete
 * yet", jobs.getQueryResults with two pages), as the price refresh's tests replay the Billing API.
 * The server answers the query with the sums DuckDB computes over the fixture, in BigQuery's wire
 * format (schema + rows of {f: [{v}]}, numbers as strings): what is checked is everything on our
 * side of the wire (the request, read-only, paging, decoding, errors). That BigQuery itself runs
 * the generated SQL can only be checked against a real billing export (README).
 * The CLI runs as a child process pointed at the server with BIGQUERY_EMULATOR_HOST (the client's
 * own switch for an emulator, which also sends no credentials): the client's HTTP layer
 * (teeny-request) loads node-fetch with a dynamic import that jest's module sandbox refuses.
 */
import { execFile } from "child_process";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { column, SUM_COLUMNS } from "../../billing/aggregation";
import { BILLED_LINE_KEYS } from "../../billing/billedLine";
import { aggregateBillingFiles } from "../../billing/duckdbEngine";
import { parseTableReference } from "../../billing/bigQueryEngine";
import { runCommand } from "../../cli/command";
import { reconcileCommand } from "../../cli/reconcileCommand";

const FIXTURES = path.join(__dirname, "..", "fixtures", "billing-export");
const TABLE = "pokt-billing.billing_export.gcp_billing_export_resource_v1_01A2B3_C4D5E6_F7A8B9";
const TOKEN = "ya29.fixture-token-never-printed";
const EXPORT_COLUMNS = ["billing_account_id", "service", "sku", "usage_start_time", "usage_end_time", "project", "labels", "system_labels", "location", "resource", "export_time", "cost", "currency", "currency_conversion_rate", "usage", "credits", "invoice", "cost_type", "adjustment_info", "cost_at_list"];

interface Served {
  method: string;
  path: string;
  authorization?: string;
  body?: any;
}

/** A BigQuery REST endpoint on loopback; `tableStatus` makes tables.get fail (404, 403). */
async function startServer(rows: Record<string, unknown>[], tableStatus = 200): Promise<{ endpoint: string; requests: Served[]; close: () => Promise<void> }> {
  const requests: Served[] = [];
  const fields = [
    ...BILLED_LINE_KEYS.map((key) => ({ name: column(key), type: "STRING", mode: "NULLABLE" })),
    ...Object.entries(SUM_COLUMNS).map(([field, name]) => ({ name, type: field === "rows" || field === "convertedRows" || field === "listFromCostRows" ? "INTEGER" : "FLOAT", mode: "NULLABLE" })),
  ];
  const wireRows = rows.map((row) => ({ f: fields.map((field) => ({ v: row[field.name] === null || row[field.name] === undefined ? null : String(row[field.name]) })) }));
  const half = Math.ceil(wireRows.length / 2);
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://localhost");
      requests.push({ method: request.method ?? "", path: url.pathname + url.search, authorization: request.headers.authorization, body: body ? JSON.parse(body) : undefined });
      const send = (status: number, document: object) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(document));
      };
      const { projectId, datasetId, tableId } = parseTableReference(TABLE);
      if (request.method === "GET" && url.pathname === `/bigquery/v2/projects/${projectId}/datasets/${datasetId}/tables/${tableId}`) {
        if (tableStatus === 404) return send(404, { error: { code: 404, message: `Not found: Table ${TABLE}`, errors: [{ reason: "notFound", message: `Not found: Table ${TABLE}` }], status: "NOT_FOUND" } });
        if (tableStatus === 403) return send(403, { error: { code: 403, message: `Access Denied: Table ${TABLE}: Permission bigquery.tables.get denied (token ${TOKEN})`, errors: [{ reason: "accessDenied" }], status: "PERMISSION_DENIED" } });
        return send(200, { kind: "bigquery#table", id: `${projectId}:${datasetId}.${tableId}`, tableReference: { projectId, datasetId, tableId }, schema: { fields: EXPORT_COLUMNS.map((name) => ({ name, type: "STRING" })) } });
      }
      if (request.method === "POST" && url.pathname === `/bigquery/v2/projects/${projectId}/queries`) {
        // jobs.query: the job is still running, so the client polls jobs.getQueryResults.
        return send(200, { kind: "bigquery#queryResponse", jobReference: { projectId, jobId: "job_reconcile_1", location: "US" }, jobComplete: false });
      }
      if (request.method === "GET" && url.pathname === `/bigquery/v2/projects/${projectId}/queries/job_reconcile_1`) {
        const second = url.searchParams.get("pageToken") === "page-2";
        return send(200, {
          kind: "bigquery#getQueryResultsResponse",
          jobReference: { projectId, jobId: "job_reconcile_1", location: "US" },
          jobComplete: true,
          schema: { fields },
          totalRows: String(wireRows.length),
          rows: second ? wireRows.slice(half) : wireRows.slice(0, half),
          ...(second ? {} : { pageToken: "page-2" }),
        });
      }
      send(400, { error: { code: 400, message: `unexpected request ${request.method} ${url.pathname}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const PROJECT_ROOT = path.join(__dirname, "..", "..");

/** `infra-cost reconcile --bigquery TABLE ...` as a user runs it, its client sent to `endpoint`. */
function reconcileOver(endpoint: string, args: string[] = ["--bigquery", TABLE, "--format", "json"]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(PROJECT_ROOT, "cli", "infra-cost.ts"), "reconcile", ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, BIGQUERY_EMULATOR_HOST: `${endpoint}/bigquery/v2`, GOOGLE_APPLICATION_CREDENTIALS: "", TS_NODE_PROJECT: path.join(PROJECT_ROOT, "tsconfig.json") }, timeout: 110_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The DuckDB sums of the fixture as rows with the aggregation's column names (what BigQuery would return). */
async function fixtureRows(): Promise<Record<string, unknown>[]> {
  const { lines } = await aggregateBillingFiles([path.join(FIXTURES, "detailed-202106.json")]);
  return lines.map((line) => ({
    ...Object.fromEntries(BILLED_LINE_KEYS.map((key) => [column(key), line[key]])),
    ...Object.fromEntries(Object.entries(SUM_COLUMNS).map(([field, name]) => [name, line[field as keyof typeof SUM_COLUMNS]])),
  }));
}

describe("reconcile --bigquery against a local BigQuery REST endpoint", () => {
  it("reads the table's columns, runs one query, pages through its results, and reports as the files do", async () => {
    const server = await startServer(await fixtureRows());
    try {
      const result = await reconcileOver(server.endpoint);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const document = JSON.parse(result.stdout);
      expect(document.engine).toBe("BigQuery");
      expect(document.inputs).toEqual([`BigQuery table ${TABLE} (detailed export)`]);

      let files = "";
      await runCommand("infra-cost reconcile", reconcileCommand, { billing: [path.join(FIXTURES, "detailed-202106.json")], stack: "all", format: "json" }, { stdout: (t) => (files += t), stderr: () => undefined });
      expect(document.months).toEqual(JSON.parse(files).months);

      // Read-only: a table read, one query, its result pages; every request with the identity's token.
      expect(server.requests.map((request) => `${request.method} ${request.path.replace(/\?.*$/, "")}`)).toEqual([
        "GET /bigquery/v2/projects/pokt-billing/datasets/billing_export/tables/gcp_billing_export_resource_v1_01A2B3_C4D5E6_F7A8B9",
        "POST /bigquery/v2/projects/pokt-billing/queries",
        "GET /bigquery/v2/projects/pokt-billing/queries/job_reconcile_1",
        "GET /bigquery/v2/projects/pokt-billing/queries/job_reconcile_1",
      ]);
      const query = server.requests[1].body;
      expect(query.useLegacySql).toBe(false);
      expect(query.query).toContain(`FROM \`${TABLE}\``);
      expect(query.query).toContain("(SELECT l.value FROM UNNEST(labels_list) AS l WHERE l.key = 'goog-k8s-node-pool-name' LIMIT 1)");
      expect(query.query).toContain("GROUP BY");
      expect(query.query).not.toMatch(/\b(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP)\b/);
    } finally {
      await server.close();
    }
  }, 120_000);

  it.each([
    [404, "the table does not exist (or the identity cannot see it)"],
    [403, "the identity cannot read the table (it needs roles/bigquery.dataViewer on it and roles/bigquery.jobUser on the project)"],
  ])("a table that answers %i: exit 1, one line naming it, no credential", async (status, what) => {
    const server = await startServer([], status);
    try {
      const result = await reconcileOver(server.endpoint);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`infra-cost reconcile: --bigquery ${TABLE}: ${what}\n`);
      expect(result.stderr).not.toContain("ya29");
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("a reference that is not PROJECT.DATASET.TABLE is bad input (exit 2) before any request", async () => {
    const server = await startServer([]);
    try {
      const result = await reconcileOver(server.endpoint, ["--bigquery", "billing_export"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`infra-cost reconcile: --bigquery: "billing_export" is not PROJECT.DATASET.TABLE (e.g. my-project.billing.gcp_billing_export_resource_v1_01A2B3_C4D5E6_F7A8B9)\n`);
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});

/**
 * Reconcile benchmark: a detailed billing export of 1,000,000 rows (a month of a mid-size project:
 * both stacks' node pools, disks, the cluster fee, undeclared egress, volumes and logging, credits
 * on a third of the rows, 1 % re-exported with a later export_time), written by DuckDB as NDJSON
 * and as Parquet in a temporary folder. Each format is reconciled in a fresh process (the bill
 * read, attributed and reported; the program's graph, recorded in between, is not counted), beside
 * the floor: a bare DuckDB sum of `cost` over the same file, with the same settings, and beside a
 * second reference that reads every field the reconcile reads (what part is the engine's reading,
 * what part the reconcile's own work). Targets: ratio <= 1.5 per format, peak RSS <= 400 MB.
 *   npm run bench:reconcile
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";

const ROWS = 1_000_000;
const RUNNER = path.join(__dirname, "reconcileRun.js");

/**
 * One row in the export's schema per i; identities repeat for the last 1 % (re-exports). A row of
 * the first 99 % is one (SKU, hour, instance) slot, so no two of them share an identity: `instance`
 * (0 to 137) is the slot's VM, disk or volume; the logging and cluster-fee SKUs, which have no
 * resource, bill once an hour per project (instance 0), and their other slots are inter-zone and
 * inter-region egress from the instance.
 */
export function generationSql(rows: number): string {
  const reexported = Math.floor(rows * 0.99);
  const keyValue = "STRUCT(key VARCHAR, value VARCHAR)[]";
  return `
    WITH numbered AS (SELECT i, CASE WHEN i >= ${reexported} THEN i - ${reexported} ELSE i END AS base FROM range(${rows}) t(i)),
    shaped AS (
      SELECT i, base, CASE WHEN base % 10 IN (8, 9) AND base // 7200 > 0 THEN base % 10 + 2 ELSE base % 10 END AS kind,
             (base // 10) % 720 AS hour, base // 7200 AS instance,
             CASE WHEN base % 4 = 0 THEN 'pokt-network-testnet' ELSE 'pokt-network-prod' END AS project
      FROM numbered)
    SELECT
      '01A2B3-C4D5E6-F7A8B9' AS billing_account_id,
      CASE WHEN kind = 8 THEN {'id': '5490-F7B7-8DF6', 'description': 'Cloud Logging'} WHEN kind = 9 THEN {'id': 'CCD8-9BF1-090E', 'description': 'Kubernetes Engine'} ELSE {'id': '6F81-5844-456A', 'description': 'Compute Engine'} END AS service,
      CASE kind WHEN 0 THEN {'id': '2E27-4F9F-F6CA', 'description': 'N1 Predefined Instance Core running in Americas'}
                WHEN 1 THEN {'id': '6C71-E5A7-A5F3', 'description': 'N1 Predefined Instance Ram running in Americas'}
                WHEN 2 THEN {'id': '7E6E-D4E6-C1D1', 'description': 'Balanced PD Capacity'}
                WHEN 3 THEN {'id': '2E27-4F9F-F6CA', 'description': 'N1 Predefined Instance Core running in Americas'}
                WHEN 4 THEN {'id': 'B188-61DD-52E4', 'description': 'SSD backed PD Capacity'}
                WHEN 5 THEN {'id': '9DE9-9092-B3BC', 'description': 'Network Internet Egress from Americas to Americas'}
                WHEN 6 THEN {'id': 'B188-61DD-52E4', 'description': 'SSD backed PD Capacity'}
                WHEN 7 THEN {'id': '2E27-4F9F-F6CA', 'description': 'N1 Predefined Instance Core running in Americas'}
                WHEN 8 THEN {'id': '143F-A1B0-E0BE', 'description': 'Log Volume'}
                WHEN 10 THEN {'id': 'DE9E-AFBC-A15A', 'description': 'Network Inter Zone Egress'}
                WHEN 11 THEN {'id': 'F274-1692-F213', 'description': 'Network Inter Region Egress from Americas to Americas'}
                ELSE {'id': 'B561-BFBD-1264', 'description': 'Zonal Kubernetes Clusters'} END AS sku,
      strftime(TIMESTAMP '2021-06-01' + to_hours(hour), '%Y-%m-%d %H:%M:%S UTC') AS usage_start_time,
      strftime(TIMESTAMP '2021-06-01' + to_hours(hour + 1), '%Y-%m-%d %H:%M:%S UTC') AS usage_end_time,
      {'id': project, 'number': CASE WHEN project = 'pokt-network-prod' THEN '104932184411' ELSE '204932184412' END, 'name': project} AS project,
      CASE WHEN kind IN (0, 1, 2) THEN [{'key': 'goog-k8s-cluster-name', 'value': CASE WHEN project = 'pokt-network-prod' THEN 'prod' ELSE 'testnet' END},
                                       {'key': 'goog-k8s-node-pool-name', 'value': CASE WHEN instance % 3 = 0 THEN 'seeds' WHEN instance % 3 = 1 THEN 'pocket-core' ELSE 'system' END},
                                       {'key': 'team', 'value': 'infra'}, {'key': 'env', 'value': CASE WHEN project = 'pokt-network-prod' THEN 'prod' ELSE 'testnet' END}]
           WHEN kind = 3 THEN [{'key': 'team', 'value': 'infra'}, {'key': 'component', 'value': 'system'}]
           WHEN kind = 4 THEN [{'key': 'team', 'value': 'infra'}, {'key': 'component', 'value': 'blockchain-nodes'}, {'key': 'blockchain-node', 'value': 'geth-mainnet'}]
           WHEN kind = 9 THEN [{'key': 'goog-k8s-cluster-name', 'value': CASE WHEN project = 'pokt-network-prod' THEN 'prod' ELSE 'testnet' END}]
           ELSE []::${keyValue} END AS labels,
      []::${keyValue} AS system_labels,
      {'location': 'us-east1-b', 'country': 'US', 'region': 'us-east1', 'zone': 'us-east1-b'} AS location,
      CASE WHEN kind IN (0, 1, 2, 3, 5, 7, 10, 11) THEN {'name': 'gke-node-' || instance, 'global_name': '//compute.googleapis.com/projects/104932184411/zones/us-east1-b/instances/gke-node-' || instance}
           WHEN kind = 4 AND instance = 0 THEN {'name': 'geth-mainnet-data', 'global_name': '//compute.googleapis.com/projects/104932184411/zones/us-east1-b/disks/geth-mainnet-data'}
           WHEN kind = 4 THEN {'name': 'pvc-geth-' || instance, 'global_name': '//compute.googleapis.com/projects/104932184411/zones/us-east1-b/disks/pvc-geth-' || instance}
           WHEN kind = 6 THEN {'name': 'pvc-' || instance, 'global_name': '//compute.googleapis.com/projects/104932184411/zones/us-east1-b/disks/pvc-' || instance}
           ELSE {'name': NULL::VARCHAR, 'global_name': NULL::VARCHAR} END AS resource,
      CASE WHEN i >= ${reexported} THEN '2021-07-03 01:00:00.000 UTC' ELSE '2021-07-02 01:00:00.000 UTC' END AS export_time,
      round(0.01 + (base % 97) / 1000.0, 6) AS cost,
      'USD' AS currency,
      1.0 AS currency_conversion_rate,
      {'amount': 3600.0, 'unit': 'seconds', 'amount_in_pricing_units': 1.0, 'pricing_unit': 'hour'} AS usage,
      CASE WHEN base % 3 = 0 THEN [{'name': 'Sustained Usage Discount', 'amount': -0.002, 'full_name': NULL::VARCHAR, 'id': '', 'type': 'SUSTAINED_USAGE_DISCOUNT'}]
           ELSE []::STRUCT(name VARCHAR, amount DOUBLE, full_name VARCHAR, id VARCHAR, type VARCHAR)[] END AS credits,
      {'month': '202106', 'publisher_type': 'GOOGLE'} AS invoice,
      'regular' AS cost_type,
      {'id': NULL::VARCHAR, 'description': NULL::VARCHAR, 'mode': NULL::VARCHAR, 'type': NULL::VARCHAR} AS adjustment_info,
      round(0.01 + (base % 97) / 1000.0, 6) AS cost_at_list,
      {'effective_price': round(0.01 + (base % 97) / 1000.0, 6)::VARCHAR, 'tier_start_amount': '0', 'unit': 'hour', 'pricing_unit_quantity': '1'} AS price,
      {'id': 'D2C2-A9E2-7E1C', 'description': 'Default'} AS consumption_model,
      'GOOGLE' AS transaction_type,
      'Google' AS seller_name,
      {'instance_id': NULL::VARCHAR} AS subscription
    FROM shaped ORDER BY i`;
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  recordSeconds?: number;
}

function runner(mode: "reconcile" | "floor" | "fields", file: string): Run {
  const output = execFileSync(process.execPath, [RUNNER, mode, file], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(output.trim().split("\n").pop() as string) as Run;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-reconcile-"));
  try {
    const json = path.join(dir, "gcp_billing_export_resource_v1.json");
    const parquet = path.join(dir, "gcp_billing_export_resource_v1.parquet");
    const instance = await DuckDBInstance.create(":memory:", { threads: "2", memory_limit: "512MB", temp_directory: path.join(dir, "spill") });
    const connection = await instance.connect();
    const started = Date.now();
    await connection.run(`CREATE TABLE bill AS ${generationSql(ROWS)}`);
    await connection.run(`COPY bill TO '${json}' (FORMAT json)`);
    await connection.run(`COPY bill TO '${parquet}' (FORMAT parquet)`);
    connection.closeSync();
    const size = (file: string) => `${(fs.statSync(file).size / 1e6).toFixed(0)} MB`;
    console.log(`generated ${ROWS.toLocaleString("en-US")} rows in ${((Date.now() - started) / 1000).toFixed(1)} s: NDJSON ${size(json)}, Parquet ${size(parquet)}`);

    const results: Record<string, { run: Run; floor: Run; fields: Run }> = {};
    for (const [form, file] of [["json", json], ["parquet", parquet]] as const) {
      // The best of two runs of each, interleaved, so a background burst on the shared machine does not decide.
      const runs: Run[] = [];
      const floors: Run[] = [];
      const fields: Run[] = [];
      for (let round = 0; round < 2; round++) {
        runs.push(runner("reconcile", file));
        floors.push(runner("floor", file));
        fields.push(runner("fields", file));
      }
      const best = (list: Run[]) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
      results[form] = { run: { ...best(runs), peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) }, floor: best(floors), fields: best(fields) };
    }
    const peak = Math.max(results.json.run.peakRssMb, results.parquet.run.peakRssMb);
    const ratio = (form: string) => (results[form].run.seconds / results[form].floor.seconds).toFixed(2);
    console.log(
      `reconcile 1M rows json: ${results.json.run.seconds.toFixed(2)} s, parquet: ${results.parquet.run.seconds.toFixed(2)} s, peak RSS: ${peak.toFixed(0)} MB, ` +
        `floor (bare DuckDB sum of cost over the same file): ${results.json.floor.seconds.toFixed(2)} s json / ${results.parquet.floor.seconds.toFixed(3)} s parquet, ratio: ${ratio("json")} json / ${ratio("parquet")} parquet`,
    );
    const cpuRatio = (form: string) => (results[form].run.cpuSeconds / results[form].floor.cpuSeconds).toFixed(2);
    console.log(
      `cpu (user + system, the same best runs): json ${results.json.run.cpuSeconds.toFixed(2)} s / floor ${results.json.floor.cpuSeconds.toFixed(2)} s, ratio ${cpuRatio("json")}; ` +
        `parquet ${results.parquet.run.cpuSeconds.toFixed(2)} s / floor ${results.parquet.floor.cpuSeconds.toFixed(3)} s, ratio ${cpuRatio("parquet")}`,
    );
    const overFields = (form: string) => (results[form].run.seconds / results[form].fields.seconds).toFixed(2);
    console.log(
      `second reference (DuckDB reading every field the reconcile reads, each summed or hashed, no grouping): json ${results.json.fields.seconds.toFixed(2)} s (cpu ${results.json.fields.cpuSeconds.toFixed(2)} s) / ` +
        `parquet ${results.parquet.fields.seconds.toFixed(3)} s (cpu ${results.parquet.fields.cpuSeconds.toFixed(3)} s), reconcile over it: ${overFields("json")} json / ${overFields("parquet")} parquet`,
    );
    console.log(`targets: ratio <= 1.5 per format, peak RSS <= 400 MB (the program's graph, recorded once per process and not timed, took ${results.json.run.recordSeconds?.toFixed(1)} s)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}

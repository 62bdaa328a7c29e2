/**
 * Issue 18, inputs: the one aggregation (billing/aggregation.ts) read by DuckDB from every form of
 * the fixtures in tests/fixtures/billing-export/ (see its README): the detailed export as NDJSON,
 * gzipped, Parquet and as a folder of shards; the standard export; FOCUS 1.0 CSV and Parquet.
 * Every form of the same month must give the same sums; the rules the sums depend on (a re-exported
 * row counted once, credits apart and netted, another currency converted, taxes apart) are checked
 * on the lines themselves.
 */
import * as path from "path";
import { BIGQUERY_DIALECT, DUCKDB_DIALECT, aggregationSql, exportRowExpressions } from "../../billing/aggregation";
import type { BilledLine } from "../../billing/billedLine";
import { aggregateBillingFiles, EXPORT_JSON_COLUMNS } from "../../billing/duckdbEngine";

const FIXTURES = path.join(__dirname, "..", "fixtures", "billing-export");
const fixture = (name: string) => path.join(FIXTURES, name);

const net = (lines: BilledLine[]) => Math.round(lines.reduce((sum, line) => sum + line.cost + line.credits, 0) * 100) / 100;
const sum = (lines: BilledLine[], field: "cost" | "credits" | "costAtList") => Math.round(lines.reduce((total, line) => total + line[field], 0) * 100) / 100;
const ofProject = (lines: BilledLine[], project: string) => lines.filter((line) => line.projectId === project);

/** Totals per project and cost type: what every form of the same month must agree on. */
function totals(lines: BilledLine[]): Record<string, { cost: number; credits: number; list: number }> {
  const out: Record<string, { cost: number; credits: number; list: number }> = {};
  for (const line of lines) {
    const key = `${line.invoiceMonth} ${line.projectId} ${line.costType}`;
    const entry = (out[key] ??= { cost: 0, credits: 0, list: 0 });
    entry.cost += line.cost;
    entry.credits += line.credits;
    entry.list += line.costAtList;
  }
  for (const entry of Object.values(out)) {
    entry.cost = Math.round(entry.cost * 100) / 100;
    entry.credits = Math.round(entry.credits * 100) / 100;
    entry.list = Math.round(entry.list * 100) / 100;
  }
  return out;
}

describe("the detailed export, in every form bq extract writes", () => {
  let json: BilledLine[];
  beforeAll(async () => {
    json = (await aggregateBillingFiles([fixture("detailed-202106.json")])).lines;
  });

  it("sums the month per project: usage, credits (negative, kept apart from cost) and taxes apart", () => {
    expect(totals(json)).toEqual({
      "202106 pokt-network-prod regular": { cost: 3099.81, credits: -128, list: 3099.81 },
      "202106 pokt-network-prod tax": { cost: 25.51, credits: 0, list: 25.51 },
      "202106 pokt-network-prod rounding_error": { cost: -0.01, credits: 0, list: -0.01 },
      "202106 pokt-network-testnet regular": { cost: 575.81, credits: -20, list: 575.81 },
      "202106 pokt-network-testnet tax": { cost: 4.2, credits: 0, list: 4.2 },
      "202106 pokt-network-dev regular": { cost: 40, credits: 0, list: 40 },
    });
  });

  it("counts a row re-exported with a later export_time once, at its latest cost", () => {
    const pocketCore = json.filter((line) => line.nodePoolLabel === "pocket-core" && line.projectId === "pokt-network-prod");
    expect(pocketCore).toHaveLength(1);
    expect(pocketCore[0].cost).toBe(480);
    expect(pocketCore[0].rows).toBe(1);
  });

  it("converts a row in another currency with its currency_conversion_rate (cost / rate) and counts it", () => {
    const euro = json.filter((line) => line.currency === "EUR");
    expect(euro).toHaveLength(1);
    expect(euro[0].cost).toBeCloseTo(246 / 0.82, 6);
    expect(euro[0].credits).toBeCloseTo(-16.4 / 0.82, 6);
    expect(euro[0].convertedRows).toBe(1);
  });

  it("reads labels, resource names and SKUs out of the nested records", () => {
    const seedsCore = json.find((line) => line.nodePoolLabel === "seeds" && line.skuDescription?.startsWith("N1 Predefined Instance Core"));
    expect(seedsCore).toMatchObject({
      clusterLabel: "prod",
      teamLabel: "infra",
      envLabel: "prod",
      componentLabel: "pocket-seeds",
      resourceName: "gke-prod-seeds-1a2b3c4d-x1y2",
      service: "Compute Engine",
      skuId: "2E27-4F9F-F6CA",
      usagePricingUnit: "hour",
      region: "us-east1",
      usageInPricingUnits: 5760,
      cost: 160,
      credits: -20,
    });
  });

  it.each([["detailed-202106.json.gz"], ["detailed-202106.parquet"], ["shards"]])("%s sums exactly as the NDJSON", async (form) => {
    const lines = (await aggregateBillingFiles([fixture(form)])).lines;
    expect(totals(lines)).toEqual(totals(json));
    expect(lines.length).toBe(json.length);
  });

  it("the standard export (no resource columns) sums the same, with every resource name empty", async () => {
    const lines = (await aggregateBillingFiles([fixture("standard-202106.json")])).lines;
    expect(totals(lines)).toEqual(totals(json));
    expect(lines.every((line) => line.resourceName === null && line.resourceGlobalName === null)).toBe(true);
  });

  it("names each file it read with its form", async () => {
    const { inputs } = await aggregateBillingFiles([fixture("shards"), fixture("focus-1.0-202106.csv")]);
    expect(inputs).toEqual([
      `${fixture("shards/000000000000.json")} (billing export, NDJSON)`,
      `${fixture("shards/000000000001.json")} (billing export, NDJSON)`,
      `${fixture("focus-1.0-202106.csv")} (FOCUS 1.0)`,
    ]);
  });
});

describe("FOCUS 1.0, CSV and Parquet (Google's FOCUS view of the same month)", () => {
  it.each([["focus-1.0-202106.csv"], ["focus-1.0-202106.parquet"]])("%s: BilledCost per project as the export's net, Credit rows as credits, Tax apart, month from BillingPeriodStart", async (form) => {
    const lines = (await aggregateBillingFiles([fixture(form)])).lines;
    const exportLines = (await aggregateBillingFiles([fixture("detailed-202106.json")])).lines;
    for (const project of ["pokt-network-prod", "pokt-network-testnet", "pokt-network-dev"]) {
      expect(net(ofProject(lines, project))).toBeCloseTo(net(ofProject(exportLines, project)), 2);
      expect(sum(ofProject(lines, project), "credits")).toBeCloseTo(sum(ofProject(exportLines, project), "credits"), 2);
    }
    expect(new Set(lines.map((line) => line.invoiceMonth))).toEqual(new Set(["202106"]));
    expect(lines.filter((line) => line.costType === "tax").map((line) => line.cost).sort()).toEqual([25.51, 4.2].sort());
    expect(lines.find((line) => line.resourceName === "geth-mainnet-data")?.blockchainNodeLabel).toBe("geth-mainnet");
  });
});

describe("one aggregation, two engines", () => {
  const present = new Set(Object.keys(EXPORT_JSON_COLUMNS));
  const duck = aggregationSql(DUCKDB_DIALECT, "source", exportRowExpressions(DUCKDB_DIALECT, present));
  const bigquery = aggregationSql(BIGQUERY_DIALECT, "`p.d.t`", exportRowExpressions(BIGQUERY_DIALECT, present));

  it("differ only where the dialects spell labels, credits, casts, lists, row identity, line key and the latest copy", () => {
    const shape = (sql: string) =>
      sql
        .replace(/list_filter\(labels_list, l -> l\.key = '([^']+)'\)\[1\]\.value/g, "LABEL($1)")
        .replace(/\(SELECT l\.value FROM UNNEST\(labels_list\) AS l WHERE l\.key = '([^']+)' LIMIT 1\)/g, "LABEL($1)")
        .replace(/COALESCE\(list_sum\(list_transform\(credits, c -> CAST\(c\.amount AS DOUBLE\)\)\), 0\)/g, "CREDITS")
        .replace(/COALESCE\(\(SELECT SUM\(c\.amount\) FROM UNNEST\(credits\) AS c\), 0\)/g, "CREDITS")
        .replace(/AS (VARCHAR|STRING|DOUBLE|FLOAT64)\)/g, "AS T)")
        .replace(/TO_JSON_STRING\((labels|labels_list)\)/g, "$1")
        .replace(/arg_max\(\{([^}]*)\}, (export_time_text|of_lines)\)/g, (_, fields: string, order: string) => `LATEST(${fields.replace(/'(\w+)': \w+/g, "$1")} BY ${order})`)
        .replace(/ARRAY_AGG\(STRUCT\(([^)]*)\) ORDER BY (export_time_text|of_lines) DESC LIMIT 1\)\[OFFSET\(0\)\]/g, (_, fields: string, order: string) => `LATEST(${fields.replace(/(\w+) AS \w+/g, "$1")} BY ${order})`)
        .replace(/hash\(([^\n]*?)\) AS line_key/, (_, args: string) => `LINE_KEY(${args.split(", ").join(" ")}) AS line_key`)
        .replace(/FARM_FINGERPRINT\(TO_JSON_STRING\(STRUCT\(([^\n]*?)\)\)\) AS line_key/, (_, args: string) => `LINE_KEY(${args.split(", ").map((arg) => arg.replace(/ AS k\d+$/, "")).join(" ")}) AS line_key`)
        // DuckDB groups lines by the labels list itself; BigQuery by its JSON text, the list carried beside.
        .replace(/(labels_key|ANY_VALUE\(labels_list\)) AS labels_list/, "LINE_LABELS AS labels_list")
        .replace(/hash\(([^\n]*?)\) AS row_identity/, (_, args: string) => `IDENTITY(${args.split(", ").length}) AS row_identity`)
        .replace(/FARM_FINGERPRINT\(CONCAT\(([^\n]*?)\)\) AS row_identity/, (_, args: string) => `IDENTITY(${args.split(", '|', ").length}) AS row_identity`)
        .replace("`p.d.t`", "source");
    expect(shape(bigquery)).toBe(shape(duck));
  });

  it("leaves out what a table lacks (the standard export has no resource column)", () => {
    const standard = aggregationSql(BIGQUERY_DIALECT, "`p.d.t`", exportRowExpressions(BIGQUERY_DIALECT, new Set([...present].filter((name) => name !== "resource"))));
    expect(standard).not.toContain("resource.name");
    expect(bigquery).toContain("resource.name");
  });
});

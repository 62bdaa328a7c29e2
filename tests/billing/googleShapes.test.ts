/**
 * The readers against files shaped as Google and the FOCUS specification write them, not only as
 * our own fixtures do (tests/fixtures/billing-export/google-shapes/, see its README): every field
 * the export's schema documents, keys in any order, null fields absent or written as null, gzipped
 * shards named as `bq extract` names them, Parquet with NUMERIC as DECIMAL(38,9) and TIMESTAMP as
 * timestamps; Google's FOCUS view (lower-case categories, credits in x_Credits and, in some copies
 * of its template, in BilledCost too, the project in
 * x_Project, Tags as a list of records, another currency with x_CurrencyConversionRate); a FOCUS
 * 1.2 CSV (Credit rows, ChargeClass "Correction", Tags a JSON object with a valueless `true` tag).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { BilledLine } from "../../billing/billedLine";
import { learnPrices } from "../../billing/learnedPrices";
import { loadCatalog } from "../../catalog/catalog";
import { aggregateBillingFiles } from "../../billing/duckdbEngine";
import { main as infraCost } from "../../cli/infra-cost";

const FIXTURES = path.join(__dirname, "..", "fixtures", "billing-export");
const shape = (name: string) => path.join(FIXTURES, "google-shapes", name);
const round = (value: number) => Math.round(value * 100) / 100;

/** Cost, credits and list per month, project and cost type. */
function totals(lines: BilledLine[]): Record<string, { cost: number; credits: number; list: number }> {
  const out: Record<string, { cost: number; credits: number; list: number }> = {};
  for (const line of lines) {
    const entry = (out[`${line.invoiceMonth} ${line.projectId} ${line.costType}`] ??= { cost: 0, credits: 0, list: 0 });
    entry.cost += line.cost;
    entry.credits += line.credits;
    entry.list += line.costAtList;
  }
  for (const entry of Object.values(out)) Object.assign(entry, { cost: round(entry.cost), credits: round(entry.credits), list: round(entry.list) });
  return out;
}

/** Net (cost + credits) per month, project and cost type: what FOCUS (credits as rows or x_Credits) must agree on with the export. */
function nets(lines: BilledLine[]): Record<string, number> {
  return Object.fromEntries(Object.entries(totals(lines)).map(([key, entry]) => [key, round(entry.cost + entry.credits)]));
}

const scratchDirs: string[] = [];
const scratch = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "google-shapes-test-"));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => scratchDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await infraCost(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

/** Our own fixture's month plus the one manual adjustment the shaped files add. */
let expected: Record<string, { cost: number; credits: number; list: number }>;
beforeAll(async () => {
  expected = totals((await aggregateBillingFiles([path.join(FIXTURES, "detailed-202106.json")])).lines);
  expected["202106 pokt-network-prod adjustment"] = { cost: -5, credits: 0, list: -5 };
});

describe("the detailed export with every documented field, as bq extract writes it", () => {
  it.each([["detailed-202106.json"], ["bq-extract-shards"], ["detailed-202106.parquet"], ["detailed-202106-repeated-groups.parquet"]])("%s: sums as our own fixture, the adjustment (adjustment_info populated) apart", async (form) => {
    const { lines } = await aggregateBillingFiles([shape(form)]);
    expect(totals(lines)).toEqual(expected);
  });

  it("the standard export (no resource record, labels absent on some rows) sums the same", async () => {
    const { lines } = await aggregateBillingFiles([shape("standard-202106.json")]);
    expect(totals(lines)).toEqual(expected);
    expect(lines.every((line) => line.resourceName === null && line.resourceGlobalName === null)).toBe(true);
  });

  it("reads the same keys from the NDJSON whether a null field is absent or null, and from Parquet's DECIMAL and timestamp columns", async () => {
    const json = (await aggregateBillingFiles([shape("detailed-202106.json")])).lines;
    const parquet = (await aggregateBillingFiles([shape("detailed-202106.parquet")])).lines;
    const key = (line: BilledLine) => JSON.stringify({ ...line, cost: round(line.cost), credits: round(line.credits), costAtList: round(line.costAtList), usageInPricingUnits: round(line.usageInPricingUnits) });
    expect(parquet.map(key).sort()).toEqual(json.map(key).sort());
    const rinkeby = json.find((line) => line.blockchainNodeLabel === "geth-rinkeby" && line.projectId === "pokt-network-prod");
    expect(rinkeby).toMatchObject({ resourceName: null, resourceGlobalName: null, region: "us-east1" });
    const tax = json.filter((line) => line.costType === "tax");
    expect(tax.every((line) => line.region === null && line.usageInPricingUnits === 0)).toBe(true);
  });
});

describe("Parquet whose repeated records are bare repeated groups (no LIST annotation)", () => {
  const file = shape("detailed-202106-repeated-groups.parquet");

  it("is that layout: labels, credits, tags and the project's labels are repeated groups, not LIST-annotated ones", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT name, repetition_type, converted_type FROM parquet_schema('${file.replace(/'/g, "''")}') WHERE num_children > 0`);
      const groups = Object.fromEntries(reader.getRowObjects().map((row) => [String(row.name), `${row.repetition_type} ${row.converted_type ?? ""}`.trim()]));
      for (const name of ["labels", "system_labels", "credits", "tags", "ancestors"]) expect(groups[name]).toBe("REPEATED");
      expect(Object.values(groups)).not.toContain("OPTIONAL LIST");
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("reads the same lines as the three-level LIST Parquet and the NDJSON", async () => {
    const key = (line: BilledLine) => JSON.stringify({ ...line, cost: round(line.cost), credits: round(line.credits), costAtList: round(line.costAtList), usageInPricingUnits: round(line.usageInPricingUnits) });
    const groups = (await aggregateBillingFiles([file])).lines.map(key).sort();
    expect(groups).toEqual((await aggregateBillingFiles([shape("detailed-202106.parquet")])).lines.map(key).sort());
    expect(groups).toEqual((await aggregateBillingFiles([shape("detailed-202106.json")])).lines.map(key).sort());
  });

  it("reconciles as the NDJSON does", async () => {
    const fromGroups = await cli(["reconcile", "--billing", file, "--format", "json"]);
    const fromJson = await cli(["reconcile", "--billing", shape("detailed-202106.json"), "--format", "json"]);
    expect(fromGroups.code).toBe(0);
    const months = (stdout: string) => JSON.parse(stdout).months;
    expect(months(fromGroups.stdout)).toEqual(months(fromJson.stdout));
  });
});

describe("Google's FOCUS view (its template's columns and types, extracted as Parquet)", () => {
  let view: BilledLine[];
  let exportLines: BilledLine[];
  beforeAll(async () => {
    view = (await aggregateBillingFiles([shape("focus-google-view-202106.parquet")])).lines;
    exportLines = (await aggregateBillingFiles([shape("detailed-202106.json")])).lines;
  });

  it("nets per project and cost type as the export: the project from x_Project, credits from x_Credits, lower-case categories, x_CostType", () => {
    expect(nets(view)).toEqual(nets(exportLines));
    expect(round(view.reduce((sum, line) => sum + line.credits, 0))).toBe(-148);
  });

  it("nets the same from a copy of the template whose BilledCost is `cost` before credits: the credits counted once either way", async () => {
    const gross = (await aggregateBillingFiles([shape("focus-google-view-gross-202106.parquet")])).lines;
    expect(totals(gross)).toEqual(totals(view));
    expect(nets(gross)).toEqual(nets(exportLines));
  });

  it("converts the EUR rows with x_CurrencyConversionRate, and reads labels out of Tags' key/value records", () => {
    const euro = view.filter((line) => line.currency === "EUR");
    expect(euro).toHaveLength(1);
    expect(euro[0].cost).toBeCloseTo(246 / 0.82, 6);
    expect(euro[0].credits).toBeCloseTo(-16.4 / 0.82, 6);
    expect(euro[0].convertedRows).toBe(1);
    const seeds = view.find((line) => line.nodePoolLabel === "seeds" && line.skuDescription?.includes("Core"));
    expect(seeds).toMatchObject({ clusterLabel: "prod", componentLabel: "pocket-seeds", projectId: "pokt-network-prod", resourceName: "gke-prod-seeds-1a2b3c4d-x1y2", region: "us-east1", usageInPricingUnits: 5760 });
    expect(new Set(view.map((line) => line.invoiceMonth))).toEqual(new Set(["202106"]));
  });

  it("names the file FOCUS 1.0 (the view's template has no 1.1 column)", async () => {
    const { inputs } = await aggregateBillingFiles([shape("focus-google-view-202106.parquet")]);
    expect(inputs).toEqual([`${shape("focus-google-view-202106.parquet")} (FOCUS 1.0)`]);
  });

  it("reconciles to the same billed net per stack as the export", async () => {
    const fromView = await cli(["reconcile", "--billing", shape("focus-google-view-202106.parquet"), "--format", "json"]);
    const fromExport = await cli(["reconcile", "--billing", shape("detailed-202106.json"), "--format", "json"]);
    expect(fromView.stderr).toBe("");
    expect(fromView.code).toBe(0);
    const stacks = (report: string) => JSON.parse(report).months[0].stacks.map((stack: any) => [stack.stack, round(stack.billedNet), round(stack.coverage * 100)]);
    expect(stacks(fromView.stdout)).toEqual(stacks(fromExport.stdout));
  }, 60_000);

  it("writes the same usage file from it as from the export (traffic GiB from ConsumedQuantity in bytes: its PricingQuantity is the price's unit quantity)", async () => {
    const out = scratch();
    const fromView = await cli(["usage", "--from-billing", shape("focus-google-view-202106.parquet"), "--month", "202106", "--stack", "prod", "--out", path.join(out, "view.yml")]);
    const fromExport = await cli(["usage", "--from-billing", shape("detailed-202106.json"), "--month", "202106", "--stack", "prod", "--out", path.join(out, "export.yml")]);
    expect([fromView.code, fromView.stderr]).toEqual([0, ""]);
    expect(fromExport.code).toBe(0);
    const body = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter((line) => !line.startsWith("#") && !line.includes("source:"));
    expect(body(path.join(out, "view.yml"))).toEqual(body(path.join(out, "export.yml")));
    expect(body(path.join(out, "view.yml")).join("\n")).toContain("internet_egress_gb");
  }, 60_000);

  it("gives review --baseline-from-billing the same before side as the export's Parquet", async () => {
    const review = async (file: string) => {
      const result = await cli(["review", "--baseline-from-billing", shape(file), "--month", "202106", "--format", "json"]);
      expect([result.code, result.stderr]).toEqual([0, ""]);
      return result.stdout.split(file).join("FILE");
    };
    expect(await review("focus-google-view-202106.parquet")).toBe(await review("detailed-202106.parquet"));
  }, 120_000);

  it("learns from it only what its usage gives (review --prices-from-billing): the export's prices where seconds and bytes convert, the GiB-month disks counted as not learned", () => {
    const learned = (lines: BilledLine[]) => learnPrices(lines, loadCatalog(), "202106");
    const price = (entry: { sku: string; region: string | null; pricingUnit: string; effective: number }) => [entry.sku, entry.region, entry.pricingUnit, Number(entry.effective.toFixed(6))];
    const fromView = learned(view);
    const fromExport = learned(exportLines);
    const exportPrices = fromExport.learned.map(price);
    expect(fromView.learned.map((entry) => entry.sku)).toEqual(expect.arrayContaining(["Zonal Kubernetes Clusters"]));
    for (const entry of fromView.learned) expect(exportPrices).toContainEqual(price(entry));
    const missing = fromExport.learned.filter((entry) => !fromView.learned.some((other) => other.sku === entry.sku && other.region === entry.region));
    expect(missing.map((entry) => entry.pricingUnit)).toEqual(expect.arrayContaining(["gibibyte month"]));
    for (const entry of missing) expect(fromView.notLearned).toContainEqual({ sku: entry.sku, reason: "no usage in pricing units" });
  });
});

describe("FOCUS 1.2 CSV as the specification shapes it", () => {
  it("nets as the export: Credit rows, ChargeClass Correction apart as an adjustment, a valueless tag `true`; named FOCUS 1.2", async () => {
    const { lines, inputs } = await aggregateBillingFiles([shape("focus-1.2-202106.csv")]);
    const exportLines = (await aggregateBillingFiles([shape("detailed-202106.json")])).lines;
    const withoutRounding = (net: Record<string, number>) => {
      // The specification has no rounding-error category: FOCUS files put it among the adjustments.
      const copy = { ...net };
      copy["202106 pokt-network-prod adjustment"] = round(copy["202106 pokt-network-prod adjustment"] + (copy["202106 pokt-network-prod rounding_error"] ?? 0));
      delete copy["202106 pokt-network-prod rounding_error"];
      return copy;
    };
    expect(nets(lines)).toEqual(withoutRounding(nets(exportLines)));
    expect(inputs).toEqual([`${shape("focus-1.2-202106.csv")} (FOCUS 1.2)`]);
    expect(lines.find((line) => line.resourceName === "geth-mainnet-data")?.blockchainNodeLabel).toBe("geth-mainnet");
  });

  it("keeps the month of BillingPeriodStart when the machine's time zone is west of UTC (timestamps read in UTC)", () => {
    const script = `require("./billing/duckdbEngine").aggregateBillingFiles([${JSON.stringify(shape("focus-1.2-202106.csv"))}]).then((r) => console.log(JSON.stringify([...new Set(r.lines.map((l) => l.invoiceMonth))])))`;
    const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: path.join(__dirname, "..", ".."),
      env: { ...process.env, TZ: "Pacific/Honolulu" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual(["202106"]);
  }, 60_000);
});

describe("FOCUS CSV with the view's records as JSON text (TO_JSON_STRING of Tags and x_Credits)", () => {
  it("reads labels out of a JSON array of key/value records and the credits out of x_Credits, counted once", async () => {
    const file = path.join(scratch(), "focus.csv");
    const tags = JSON.stringify([{ key: "goog-k8s-cluster-name", value: "prod" }, { key: "goog-k8s-node-pool-name", value: "seeds", x_type: "label" }]);
    const credits = JSON.stringify([{ Name: "Sustained Usage Discount", Amount: -2.5, Type: "SUSTAINED_USAGE_DISCOUNT" }]);
    const cell = (text: string) => `"${text.replace(/"/g, '""')}"`;
    fs.writeFileSync(
      file,
      [
        "BillingPeriodStart,BilledCost,ContractedCost,ListCost,ChargeCategory,BillingCurrency,SubAccountId,ChargeDescription,Tags,x_Credits",
        `2021-06-01 07:00:00 UTC,7.5,10,10,usage,USD,pokt-network-prod,N1 Predefined Instance Core running in Americas,${cell(tags)},${cell(credits)}`,
      ].join("\n") + "\n",
    );
    const { lines } = await aggregateBillingFiles([file]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ invoiceMonth: "202106", projectId: "pokt-network-prod", costType: "regular", clusterLabel: "prod", nodePoolLabel: "seeds", cost: 10, credits: -2.5 });
  });
});

describe("FOCUS Parquet whose x_Project record has no id (SubAccountId is then the project)", () => {
  it("reads the project from SubAccountId, the usage from PricingQuantity", async () => {
    const file = path.join(scratch(), "focus.parquet");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT TIMESTAMPTZ '2021-06-01 07:00:00+00' AS BillingPeriodStart, 12.5::DECIMAL(38,9) AS BilledCost, 12.5::DECIMAL(38,9) AS ListCost, 'Usage' AS ChargeCategory,
        'USD' AS BillingCurrency, 'pokt-network-prod' AS SubAccountId, {'name': 'pokt-network-prod', 'number': '104932184411'} AS x_Project, 250::DECIMAL(38,9) AS PricingQuantity, 'hour' AS PricingUnit)
       TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    const { lines } = await aggregateBillingFiles([file]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ invoiceMonth: "202106", projectId: "pokt-network-prod", cost: 12.5, credits: 0, usageInPricingUnits: 250 });
  });
});

describe("bad FOCUS input: exit 2, one line naming the file and the column", () => {
  const header = (columns: string[]) => {
    const file = path.join(scratch(), "focus.csv");
    fs.writeFileSync(file, `${columns.join(",")}\n${columns.map((name) => (/Cost|Quantity/.test(name) ? "1" : name === "BillingPeriodStart" ? "2021-06-01T00:00:00Z" : name === "BillingCurrency" ? "USD" : "x")).join(",")}\n`);
    return file;
  };
  const v10 = ["BilledCost", "ListCost", "EffectiveCost", "BillingPeriodStart", "ChargeCategory", "ChargeClass", "BillingCurrency", "SubAccountId", "ConsumedQuantity", "RegionId"];

  it.each([
    ["1.0-preview (ChargeSubcategory)", ["BilledCost", "ListCost", "EffectiveCost", "BillingPeriodStart", "ChargeCategory", "ChargeSubcategory", "BillingCurrency", "SubAccountId", "UsageQuantity", "Region"], "column ChargeSubcategory", "FOCUS 1.0-preview"],
    ["0.5 (AmortizedCost)", ["BilledCost", "ListCost", "AmortizedCost", "BillingPeriodStart", "ChargeCategory", "BillingCurrency", "SubAccountId"], "column AmortizedCost", "FOCUS 0.5"],
  ])("an unknown version, %s", async (_, columns, column, version) => {
    const file = header(columns);
    const result = await cli(["reconcile", "--billing", file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain(column);
    expect(result.stderr).toContain(version);
  });

  it("a 1.1 file is read and named 1.1", async () => {
    const file = header([...v10, "SkuMeter", "ServiceSubcategory"]);
    const { inputs } = await aggregateBillingFiles([file]);
    expect(inputs).toEqual([`${file} (FOCUS 1.1)`]);
  });

  it("FOCUS rows in NDJSON (the view extracted as JSON) are refused by name, not read as an export with every column missing", async () => {
    const file = path.join(scratch(), "focus.json");
    fs.writeFileSync(file, `${JSON.stringify({ BilledCost: "1.5", BillingPeriodStart: "2021-06-01 07:00:00 UTC", ChargeCategory: "usage" })}\n`);
    const result = await cli(["reconcile", "--billing", file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`${file}`);
    expect(result.stderr).toContain("line 1: column BilledCost");
    expect(result.stderr).toContain("PARQUET");
  });

  it("another currency without x_CurrencyConversionRate: the line and the column, and --out left absent", async () => {
    const source = fs.readFileSync(shape("focus-1.2-202106.csv"), "utf8").trimEnd().split("\n");
    const columns = source[0].split(",");
    const currency = columns.indexOf("BillingCurrency");
    const lines = source.map((line, index) => (index === 3 ? line.split(",").map((cell, at) => (at === currency ? "EUR" : cell)).join(",") : line));
    const dir = scratch();
    const file = path.join(dir, "focus.csv");
    fs.writeFileSync(file, lines.join("\n") + "\n");
    const out = path.join(dir, "report.json");
    const result = await cli(["reconcile", "--billing", file, "--format", "json", "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}`);
    expect(result.stderr).toContain("line 4: column currency_conversion_rate");
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("FOCUS files of two shapes in one run", () => {
  // Before: the columns of every FOCUS file were pooled, so the CSV (no x_Project) was read with
  // expressions naming Google's view's x_Project, and DuckDB refused the query.
  it("a FOCUS CSV and Google's FOCUS view in Parquet are each read with their own columns: the run sums what each gives alone", async () => {
    const csv = path.join(FIXTURES, "focus-1.0-202106.csv");
    const view = shape("focus-google-view-202106.parquet");
    const both = await aggregateBillingFiles([csv, view]);
    const alone = [...(await aggregateBillingFiles([csv])).lines, ...(await aggregateBillingFiles([view])).lines];
    expect(both.inputs).toHaveLength(2);
    expect(totals(both.lines)).toEqual(totals(alone));
  });
});

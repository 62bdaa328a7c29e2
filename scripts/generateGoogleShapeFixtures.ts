/**
 * Writes tests/fixtures/billing-export/google-shapes/: the June 2021 charges of
 * scripts/generateBillingFixtures.ts (plus one manual adjustment) in the shapes real files have,
 * beyond what our own fixtures carry: every field Google's export schema documents (`price` as
 * NUMERIC, `tags`, `consumption_model`, `subscription`, `cost_at_effective_price_default`,
 * `project.labels`, a populated `adjustment_info`), keys in another order, null fields left out
 * on some rows and written as null on others, gzipped shards named as `bq extract` names them,
 * Parquet with NUMERIC as DECIMAL(38,9) and TIMESTAMP as timestamps; Google's FOCUS view of the
 * same rows (Parquet, its template's columns and types) and a FOCUS 1.2 CSV as the specification
 * shapes it. The README beside them cites the pages each shape follows.
 *   npx ts-node --transpile-only scripts/generateGoogleShapeFixtures.ts
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { ACCOUNT, ROWS, exportRow, focusRows, type RowSpec } from "./generateBillingFixtures";

const OUT = path.join(__dirname, "..", "tests", "fixtures", "billing-export", "google-shapes");

/** A correction of an earlier month, as the export holds one: cost_type "adjustment" with its adjustment_info. */
const ADJUSTMENT: RowSpec = {
  project: "pokt-network-prod",
  service: { id: "6F81-5844-456A", description: "Compute Engine" },
  sku: { id: "2E27-4F9F-F6CA", description: "N1 Predefined Instance Core running in Americas" },
  cost: -5.0,
  costType: "adjustment",
  usage: { amount: 0, unit: "seconds", amount_in_pricing_units: 0, pricing_unit: "hour" },
};
const ADJUSTMENT_INFO = { id: "adj-2021-06-0001", description: "Correction of May 2021 usage", mode: "MANUAL_ADJUSTMENT", type: "GENERAL_ADJUSTMENT" };

const CHARGES: RowSpec[] = [...ROWS, ADJUSTMENT];

/** NUMERIC as `bq extract` writes it to JSON: a string holding the decimal. */
const numeric = (value: number) => (Math.round(value * 1e9) / 1e9).toString();

/** The detailed (or standard) export row with the documented fields our own fixtures leave out. */
function documentedRow(spec: RowSpec, withResource: boolean): Record<string, unknown> {
  const row = exportRow(spec, withResource);
  const usage = row.usage as { amount_in_pricing_units: number | null; pricing_unit: string | null };
  const regular = (spec.costType ?? "regular") === "regular";
  if (!regular) {
    // Taxes, adjustments and rounding errors carry no usage in pricing units and no place.
    row.usage = { amount: 0, unit: usage.pricing_unit === "" ? null : "seconds", amount_in_pricing_units: null, pricing_unit: null };
    row.location = null;
  }
  row.price = regular
    ? // pricing_unit_quantity: the quantity the price is quoted for ("$1 per 1000000 Bytes" shows 1000000), here 1 of the pricing unit.
      { effective_price: numeric(usage.amount_in_pricing_units ? spec.cost / usage.amount_in_pricing_units : 0), tier_start_amount: "0", unit: usage.pricing_unit, pricing_unit_quantity: "1" }
    : null;
  row.cost_at_effective_price_default = numeric(spec.cost);
  row.consumption_model = { id: "D2C2-A9E2-7E1C", description: "Default" };
  row.subscription = { instance_id: null };
  row.tags = spec.project === "pokt-network-prod" ? [{ key: "123456789012/environment", value: "production", inherited: true, namespace: "123456789012" }] : [];
  (row.project as Record<string, unknown>).labels = [{ key: "cost-center", value: "relay" }];
  (row.invoice as Record<string, unknown>).publisher_type = "GOOGLE";
  if (spec === ADJUSTMENT) row.adjustment_info = ADJUSTMENT_INFO;
  // A charge no resource bills (egress, logging, taxes): the whole record null; a row naming none of its fields keeps them null.
  if (withResource && spec.resource === undefined) row.resource = null;
  return row;
}

/** Nulls left out (a field absent) on even rows, written out on odd ones; keys reversed on odd rows. */
function asWritten(row: Record<string, unknown>, index: number): string {
  const prune = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(prune);
    if (value === null || typeof value !== "object") return value;
    const kept = Object.entries(value as Record<string, unknown>).filter(([, field]) => index % 2 === 1 || field !== null);
    return Object.fromEntries(kept.map(([key, field]) => [key, prune(field)]));
  };
  const pruned = prune(row) as Record<string, unknown>;
  // A row without labels: the key absent on every third row, an empty list elsewhere.
  if (Array.isArray(pruned.labels) && pruned.labels.length === 0 && index % 3 === 0) delete pruned.labels;
  const entries = Object.entries(pruned);
  return JSON.stringify(Object.fromEntries(index % 2 === 1 ? entries.reverse() : entries));
}

const regularUsage = (spec: RowSpec) => (spec.costType ?? "regular") === "regular";

/**
 * The detailed export row as Google's FOCUS view template ("last updated on March 19, 2024") maps
 * it. Copies of the template differ on BilledCost and EffectiveCost: `cost` plus the row's credits
 * (sidstefani/focus `views/focus.view.lkml`), or `cost` alone (FairwindsOps/insights-plugins
 * `plugins/cloud-costs/gcp-FOCUS-query.sql`); `billedWithCredits` picks one.
 */
function googleViewRow(spec: RowSpec, billedWithCredits: boolean): Record<string, unknown> {
  const row = documentedRow(spec, true) as any;
  const month = row.invoice.month as string;
  const category: Record<string, string> = { regular: "usage", tax: "tax", rounding_error: "adjustment", adjustment: "adjustment" };
  const regular = regularUsage(spec);
  const labels = (list: { key: string; value: string }[], type: string, inherited: boolean) => list.map(({ key, value }) => ({ key, value, x_type: type, x_inherited: inherited, x_namespace: "n/a" }));
  const pacificMidnight = (yyyymm: string) => `${yyyymm.slice(0, 4)}-${yyyymm.slice(4)}-01 07:00:00+00`;
  const net = Math.round((row.cost + row.credits.reduce((sum: number, credit: any) => sum + credit.amount, 0)) * 1e9) / 1e9;
  return {
    AvailabilityZone: row.location?.zone ?? null,
    BilledCost: billedWithCredits ? net : row.cost,
    BillingAccountId: ACCOUNT,
    BillingCurrency: row.currency,
    BillingPeriodStart: pacificMidnight(month),
    BillingPeriodEnd: `${month.slice(0, 4)}-${month.slice(4)}-30 07:00:00+00`,
    ChargeCategory: category[row.cost_type],
    ChargeClass: spec === ADJUSTMENT ? "correction" : null,
    ChargeDescription: row.sku.description,
    ChargePeriodStart: row.usage_start_time.replace(" UTC", "+00"),
    ChargePeriodEnd: row.usage_end_time.replace(" UTC", "+00"),
    CommitmentDiscountCategory: null,
    CommitmentDiscountId: null,
    CommitmentDiscountName: null,
    ConsumedQuantity: regular ? row.usage.amount : null,
    ConsumedUnit: regular ? row.usage.unit : null,
    ContractedCost: row.cost,
    ContractedUnitPrice: row.price?.effective_price ?? null,
    EffectiveCost: billedWithCredits ? net : row.cost,
    ListCost: row.cost_at_list,
    ListUnitPrice: null,
    PricingCategory: regular ? "standard" : null,
    PricingQuantity: regular ? row.price.pricing_unit_quantity : null,
    PricingUnit: regular ? row.price.unit : null,
    ProviderName: "Google Cloud",
    PublisherName: "Google Cloud",
    RegionId: row.location?.region ?? null,
    RegionName: row.location?.region === "us-east1" ? "South Carolina" : null,
    ResourceId: row.resource?.global_name ?? null,
    ResourceName: row.resource?.name ?? null,
    ResourceType: null,
    ServiceCategory: null,
    ServiceName: row.service.description,
    SkuId: regular ? row.sku.id : null,
    SkuPriceId: regular ? `Billing Account ID:${ACCOUNT}, SKU ID: ${row.sku.id}, Price Tier Start Amount: 0` : null,
    SubAccountId: ACCOUNT,
    Tags: [...labels(row.labels, "label", false), ...labels(row.system_labels, "system_label", false), ...labels(row.project.labels, "project_label", true), ...row.tags.map((tag: any) => ({ key: tag.key, value: tag.value, x_type: "tag", x_inherited: tag.inherited, x_namespace: tag.namespace }))],
    x_Credits: row.credits.map((credit: any) => ({ Name: credit.name, Amount: credit.amount, FullName: credit.full_name, Id: credit.id, Type: credit.type })),
    x_CostType: row.cost_type,
    x_CurrencyConversionRate: row.currency_conversion_rate,
    x_ExportTime: row.export_time.replace(" UTC", "+00"),
    x_Location: row.location?.location ?? null,
    x_Project: { id: row.project.id, number: row.project.number, name: row.project.name, ancestry_numbers: row.project.ancestry_numbers, ancestors: row.project.ancestors },
    x_ServiceId: row.service.id,
  };
}

/** Google's view's column types as BigQuery extracts them to Parquet (NUMERIC as DECIMAL(38,9), TIMESTAMP as timestamps, repeated records as lists). */
const GOOGLE_VIEW_TYPES: Record<string, string> = {
  AvailabilityZone: "VARCHAR", BilledCost: "DECIMAL(38,9)", BillingAccountId: "VARCHAR", BillingCurrency: "VARCHAR",
  BillingPeriodStart: "TIMESTAMPTZ", BillingPeriodEnd: "TIMESTAMPTZ", ChargeCategory: "VARCHAR", ChargeClass: "VARCHAR",
  ChargeDescription: "VARCHAR", ChargePeriodStart: "TIMESTAMPTZ", ChargePeriodEnd: "TIMESTAMPTZ", CommitmentDiscountCategory: "VARCHAR",
  CommitmentDiscountId: "VARCHAR", CommitmentDiscountName: "VARCHAR", ConsumedQuantity: "DECIMAL(38,9)", ConsumedUnit: "VARCHAR",
  ContractedCost: "DECIMAL(38,9)", ContractedUnitPrice: "DECIMAL(38,9)", EffectiveCost: "DECIMAL(38,9)", ListCost: "DECIMAL(38,9)",
  ListUnitPrice: "DECIMAL(38,9)", PricingCategory: "VARCHAR", PricingQuantity: "DECIMAL(38,9)", PricingUnit: "VARCHAR",
  ProviderName: "VARCHAR", PublisherName: "VARCHAR", RegionId: "VARCHAR", RegionName: "VARCHAR", ResourceId: "VARCHAR",
  ResourceName: "VARCHAR", ResourceType: "VARCHAR", ServiceCategory: "VARCHAR", ServiceName: "VARCHAR", SkuId: "VARCHAR",
  SkuPriceId: "VARCHAR", SubAccountId: "VARCHAR",
  Tags: "STRUCT(key VARCHAR, value VARCHAR, x_type VARCHAR, x_inherited BOOLEAN, x_namespace VARCHAR)[]",
  x_Credits: "STRUCT(Name VARCHAR, Amount DECIMAL(38,9), FullName VARCHAR, Id VARCHAR, Type VARCHAR)[]",
  x_CostType: "VARCHAR", x_CurrencyConversionRate: "DECIMAL(38,9)", x_ExportTime: "TIMESTAMPTZ", x_Location: "VARCHAR",
  x_Project: "STRUCT(id VARCHAR, number VARCHAR, name VARCHAR, ancestry_numbers VARCHAR, ancestors STRUCT(resource_name VARCHAR, display_name VARCHAR)[])",
  x_ServiceId: "VARCHAR",
};

/** FOCUS 1.2 rows as the specification shapes them: credits as Credit rows, Tags a JSON object, the 1.2 columns, a custom x_ column. */
function focus12Rows(spec: RowSpec): Record<string, string | number | null>[] {
  return focusRows(spec).map((row) => {
    const tags = JSON.parse(String(row.Tags)) as Record<string, unknown>;
    // A valueless tag is `true` (KeyValueFormat); GKE's volume label has an empty value.
    if ("goog-gke-volume" in tags) tags["goog-gke-volume"] = true;
    const correction = spec === ADJUSTMENT;
    return {
      ...row,
      BillingPeriodStart: "2021-06-01T00:00:00Z",
      BillingPeriodEnd: "2021-07-01T00:00:00Z",
      // A correction of an earlier month's usage: ChargeCategory stays Usage, ChargeClass marks it.
      ChargeCategory: correction ? "Usage" : row.ChargeCategory,
      ChargeClass: correction ? "Correction" : null,
      Tags: JSON.stringify(tags),
      BillingAccountType: "Billing Account",
      SubAccountType: "Project",
      InvoiceId: "3141592653",
      PricingCurrency: "USD",
      x_ServiceId: spec.service.id || null,
    };
  });
}

function csv(rows: Record<string, string | number | null>[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: string | number | null | undefined) => (value === null || value === undefined ? "" : typeof value === "number" ? String(value) : /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [columns.join(","), ...rows.map((row) => columns.map((name) => cell(row[name])).join(","))].join("\n") + "\n";
}

async function main(): Promise<void> {
  const shards = path.join(OUT, "bq-extract-shards");
  fs.mkdirSync(shards, { recursive: true });
  const detailed = CHARGES.map((spec, index) => asWritten(documentedRow(spec, true), index));
  const standard = CHARGES.map((spec, index) => asWritten(documentedRow(spec, false), index));
  fs.writeFileSync(path.join(OUT, "detailed-202106.json"), detailed.join("\n") + "\n");
  fs.writeFileSync(path.join(OUT, "standard-202106.json"), standard.join("\n") + "\n");
  // `bq extract --compression GZIP ... gs://bucket/detailed-202106-*.json.gz` names its files with a 12-digit number.
  const half = Math.ceil(detailed.length / 2);
  for (const [number, lines] of [detailed.slice(0, half), detailed.slice(half)].entries()) {
    fs.writeFileSync(path.join(shards, `detailed-202106-${String(number).padStart(12, "0")}.json.gz`), zlib.gzipSync(Buffer.from(lines.join("\n") + "\n"), { level: 9 }));
  }
  const latest = CHARGES.filter((spec) => !spec.superseded);
  fs.writeFileSync(path.join(OUT, "focus-1.2-202106.csv"), csv(latest.flatMap(focus12Rows)));

  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "google-shapes-"));
  try {
    // The export as Parquet: TIMESTAMP columns as timestamps, NUMERIC as DECIMAL(38,9), records as structs, repeated records as lists.
    const timestamp = (name: string) => `CAST(replace(${name}, ' UTC', '+00') AS TIMESTAMPTZ) AS ${name}`;
    await connection.run(
      `COPY (SELECT * REPLACE (${["usage_start_time", "usage_end_time", "export_time"].map(timestamp).join(", ")},
        CAST(price AS STRUCT(effective_price DECIMAL(38,9), tier_start_amount DECIMAL(38,9), unit VARCHAR, pricing_unit_quantity DECIMAL(38,9))) AS price,
        CAST(cost_at_effective_price_default AS DECIMAL(38,9)) AS cost_at_effective_price_default)
        FROM read_json(${quote(path.join(OUT, "detailed-202106.json"))}, format = 'newline_delimited'))
       TO ${quote(path.join(OUT, "detailed-202106.parquet"))} (FORMAT parquet, ROW_GROUP_SIZE 8)`,
    );
    const columns = `{${Object.entries(GOOGLE_VIEW_TYPES).map(([name, type]) => `${quote(name)}: ${quote(type)}`).join(", ")}}`;
    for (const [file, billedWithCredits] of [["focus-google-view-202106.parquet", true], ["focus-google-view-gross-202106.parquet", false]] as const) {
      const view = path.join(scratch, "view.json");
      // The view is a SELECT over the export table: the superseded copy of the re-exported row is in it too.
      fs.writeFileSync(view, CHARGES.map((spec) => JSON.stringify(googleViewRow(spec, billedWithCredits))).join("\n") + "\n");
      await connection.run(`COPY (SELECT * FROM read_json(${quote(view)}, format = 'newline_delimited', columns = ${columns})) TO ${quote(path.join(OUT, file))} (FORMAT parquet)`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`wrote ${CHARGES.length} charges to ${path.relative(process.cwd(), OUT)}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

/**
 * The one aggregation of the bill, written once and turned into SQL for two engines: DuckDB over
 * export files and BigQuery over the export table itself, so a billing account of any size is
 * summed where it lies and only the sums come back. What differs between the engines is only how
 * a few things are spelled (the `SqlDialect` below): a label out of a key/value list, the credits
 * of a row, a value as text. Everything else (which columns, which conversions, how a re-exported
 * row is counted once, the GROUP BY) is this file's one description.
 */
import type { BilledLineKey } from "./billedLine";

/** How one engine spells what the SQL standard leaves open. */
export interface SqlDialect {
  name: "DuckDB" | "BigQuery";
  /** A value as text. */
  text(expr: string): string;
  /** A value as a double. */
  float(expr: string): string;
  /** The value of `key` in a repeated key/value record (`labels`), null when absent. */
  labelValue(listColumn: string, key: string): string;
  /** The sum of `amount` over a repeated credits record (0 when empty). */
  creditsTotal(creditsColumn: string): string;
  /** The value of `key` in a JSON object held as text (FOCUS `Tags` in CSV). */
  jsonValue(column: string, key: string): string;
  /** The value of `key` in a map column (FOCUS `Tags` in Parquet). */
  mapValue(column: string, key: string): string;
  /** One value standing for a row's identifying columns (a 64-bit hash of them). */
  rowIdentity(exprs: string[]): string;
  /** One 64-bit value standing for a line's keys (a null apart from an empty text, lists included). */
  lineKey(exprs: string[]): string;
  /** A labels list as a GROUP BY key (BigQuery cannot group by an ARRAY). */
  groupable(listColumn: string): string;
  /** Within a group, `expr` of the row with the greatest `order` (the latest export). */
  latest(expr: string, order: string): string;
  /** A record of named fields (expanded again with `column.*`). */
  record(fields: Record<string, string>): string;
}

export const DUCKDB_DIALECT: SqlDialect = {
  name: "DuckDB",
  text: (expr) => `CAST(${expr} AS VARCHAR)`,
  float: (expr) => `CAST(${expr} AS DOUBLE)`,
  labelValue: (column, key) => `list_filter(${column}, l -> l.key = ${sqlString(key)})[1].value`,
  creditsTotal: (column) => `COALESCE(list_sum(list_transform(${column}, c -> CAST(c.amount AS DOUBLE))), 0)`,
  jsonValue: (column, key) => `json_extract_string(${column}, ${sqlString(`$."${key}"`)})`,
  mapValue: (column, key) => `element_at(${column}, ${sqlString(key)})[1]`,
  rowIdentity: (exprs) => `hash(${exprs.join(", ")})`,
  lineKey: (exprs) => `hash(${exprs.join(", ")})`,
  groupable: (column) => column,
  latest: (expr, order) => `arg_max(${expr}, ${order})`,
  record: (fields) => `{${Object.entries(fields).map(([name, expr]) => `${sqlString(name)}: ${expr}`).join(", ")}}`,
};

export const BIGQUERY_DIALECT: SqlDialect = {
  name: "BigQuery",
  text: (expr) => `CAST(${expr} AS STRING)`,
  float: (expr) => `CAST(${expr} AS FLOAT64)`,
  labelValue: (column, key) => `(SELECT l.value FROM UNNEST(${column}) AS l WHERE l.key = ${sqlString(key)} LIMIT 1)`,
  creditsTotal: (column) => `COALESCE((SELECT SUM(c.amount) FROM UNNEST(${column}) AS c), 0)`,
  jsonValue: (column, key) => `JSON_VALUE(${column}, ${sqlString(`$."${key}"`)})`,
  mapValue: (column, key) => `(SELECT t.value FROM UNNEST(${column}) AS t WHERE t.key = ${sqlString(key)} LIMIT 1)`,
  rowIdentity: (exprs) => `FARM_FINGERPRINT(CONCAT(${exprs.map((expr) => `COALESCE(CAST(${expr} AS STRING), '')`).join(", '|', ")}))`,
  lineKey: (exprs) => `FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(${exprs.map((expr, index) => `${expr} AS k${index}`).join(", ")})))`,
  groupable: (column) => `TO_JSON_STRING(${column})`,
  latest: (expr, order) => `ARRAY_AGG(${expr} ORDER BY ${order} DESC LIMIT 1)[OFFSET(0)]`,
  record: (fields) => `STRUCT(${Object.entries(fields).map(([name, expr]) => `${expr} AS ${name}`).join(", ")})`,
};

/** A SQL string literal (single quotes doubled). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The labels attribution reads, and the key each one is summed under. */
export const ATTRIBUTION_LABELS = {
  clusterLabel: "goog-k8s-cluster-name",
  nodePoolLabel: "goog-k8s-node-pool-name",
  teamLabel: "team",
  envLabel: "env",
  componentLabel: "component",
  blockchainNodeLabel: "blockchain-node",
} as const satisfies Partial<Record<keyof BilledLineKey, string>>;

/**
 * One input row in the aggregation's terms: the SQL expression of each field over the source's
 * own columns. `rowIdentity` (with `exportTime`) is what tells a re-exported row from a new one;
 * null where the format has no export time (FOCUS), and then no row is dropped.
 */
export interface RowExpressions {
  /** The keys read straight off a row (the labels are read after grouping, from `labels`). */
  keys: Record<Exclude<keyof BilledLineKey, "problem" | keyof typeof ATTRIBUTION_LABELS>, string>;
  /**
   * The row's labels: `list` the column carried through the grouping, `groupKey(column)` how rows with
   * the same labels are grouped, `value(column, key)` one label's value out of the carried column. Read
   * once per group instead of once per row: the same few label sets repeat on millions of rows.
   */
  labels: { list: string; groupKey: (column: string) => string; value: (column: string, key: string) => string };
  cost: string;
  /** The row's list cost; where the row has none, its cost before credits stands for it. */
  costAtList: string;
  /** True where the row has no list cost of its own (older exports, rows without a list price). */
  listMissing: string;
  credits: string;
  usageInPricingUnits: string;
  conversionRate: string;
  /** Required columns in the order they are checked: the first one null names the row's problem. */
  required: { column: string; expr: string }[];
  rowIdentity: string | null;
  exportTime: string | null;
}

/**
 * The Cloud Billing export's columns (standard `gcp_billing_export_v1_*` and detailed
 * `gcp_billing_export_resource_v1_*`), for a source whose top-level columns are `present`: the
 * standard export has no `resource`, and older exports lack `cost_at_list` or `system_labels`.
 */
export function exportRowExpressions(dialect: SqlDialect, present: ReadonlySet<string>): RowExpressions {
  const has = (column: string) => present.has(column);
  const or = (column: string, expr: string) => (has(column) ? expr : "NULL");
  const cost = or("cost", dialect.float("cost"));
  const row: RowExpressions = {
    keys: {
      invoiceMonth: or("invoice", dialect.text("invoice.month")),
      projectId: or("project", "project.id"),
      costType: or("cost_type", "cost_type"),
      currency: or("currency", "currency"),
      service: or("service", "service.description"),
      skuId: or("sku", "sku.id"),
      skuDescription: or("sku", "sku.description"),
      resourceName: or("resource", "resource.name"),
      resourceGlobalName: or("resource", "resource.global_name"),
      usagePricingUnit: or("usage", "usage.pricing_unit"),
      region: or("location", "location.region"),
    },
    labels: has("labels") ? { list: "labels", groupKey: (column) => dialect.groupable(column), value: (column, key) => dialect.labelValue(column, key) } : { list: "NULL", groupKey: () => "NULL", value: () => "NULL" },
    cost,
    // Not required: exports from before the column existed lack it, and a row without a list price
    // (a tax, a rounding error) may hold null. Such a row's cost before credits stands for its list
    // cost, as FOCUS defines ListCost for a charge without a list unit price; the report counts them.
    costAtList: has("cost_at_list") ? `COALESCE(${dialect.float("cost_at_list")}, ${cost})` : cost,
    listMissing: has("cost_at_list") ? "cost_at_list IS NULL" : "TRUE",
    credits: or("credits", dialect.creditsTotal("credits")),
    usageInPricingUnits: or("usage", `COALESCE(${dialect.float("usage.amount_in_pricing_units")}, 0)`),
    conversionRate: or("currency_conversion_rate", dialect.float("currency_conversion_rate")),
    required: [
      { column: "invoice.month", expr: or("invoice", "invoice.month") },
      { column: "cost", expr: or("cost", "cost") },
      { column: "currency", expr: or("currency", "currency") },
      { column: "cost_type", expr: or("cost_type", "cost_type") },
    ],
    rowIdentity: null,
    exportTime: has("export_time") ? dialect.text("export_time") : null,
  };
  // The same charge exported again (late data, a correction) keeps every identifying column and
  // gets a later export_time; only the latest version counts. A row lacking a required value has
  // an identity of its own (its problem is part of it), so it surfaces instead of hiding behind a
  // complete copy.
  if (has("export_time")) {
    row.rowIdentity = dialect.rowIdentity([
      or("billing_account_id", "billing_account_id"),
      or("service", "service.id"),
      or("sku", "sku.id"),
      or("usage_start_time", "usage_start_time"),
      or("usage_end_time", "usage_end_time"),
      or("project", "project.id"),
      or("location", "location.location"),
      or("location", "location.zone"),
      or("resource", "resource.name"),
      or("resource", "resource.global_name"),
      or("cost_type", "cost_type"),
      or("invoice", "invoice.month"),
      or("labels", dialect.groupable("labels")),
      or("adjustment_info", "adjustment_info.id"),
      // Rows alike in all the above that are still different charges of one export: one row per
      // price tier of a SKU (Google: "three pricing tiers ... will display three rows"), per
      // consumption model, seller or subscription.
      or("price", "price.tier_start_amount"),
      or("consumption_model", "consumption_model.id"),
      or("transaction_type", "transaction_type"),
      or("seller_name", "seller_name"),
      or("subscription", "subscription.instance_id"),
      problemSql(row),
    ]);
  }
  return row;
}

/**
 * The whole aggregation over `source` (a table or a table function) as the dialect's SQL, reading
 * the source once: rows projected to what attribution needs, each with a 64-bit key of its line
 * (the keys, labels and problem it is summed under); one grouping pass that forms two groupings at
 * once, the latest copy of each row identity (its line key and figures only: a re-exported row
 * counts once) and the lines themselves (their keys and label set); then the latest copies summed
 * into their lines, and the labels read from each line's set.
 */
export function aggregationSql(dialect: SqlDialect, source: string, row: RowExpressions): string {
  const rawKeys = Object.keys(row.keys) as (keyof RowExpressions["keys"])[];
  const keyColumns = rawKeys.map(column);
  const toUsd = (expr: string) => `CASE WHEN currency_code = 'USD' THEN ${expr} ELSE ${expr} / conversion_rate END`;
  const selectRow = [
    ...rawKeys.map((key) => `${row.keys[key]} AS ${column(key)}`),
    `${row.labels.list} AS labels_list`,
    `${problemSql(row)} AS problem`,
    `${row.keys.currency} AS currency_code`,
    `${row.conversionRate} AS conversion_rate`,
    `${row.cost} AS cost_raw`,
    `${row.costAtList} AS cost_at_list_raw`,
    `CASE WHEN ${row.listMissing} THEN 1 ELSE 0 END AS list_missing`,
    `${row.credits} AS credits_raw`,
    `${row.usageInPricingUnits} AS usage_raw`,
    `${row.rowIdentity ?? "0"} AS row_identity`,
    `${row.exportTime ?? "''"} AS export_time_text`,
  ];
  const labelColumns = (Object.entries(ATTRIBUTION_LABELS) as [keyof typeof ATTRIBUTION_LABELS, string][]).map(([field, key]) => `${row.labels.value("labels_list", key)} AS ${column(field)}`);
  const output = (from: string) => `SELECT ${[...keyColumns, ...labelColumns, "problem", ...Object.values(SUM_COLUMNS)].join(", ")} FROM ${from}`;
  if (!row.rowIdentity) {
    // No export time (FOCUS): every row counts, so the lines are summed straight from the rows.
    const groupColumns = [...keyColumns, `${row.labels.groupKey("labels_list")} AS labels_key`, "problem"];
    return [
      `WITH billed_rows AS (SELECT ${selectRow.join(", ")} FROM ${source}),`,
      `grouped AS (SELECT ${groupColumns.join(", ")}, ANY_VALUE(labels_list) AS labels_list,`,
      `  SUM(${toUsd("COALESCE(cost_raw, 0)")}) AS cost,`,
      `  SUM(${toUsd("COALESCE(cost_at_list_raw, 0)")}) AS cost_at_list,`,
      `  SUM(${toUsd("credits_raw")}) AS credits,`,
      `  SUM(usage_raw) AS usage_in_pricing_units,`,
      `  COUNT(*) AS row_count,`,
      `  SUM(CASE WHEN currency_code = 'USD' THEN 0 ELSE 1 END) AS converted_rows,`,
      `  SUM(list_missing) AS list_from_cost_rows`,
      `  FROM billed_rows GROUP BY ${Array.from({ length: groupColumns.length }, (_, index) => index + 1).join(", ")})`,
      output("grouped"),
    ].join("\n");
  }
  // What the latest copy of an identity carries: its line's key and its figures (in USD), not the
  // row's dozen keys and labels list, so a million identities stay a few dozen bytes each.
  const figures = ["cost_usd", "cost_at_list_usd", "credits_usd", "usage_raw", "list_missing"];
  const latestCopy = dialect.latest(dialect.record(Object.fromEntries(["line_key", ...figures].map((name) => [name, name]))), "export_time_text");
  // A line's own keys, read back from its group; the labels list is the group key itself where the
  // engine groups by a list (DuckDB), else carried beside its text (BigQuery groups by JSON text).
  const labelsGroupKey = row.labels.groupKey("labels_list");
  const lineLabels = labelsGroupKey === "labels_list" ? "labels_key AS labels_list" : "ANY_VALUE(labels_list) AS labels_list";
  const lineRecord = dialect.record(Object.fromEntries([...keyColumns, "labels_list", "problem"].map((name) => [name, name])));
  const ofLatest = (expr: string) => `CASE WHEN of_lines = 0 THEN ${expr} END`;
  return [
    `WITH billed_rows AS (SELECT ${selectRow.join(", ")} FROM ${source}),`,
    // An empty labels list and a missing one hash alike in DuckDB: the line key tells them apart.
    `keyed_rows AS (SELECT *, ${labelsGroupKey} AS labels_key, ${dialect.lineKey([...keyColumns, "labels_list", "labels_list IS NULL", "problem"])} AS line_key,`,
    `  ${toUsd("COALESCE(cost_raw, 0)")} AS cost_usd, ${toUsd("COALESCE(cost_at_list_raw, 0)")} AS cost_at_list_usd, ${toUsd("credits_raw")} AS credits_usd`,
    `  FROM billed_rows),`,
    // Grouping set 1: one row per identity, the copies of a row exported again reduced to the latest
    // export's. Grouping set 2: one row per line.
    `groupings AS (SELECT GROUPING(row_identity) AS of_lines, line_key, ${keyColumns.join(", ")}, problem, ${lineLabels},`,
    `  ${latestCopy} AS latest_copy`,
    `  FROM keyed_rows GROUP BY GROUPING SETS ((row_identity), (line_key, ${keyColumns.join(", ")}, labels_key, problem))),`,
    // Each latest copy summed into its line, the line's keys taken from the line's own row.
    `lines AS (SELECT ${dialect.latest(lineRecord, "of_lines")} AS line,`,
    `  SUM(${ofLatest("latest_copy.cost_usd")}) AS cost,`,
    `  SUM(${ofLatest("latest_copy.cost_at_list_usd")}) AS cost_at_list,`,
    `  SUM(${ofLatest("latest_copy.credits_usd")}) AS credits,`,
    `  SUM(${ofLatest("latest_copy.usage_raw")}) AS usage_in_pricing_units,`,
    `  COUNT(${ofLatest("1")}) AS row_count,`,
    `  SUM(${ofLatest("latest_copy.list_missing")}) AS list_from_cost_rows`,
    `  FROM groupings GROUP BY CASE WHEN of_lines = 1 THEN line_key ELSE latest_copy.line_key END),`,
    // A line's rows share its currency: all of them were converted, or none.
    `grouped AS (SELECT line.*, cost, cost_at_list, credits, usage_in_pricing_units, row_count, CASE WHEN line.currency = 'USD' THEN 0 ELSE row_count END AS converted_rows, list_from_cost_rows FROM lines)`,
    output("grouped"),
  ].join("\n");
}

/**
 * The first required column a row lacks, as SQL (null when the row is complete): a missing
 * `invoice.month` or `cost`, or a row in another currency without a conversion rate.
 */
export function problemSql(row: RowExpressions): string {
  return `CASE ${[
    ...row.required.map(({ column, expr }) => `WHEN ${expr} IS NULL THEN ${sqlString(column)}`),
    `WHEN ${row.keys.currency} <> 'USD' AND (${row.conversionRate} IS NULL OR ${row.conversionRate} = 0) THEN 'currency_conversion_rate'`,
  ].join(" ")} END`;
}

/** A key's column name in the SQL (snake case of the TypeScript field). */
export function column(key: keyof BilledLineKey): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The sums' column names, in BilledLine's terms. */
export const SUM_COLUMNS = {
  cost: "cost",
  costAtList: "cost_at_list",
  credits: "credits",
  usageInPricingUnits: "usage_in_pricing_units",
  rows: "row_count",
  convertedRows: "converted_rows",
  listFromCostRows: "list_from_cost_rows",
} as const;

/**
 * FOCUS 1.0–1.2 columns, as the specification names them and as Google's FOCUS view of the export
 * fills them (the view's template: ContractedCost = `cost` before credits, the credits in `x_Credits`,
 * ChargeCategory and ChargeClass in lower case, SubAccountId = the billing account and the project
 * in `x_Project`, Tags a list of key/value records, `x_CostType`, `x_CurrencyConversionRate`).
 * Credits are `ChargeCategory` "Credit" rows (the specification) plus each row's `x_Credits`
 * (Google's view); taxes are "Tax", corrections "Adjustment" or `ChargeClass` "Correction". A row
 * exported again is counted once by `x_ExportTime` where the file has it (Google's view); without
 * it every row counts. `columns` are the source's
 * column names and DuckDB types: FOCUS files are read by DuckDB only (--bigquery reads the export).
 */
export function focusRowExpressions(dialect: SqlDialect, columns: ReadonlyMap<string, string>): RowExpressions {
  const or = (name: string, expr: string) => (columns.has(name) ? expr : "NULL");
  const typeOf = (name: string) => columns.get(name) ?? "";
  const isRecordList = (name: string) => /^STRUCT\(.*\)\[\]$/i.test(typeOf(name));
  const category = "UPPER(ChargeCategory)";
  const isCredit = `${category} = 'CREDIT'`;
  const billed = dialect.float("BilledCost");
  const periodText = dialect.text("BillingPeriodStart");
  const fromCategory = `CASE WHEN ${category} = 'TAX' THEN 'tax' WHEN ${category} = 'ADJUSTMENT'${columns.has("ChargeClass") ? " OR UPPER(ChargeClass) = 'CORRECTION'" : ""} THEN 'adjustment' ELSE 'regular' END`;
  // Google's view carries the export's own cost_type (which keeps rounding_error apart).
  const costType = columns.has("x_CostType") ? `COALESCE(NULLIF(LOWER(x_CostType), ''), ${fromCategory})` : fromCategory;
  // The project's id in an x_Project record (Google's view: its SubAccountId is the billing account).
  const projectRecordHasId = /^STRUCT\((.*, )?"?id"? /i.test(typeOf("x_Project"));
  const project = projectRecordHasId ? `COALESCE(x_Project.id, ${or("SubAccountId", "SubAccountId")})` : or("SubAccountId", "SubAccountId");
  // Google's view template: the project record and the credits in x_Credits (its PricingQuantity is not the usage).
  const viewOfExport = /^STRUCT\(/i.test(typeOf("x_Project")) && columns.has("x_Credits");
  // x_Credits: a list of records in Parquet, JSON text in CSV.
  const rowCredits = !columns.has("x_Credits")
    ? "0"
    : isRecordList("x_Credits")
      ? dialect.creditsTotal("x_Credits")
      : `COALESCE(list_sum(list_transform(json_extract(x_Credits, '$[*]'), c -> CAST(COALESCE(c->>'Amount', c->>'amount') AS DOUBLE))), 0)`;
  // Copies of Google's template differ on BilledCost: `cost` alone, or `cost` plus its credits.
  // Both set ContractedCost to `cost`, so where x_Credits holds the credits the cost before them is
  // ContractedCost (BilledCost less x_Credits without it), and the credits are never counted twice.
  const gross = !columns.has("x_Credits") ? billed : `COALESCE(${or("ContractedCost", dialect.float("ContractedCost"))}, ${billed} - (${rowCredits}))`;
  return {
    keys: {
      // YYYYMM of the billing period's start, whether the column is a timestamp (read in UTC) or ISO text.
      invoiceMonth: `CONCAT(SUBSTR(${periodText}, 1, 4), SUBSTR(${periodText}, 6, 2))`,
      projectId: project,
      costType,
      currency: "BillingCurrency",
      service: or("ServiceName", "ServiceName"),
      skuId: or("SkuId", dialect.text("SkuId")),
      skuDescription: or("ChargeDescription", "ChargeDescription"),
      resourceName: or("ResourceName", "ResourceName"),
      resourceGlobalName: or("ResourceId", "ResourceId"),
      usagePricingUnit: or("PricingUnit", "PricingUnit"),
      region: or("RegionId", "RegionId"),
    },
    labels: focusTags(dialect, typeOf("Tags")),
    cost: `CASE WHEN ${isCredit} THEN 0 ELSE ${gross} END`,
    costAtList: columns.has("ListCost") ? `COALESCE(${dialect.float("ListCost")}, ${gross})` : gross,
    listMissing: columns.has("ListCost") ? "ListCost IS NULL" : "TRUE",
    credits: `CASE WHEN ${isCredit} THEN ${billed} ELSE ${rowCredits} END`,
    usageInPricingUnits: viewOfExport ? consumedInPricingUnits(dialect, columns) : or("PricingQuantity", `COALESCE(${dialect.float("PricingQuantity")}, 0)`),
    conversionRate: or("x_CurrencyConversionRate", dialect.float("x_CurrencyConversionRate")),
    required: [
      { column: "BillingPeriodStart", expr: "BillingPeriodStart" },
      { column: "BilledCost", expr: "BilledCost" },
      { column: "BillingCurrency", expr: "BillingCurrency" },
      { column: "ChargeCategory", expr: "ChargeCategory" },
    ],
    // Google's view is a SELECT over the export, so a row exported again is there twice; its
    // x_ExportTime tells the copies apart as export_time does (the same identifying columns).
    rowIdentity: columns.has("x_ExportTime")
      ? dialect.rowIdentity(
          ["BillingAccountId", "x_ServiceId", "ServiceName", "SkuId", "ChargeDescription", "ChargePeriodStart", "ChargePeriodEnd", "x_Location", "AvailabilityZone", "RegionId", "ResourceName", "ResourceId", "x_CostType", "ChargeCategory", "ChargeClass", "BillingPeriodStart"]
            .map((name) => or(name, name))
            .concat(project, columns.has("Tags") ? focusTags(dialect, typeOf("Tags")).groupKey("Tags") : "NULL"),
        )
      : null,
    exportTime: columns.has("x_ExportTime") ? dialect.text("x_ExportTime") : null,
  };
}

/**
 * The usage in pricing units of a row of Google's FOCUS view. Its template fills PricingQuantity
 * with the export's `price.pricing_unit_quantity`, the quantity the SKU's price is quoted for (1
 * for "per hour", 1000000 for "per million requests"), not the usage; ConsumedQuantity is
 * `usage.amount` in `usage.unit`. It is converted where the units' definitions alone fix the
 * factor (seconds to hours, bytes to GiB, byte-seconds to GiB-hours); otherwise it is unknown (0:
 * no price is learned from it and no usage file states it).
 */
function consumedInPricingUnits(dialect: SqlDialect, columns: ReadonlyMap<string, string>): string {
  if (!columns.has("ConsumedQuantity") || !columns.has("ConsumedUnit") || !columns.has("PricingUnit")) return "0";
  const consumed = dialect.float("ConsumedQuantity");
  const gib = 1024 ** 3;
  return `COALESCE(CASE WHEN ConsumedUnit = PricingUnit THEN ${consumed} WHEN ConsumedUnit = 'seconds' AND PricingUnit = 'hour' THEN ${consumed} / 3600 WHEN ConsumedUnit = 'bytes' AND PricingUnit = 'gibibyte' THEN ${consumed} / ${gib} WHEN ConsumedUnit = 'byte-seconds' AND PricingUnit = 'gibibyte hour' THEN ${consumed} / ${gib * 3600} END, 0)`;
}

/**
 * FOCUS `Tags` by how the file holds it: a map (Parquet written by other tools), a list of
 * key/value records (Google's FOCUS view, which BigQuery extracts as a list: it has no map type),
 * or JSON text in CSV: the specification's object (`{"env": "prod", "valueless": true}`) or, from
 * a view extracted with TO_JSON_STRING, an array of key/value records.
 */
function focusTags(dialect: SqlDialect, type: string): RowExpressions["labels"] {
  if (type === "") return { list: "NULL", groupKey: () => "NULL", value: () => "NULL" };
  if (/^MAP/i.test(type)) return { list: "Tags", groupKey: (column) => dialect.text(column), value: (column, key) => dialect.mapValue(column, key) };
  if (/^STRUCT\(.*\)\[\]$/i.test(type)) return { list: "Tags", groupKey: (column) => dialect.groupable(column), value: (column, key) => dialect.labelValue(column, key) };
  const fromArray = (column: string, key: string) =>
    `list_filter(json_extract(${column}, '$[*]'), t -> COALESCE(t->>'key', t->>'Key') = ${sqlString(key)})[1]`;
  return {
    list: "Tags",
    groupKey: (column) => column,
    value: (column, key) =>
      `CASE WHEN json_type(${column}) = 'ARRAY' THEN COALESCE(${fromArray(column, key)}->>'value', ${fromArray(column, key)}->>'Value') ELSE ${dialect.jsonValue(column, key)} END`,
  };
}

/** The FOCUS columns a file must have (the rest are read when present). */
export const FOCUS_REQUIRED_COLUMNS = ["BilledCost", "ListCost", "BillingPeriodStart", "ChargeCategory", "BillingCurrency", "SubAccountId"] as const;

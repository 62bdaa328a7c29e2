/**
 * What either engine (DuckDB over files, BigQuery over the export table) hands back: the bill
 * summed by every key attribution needs, one line per distinct key. A leaf module (types only).
 */

/** The keys a billed line is summed by (strings as the export spells them; null where absent). */
export interface BilledLineKey {
  /** YYYYMM: `invoice.month` (FOCUS: `BillingPeriodStart`), the month of the invoice, never of the usage. */
  invoiceMonth: string | null;
  projectId: string | null;
  /** `regular`, `tax`, `adjustment`, `rounding_error` (FOCUS: from `ChargeCategory`). */
  costType: string | null;
  /** The row's own currency (sums are already converted to USD). */
  currency: string | null;
  service: string | null;
  skuId: string | null;
  skuDescription: string | null;
  /** `resource.name` (FOCUS: `ResourceName`). */
  resourceName: string | null;
  /** `resource.global_name` (FOCUS: `ResourceId`). */
  resourceGlobalName: string | null;
  /** The labels attribution reads: GKE's and the program's own cost labels. */
  clusterLabel: string | null;
  nodePoolLabel: string | null;
  teamLabel: string | null;
  envLabel: string | null;
  componentLabel: string | null;
  blockchainNodeLabel: string | null;
  usagePricingUnit: string | null;
  /** `location.region` (FOCUS: `RegionId`): where a SKU's effective price holds. */
  region: string | null;
  /** The first required column a row of this line lacks (null: the rows are complete). */
  problem: string | null;
}

export interface BilledLine extends BilledLineKey {
  /** Sum of `cost` in USD (converted with `currency_conversion_rate` where the row is in another currency), before credits. */
  cost: number;
  /** Sum of `cost_at_list` in USD. */
  costAtList: number;
  /** Sum of the rows' credit amounts in USD (negative). */
  credits: number;
  /** Sum of `usage.amount_in_pricing_units` (FOCUS: `PricingQuantity`). */
  usageInPricingUnits: number;
  /** Rows summed (after re-exported rows were reduced to their latest `export_time`). */
  rows: number;
  /** Rows among them converted from another currency. */
  convertedRows: number;
  /** Rows among them without a list cost of their own, counted at their cost before credits. */
  listFromCostRows: number;
}

/** The key fields in one order: the aggregation's GROUP BY and the engines' row readers share it. */
export const BILLED_LINE_KEYS: readonly (keyof BilledLineKey)[] = [
  "invoiceMonth",
  "projectId",
  "costType",
  "currency",
  "service",
  "skuId",
  "skuDescription",
  "resourceName",
  "resourceGlobalName",
  "clusterLabel",
  "nodePoolLabel",
  "teamLabel",
  "envLabel",
  "componentLabel",
  "blockchainNodeLabel",
  "usagePricingUnit",
  "region",
  "problem",
];

/** The summed fields, in the order the aggregation selects them. */
export const BILLED_LINE_SUMS = ["cost", "costAtList", "credits", "usageInPricingUnits", "rows", "convertedRows", "listFromCostRows"] as const;

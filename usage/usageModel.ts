/**
 * What usage-based pricing reports (usage/priceUsage.ts): one line per figure a usage file states
 * or a stated workload's volume claim, the usage-bearing resources nobody stated usage for, and the
 * totals. A leaf module (types only), so the review model and every renderer read it without
 * depending on the pricing.
 */

/** What a usage line is spent on: traffic and data processed, or storage no declared resource holds. */
export type UsageCategory = "network usage" | "stated volumes" | "usage adjustment";

export interface UsageLine {
  /** The resource or stated workload, as the usage file addresses it (name, or <pool>/<workload>). */
  resource: string;
  type: string;
  side: "before" | "after";
  category: UsageCategory;
  /** The usage key (inter_zone_egress_gb, internet_egress_gb.europe, nodes, volumeClaims.data ...). */
  key: string;
  /** What is priced, e.g. "internet egress to europe (worldwide tier prices)". */
  description: string;
  quantity: number;
  unit: string;
  /** USD per unit; for a tiered price, the billing account's blended rate. */
  unitPrice: number;
  monthly: number;
  /** "source: ..." or "inferred: ..." of the figure, and where it is stated (file and key). */
  source: string;
}

/** A resource that may bill for usage (traffic, data processed) with none stated for it. */
export interface UsageNotStated {
  resource: string;
  type: string;
  sides: ("before" | "after")[];
  /** Set when usage was stated but cannot be priced (the resource itself is unpriced): why. */
  reason?: string;
}

export interface StackUsage {
  /** The usage file read, as shown; undefined when the stack has none. */
  file?: string;
  lines: UsageLine[];
  notStated: UsageNotStated[];
  /** USD a month of the usage lines per side. */
  totals: { before: number; after: number };
}

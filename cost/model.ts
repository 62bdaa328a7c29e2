/**
 * The cost model every reader shares: what a pricing rule returns and what the engine makes of it.
 * A leaf module (no imports), so rules, engine, review, report, policies and opportunities can all
 * depend on it without depending on each other.
 */
/** What a cost component is spent on; groups the review's chart. */
export type CostCategory = "compute" | "storage" | "cluster management" | "networking";

export interface CostComponent {
  name: string;
  quantity: number;
  unit: string;
  /** USD per unit. */
  unitPrice: number;
  /** USD per month (quantity x unitPrice). */
  monthly: number;
  category?: CostCategory;
}

export interface PricedResource {
  urn: string;
  type: string;
  name: string;
  status: "priced" | "free" | "unpriced";
  /** USD per month; 0 unless priced. */
  monthly: number;
  components: CostComponent[];
  assumptions: string[];
  unpricedReason?: string;
  /** Short human shape, e.g. "n1-standard-4 x10" or "pd-ssd 7348 GiB". */
  summary?: string;
  /**
   * Machine-readable shape for other tools (the policy pack): machineType, nodes, nodesMax,
   * vcpuPerNode, memoryGbPerNode, diskType, diskGb, zones, spot, region ... as the rule knows them.
   */
  facts?: Record<string, unknown>;
  /**
   * Set when an attribute is not a valid value at all (a machine type no catalog region sells, a
   * fractional node count): the CLI turns it into a bad-input error naming the field, which is
   * "inputs.<path>" or "outputs.<path>" where the value sits (a bare path means inputs).
   */
  invalidInput?: { field: string; message: string };
}

/** What a pricing rule says about one resource; the engine turns it into a PricedResource. */
export interface RuleOutcome {
  status: "priced" | "free" | "unpriced";
  components?: CostComponent[];
  assumptions?: string[];
  unpricedReason?: string;
  summary?: string;
  facts?: Record<string, unknown>;
  invalidInput?: { field: string; message: string };
}

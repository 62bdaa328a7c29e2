/**
 * The cost model every reader shares: what a resource reader returns, what a pricer returns, and
 * what the engine makes of them. A leaf module (types only, from the leaf cost/shapes.ts), so
 * readers, pricers, engine, review, report, policies and opportunities can all depend on it without
 * depending on each other.
 */
import type { ResourceShape } from "./shapes";

export type { ResourceShape } from "./shapes";
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
   * What the resource is for the bill (machine type, nodes, zones, disks, region ...), as its reader
   * made it: what rightsizing, the budget report and the policy pack's ceilings read, and what a
   * "what if" changes before pricing it again (cost/engine.ts priceWhatIf). Set when priced.
   */
  shape?: ResourceShape;
  /**
   * Set when an attribute is not a valid value at all (a machine type no catalog region sells, a
   * fractional node count): the CLI turns it into a bad-input error naming the field, which is
   * "inputs.<path>" or "outputs.<path>" where the value sits (a bare path means inputs).
   */
  invalidInput?: InvalidInput;
}

/** A value no GCP resource can have, with the field it sits in ("inputs.<path>" or "outputs.<path>"). */
export interface InvalidInput {
  field: string;
  message: string;
}

/** What a reader (cost/readers/) makes of one resource: a shape to price, or free/unpriced and why. */
export type ReadOutcome =
  | {
      status: "shape";
      shape: ResourceShape;
      assumptions: string[];
      /** A summary the shape alone does not say ("internal load balancer"); else the pricer's. */
      summary?: string;
    }
  | {
      status: "free" | "unpriced";
      assumptions?: string[];
      unpricedReason?: string;
      summary?: string;
      invalidInput?: InvalidInput;
    };

/** What a pricer (cost/pricers/) makes of a shape with the catalog. */
export type PricerOutcome =
  | { status: "priced"; components: CostComponent[]; assumptions: string[]; summary: string }
  | { status: "unpriced"; unpricedReason: string; assumptions: string[] };

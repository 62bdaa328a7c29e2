/** The contract of a pricing rule: one resource (plus the graph it sits in) -> cost components. */
import { ResourceRecord } from "../../graph/resourceRecord";
import { PriceCatalog } from "../../catalog/catalog";
import { CostComponent } from "../engine";
import type { ResourceGraph } from "../resourceGraph";
import { ResourceAttributes } from "../resourceAttributes";

export interface RuleOutcome {
  status: "priced" | "free" | "unpriced";
  components?: CostComponent[];
  assumptions?: string[];
  unpricedReason?: string;
  summary?: string;
  facts?: Record<string, unknown>;
  invalidInput?: { field: string; message: string };
}

/** What a rule may consult besides its own resource. */
export interface PricingContext {
  catalog: PriceCatalog;
  graph: ResourceGraph;
  attributes(record: ResourceRecord): ResourceAttributes;
}

export type PricingRule = (record: ResourceRecord, context: PricingContext) => RuleOutcome;

/** The contract of a pricing rule: one resource (plus the graph it sits in) -> cost components. */
import { ResourceRecord } from "../../graph/resourceRecord";
import type { RuleOutcome } from "../model";
import type { PricingContext } from "../resourceGraph";

export type { RuleOutcome } from "../model";
export type { PricingContext } from "../resourceGraph";

export type PricingRule = (record: ResourceRecord, context: PricingContext) => RuleOutcome;

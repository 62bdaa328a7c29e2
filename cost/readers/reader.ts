/** The contract of a resource reader: one resource (plus the graph it sits in) -> a typed shape, or free/unpriced and why. */
import { ResourceRecord } from "../../graph/resourceRecord";
import type { ReadOutcome } from "../model";
import type { PricingContext } from "../resourceGraph";

export type { ReadOutcome } from "../model";
export type { PricingContext } from "../resourceGraph";

export type ResourceReader = (record: ResourceRecord, context: PricingContext) => ReadOutcome;

/** "not priced: <field> is unknown until apply" (or a secret the document does not reveal). */
export function opaqueFieldReason(field: string, secret: boolean, suffix = ""): string {
  return `not priced: ${field} ${secret ? "is a secret the document does not reveal" : "is unknown until apply"}${suffix}`;
}

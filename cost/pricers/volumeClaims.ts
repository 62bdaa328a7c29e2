/** Prices a VolumeClaimsShape: each claim template's disk, once per replica. */
import { PriceCatalog } from "../../catalog/catalog";
import type { CostComponent, PricerOutcome } from "../model";
import type { VolumeClaimsShape } from "../shapes";
import { priceDiskStorage } from "./diskStorage";

export function priceVolumeClaims(shape: VolumeClaimsShape, catalog: PriceCatalog): PricerOutcome {
  const components: CostComponent[] = [];
  const summaries: string[] = [];
  for (const claim of shape.claims) {
    const outcome = priceDiskStorage(claim, catalog);
    if (outcome.status !== "priced") return { status: "unpriced", unpricedReason: `${claim.label}: ${outcome.unpricedReason}`, assumptions: [] };
    components.push(...outcome.components);
    summaries.push(outcome.summary);
  }
  return { status: "priced", components, assumptions: [], summary: `volume claims ${summaries.join(", ")}` };
}

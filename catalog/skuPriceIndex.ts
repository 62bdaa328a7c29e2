/**
 * The SKUs read, indexed by the figure they price and the region ("machine|n1|core|onDemand|us-east1").
 * Building the catalog only looks figures up; the index is where unusable SKUs (no price, wrong
 * unit, two SKUs disagreeing on one figure) are set aside and noted for the coverage report, and
 * where the SKUs that went into a refreshed price are counted.
 */
import type { Sku } from "./billingApi";
import type { PriceCoverage } from "./priceCoverage";
import { EXPECTED_UNIT, classifySku, unitPriceOf, type SkuPrice } from "./skuClassification";

/** One figure and the SKUs that give it; `conflict` when they disagree, which makes it unusable. */
export interface IndexedPrice {
  price: number;
  skuIds: string[];
  conflict?: string;
}

/** Prices keyed by what they price and the region, e.g. "machine|n1|core|onDemand|us-east1". */
export class SkuPriceIndex {
  readonly prices = new Map<string, IndexedPrice>();
  readonly skipped: PriceCoverage["skipped"] = [];
  readonly usedSkuIds = new Set<string>();
  readonly converted: PriceCoverage["converted"] = [];

  add(sku: Sku): void {
    const description = sku.description ?? "";
    const what = classifySku(description, sku.category?.usageType ?? "");
    if (!what) return;
    const priced = unitPriceOf(sku);
    const skuId = sku.skuId ?? sku.name ?? "?";
    if ("error" in priced) {
      this.skipped.push({ skuId, description, reason: priced.error });
      return;
    }
    if (priced.convertedFrom) this.converted.push({ skuId, description, from: priced.convertedFrom });
    const expectedUnit = EXPECTED_UNIT[what.kind === "machine" ? what.resource : what.kind];
    if (priced.unit !== expectedUnit) {
      this.skipped.push({ skuId, description, reason: `unit ${priced.unit}, expected ${expectedUnit}` });
      return;
    }
    for (const region of sku.serviceRegions ?? []) {
      const key = skuKey(what, region);
      const seen = this.prices.get(key);
      if (!seen) {
        this.prices.set(key, { price: priced.price, skuIds: [skuId] });
      } else if (seen.price !== priced.price) {
        // Two SKUs claiming one figure with different prices: neither can be trusted.
        seen.conflict = `SKUs ${seen.skuIds.join(", ")} and ${skuId} price ${key} differently`;
        this.skipped.push({ skuId, description, reason: seen.conflict });
      } else {
        seen.skuIds.push(skuId);
      }
    }
  }

  /** The price, or undefined when absent or conflicting; marks the SKUs used only via `markUsed`. */
  get(key: string): IndexedPrice | undefined {
    const found = this.prices.get(key);
    return found && !found.conflict ? found : undefined;
  }

  /** Counts the SKUs behind a figure that went into the refreshed catalog (the coverage's skusUsed). */
  markUsed(found: IndexedPrice): void {
    for (const id of found.skuIds) this.usedSkuIds.add(id);
  }
}

function skuKey(what: SkuPrice, region: string): string {
  switch (what.kind) {
    case "machine":
      return `machine|${what.family}|${what.resource}|${what.option}|${region}`;
    case "gpu":
      return `gpu|${what.model}|${what.option}|${region}`;
    case "disk":
      return `disk|${what.diskType}|${region}`;
    default:
      return `${what.kind}|${region}`;
  }
}

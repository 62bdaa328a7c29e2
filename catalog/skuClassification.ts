/**
 * What one SKU prices in the catalog's terms: its description and usage type say which figure
 * (a family's core or RAM price under a pricing option, a GPU, a disk, an address), its pricing
 * expression says how many USD per unit. Only the names and units Google uses live here, so a
 * change in how Google words its SKUs is a change to this module alone.
 */
import type { Sku } from "./billingApi";

/** How a machine is bought; the SKU's usage type says which. */
export type PricingOption = "onDemand" | "spot" | "commit1y" | "commit3y";
export const PRICING_OPTIONS: PricingOption[] = ["onDemand", "spot", "commit1y", "commit3y"];
const OPTION_BY_USAGE_TYPE: Record<string, PricingOption> = {
  OnDemand: "onDemand",
  Preemptible: "spot",
  Commit1Yr: "commit1y",
  Commit3Yr: "commit3y",
};

/** How the coverage report names a pricing option. */
export function optionLabel(option: PricingOption): string {
  return { onDemand: "on-demand", spot: "spot", commit1y: "1-year commitment", commit3y: "3-year commitment" }[option];
}

/** The catalog figure a SKU prices; the regions it holds in are the SKU's `serviceRegions`. */
export type SkuPrice =
  | { kind: "machine"; family: string; resource: "core" | "ram"; option: PricingOption }
  | { kind: "gpu"; model: string; option: PricingOption }
  | { kind: "disk"; diskType: string }
  | { kind: "staticIpUnused" }
  | { kind: "externalIpInUse" };

/** Words that mark an instance SKU that is not the predefined price of its family. */
const NOT_PREDEFINED = /Custom|Sole Tenancy|Premium|Reserved|Extended|Upgrade|Licen[cs]e|Confidential|Flex|Calendar/i;

/** Catalog family of a SKU's family label: "N1 Predefined" -> n1, "N2D AMD" -> n2d, "Compute optimized" -> c2. */
export function familyOfSkuLabel(label: string): string | undefined {
  const cleaned = label.replace(/\b(Predefined|AMD|Arm|Intel)\b/g, "").replace(/\s+/g, " ").trim();
  // N1 commitments and the two oldest optimized families carry no family code in their descriptions.
  if (cleaned === "") return "n1";
  if (/^Compute[ -]optimized$/i.test(cleaned)) return "c2";
  if (/^Memory[ -]optimized$/i.test(cleaned)) return "m1";
  const code = cleaned.split(" ")[0];
  return /^[A-Z]\d[A-Z]?$/i.test(code) ? code.toLowerCase() : undefined;
}

const INSTANCE_SKU = /^(?:Spot Preemptible |Preemptible )?(.*?)\s*(?:Instance )?(Core|Ram) running in .+$/;
const COMMITMENT_SKU = /^Commitment v1: (.*?)\s*(Cpu|Ram) in .+ for ([13]) Years?$/;
const GPU_SKU = /^(?:Commitment v1: )?Nvidia Tesla (A100(?: 80GB)?) GPU(?: attached to Spot Preemptible VMs)? (?:running )?in .+$/;
const DISK_SKU = /^(Regional )?(Storage|Balanced|SSD backed|Extreme) PD Capacity(?: in .+)?$/;
const DISK_TYPE_BY_SKU_LABEL: Record<string, string> = {
  Storage: "pd-standard",
  Balanced: "pd-balanced",
  "SSD backed": "pd-ssd",
  Extreme: "pd-extreme",
};

/** What a SKU prices in the catalog's terms, or undefined for SKUs the catalog has no figure for. */
export function classifySku(description: string, usageType: string): SkuPrice | undefined {
  const option = OPTION_BY_USAGE_TYPE[usageType];
  if (!option) return undefined;

  const gpu = GPU_SKU.exec(description);
  if (gpu) return { kind: "gpu", model: gpu[1], option };

  const commitment = COMMITMENT_SKU.exec(description);
  if (commitment) {
    const family = familyOfSkuLabel(commitment[1]);
    // The term in the description and the usage type must agree, or the SKU is not what it seems.
    const term: PricingOption = commitment[3] === "1" ? "commit1y" : "commit3y";
    if (!family || term !== option || NOT_PREDEFINED.test(commitment[1])) return undefined;
    return { kind: "machine", family, resource: commitment[2] === "Cpu" ? "core" : "ram", option };
  }

  const instance = INSTANCE_SKU.exec(description);
  if (instance && (option === "onDemand" || option === "spot")) {
    if (NOT_PREDEFINED.test(instance[1])) return undefined;
    const family = familyOfSkuLabel(instance[1]);
    if (!family) return undefined;
    return { kind: "machine", family, resource: instance[2] === "Core" ? "core" : "ram", option };
  }

  // Disks and addresses: only list prices matter; spot-attached local SSD and commitments are other figures.
  if (option !== "onDemand") return undefined;
  const disk = DISK_SKU.exec(description);
  if (disk) {
    const base = DISK_TYPE_BY_SKU_LABEL[disk[2]];
    return { kind: "disk", diskType: disk[1] ? `regional-${base}` : base };
  }
  if (/^SSD backed Local Storage(?: in .+)?$/.test(description)) return { kind: "disk", diskType: "local-ssd" };
  if (/^Storage PD Snapshot(?: in .+)?$/.test(description)) return { kind: "disk", diskType: "snapshot" };
  if (/^Static Ip Charge(?: in .+)?$/i.test(description)) return { kind: "staticIpUnused" };
  if (/^External IP Charge on a Standard VM(?: in .+)?$/i.test(description)) return { kind: "externalIpInUse" };
  return undefined;
}

/** The usage unit each kind of figure must be priced in; a SKU in another unit prices something else. */
export const EXPECTED_UNIT: Record<string, string> = {
  core: "h",
  ram: "GiBy.h",
  gpu: "h",
  disk: "GiBy.mo",
  staticIpUnused: "h",
  externalIpInUse: "h",
};

/**
 * USD per usage unit at the SKU's current price; the last tier, because that is what steady use pays.
 * A price in another currency is converted back with the SKU's own `currencyConversionRate`
 * (the API defines it as USD x rate = that currency).
 */
export function unitPriceOf(sku: Sku): { price: number; unit: string; convertedFrom?: string } | { error: string } {
  const info = sku.pricingInfo?.[sku.pricingInfo.length - 1];
  const expression = info?.pricingExpression;
  const tier = expression?.tieredRates?.[expression.tieredRates.length - 1];
  const money = tier?.unitPrice;
  if (!info || !expression || !money) return { error: "no pricing expression" };
  const amount = Number(String(money.units ?? 0)) + (money.nanos ?? 0) / 1e9;
  if (!Number.isFinite(amount) || amount < 0) return { error: `unreadable price ${JSON.stringify(money)}` };
  const unit = expression.usageUnit ?? "";
  const currency = money.currencyCode || "USD";
  if (currency === "USD") return { price: amount, unit };
  const rate = info.currencyConversionRate ?? 0;
  if (!(rate > 0)) return { error: `priced in ${currency} without a conversion rate to USD` };
  return { price: amount / rate, unit, convertedFrom: `${currency} at ${rate} per USD` };
}

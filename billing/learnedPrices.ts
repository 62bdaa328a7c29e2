/**
 * The account's own prices, learned from its bill: for each SKU and region, the effective unit
 * price is what was paid (cost + credits, so committed-use, sustained-use and negotiated discounts
 * count) over the usage in pricing units. Each SKU the catalog has a figure for (an N1 core or RAM
 * hour, a disk's GiB-month, the cluster fee, the forwarding-rule charge) replaces that figure in a
 * copy of the catalog; the rest of the catalog stays at list, and the bill's SKUs that price
 * nothing the catalog knows are counted, never silently dropped.
 */
import type { PriceCatalog } from "../catalog/catalog";
import { classifySku } from "../catalog/skuClassification";
import type { BilledLine } from "./billedLine";

/** One SKU's effective price in one region. */
export interface LearnedPrice {
  skuId: string | null;
  sku: string;
  region: string | null;
  pricingUnit: string;
  usage: number;
  billedNet: number;
  billedList: number;
  /** USD per pricing unit, net of credits. */
  effective: number;
  /** USD per pricing unit at list (`cost_at_list`). */
  list: number;
  /** The catalog figure it replaces, e.g. "n1 core on-demand us-east1". */
  replaces: string;
}

export interface LearnedCatalog {
  catalog: PriceCatalog;
  learned: LearnedPrice[];
  /** The bill's usage SKUs that replace no catalog figure (egress, logging, a family priced as a custom type), with why. */
  notLearned: { sku: string; reason: string }[];
}

/** The pricing unit each figure is learned in, as the export spells `usage.pricing_unit`. */
const UNIT = { hour: "hour", gibibyteHour: "gibibyte hour", gibibyteMonth: "gibibyte month" } as const;

interface SkuSum {
  skuId: string | null;
  sku: string;
  region: string | null;
  pricingUnit: string;
  usage: number;
  net: number;
  list: number;
}

/** Usage lines of `month` (every month when null) summed per SKU, region and pricing unit. */
function skuSums(lines: BilledLine[], month: string | null): SkuSum[] {
  const sums = new Map<string, SkuSum>();
  for (const line of lines) {
    if (line.costType !== "regular" || (month !== null && line.invoiceMonth !== month) || line.skuDescription === null) continue;
    const key = [line.skuId, line.skuDescription, line.region, line.usagePricingUnit].join("\u0000");
    const sum = sums.get(key) ?? { skuId: line.skuId, sku: line.skuDescription, region: line.region, pricingUnit: line.usagePricingUnit ?? "", usage: 0, net: 0, list: 0 };
    sum.usage += line.usageInPricingUnits;
    sum.net += line.cost + line.credits;
    sum.list += line.costAtList;
    sums.set(key, sum);
  }
  return [...sums.values()].sort((a, b) => a.sku.localeCompare(b.sku) || String(a.region).localeCompare(String(b.region)));
}

/** A copy deep enough to change prices in without touching the loaded catalog. */
function copyCatalog(catalog: PriceCatalog): PriceCatalog {
  return JSON.parse(JSON.stringify(catalog)) as PriceCatalog;
}

/**
 * The catalog with every figure the bill prices replaced by the account's effective price. A
 * machine family's hour prices are rebuilt from its learned core and RAM prices (both needed), and
 * its sustained-use discount set to 0 there: the learned price is already net of it.
 */
export function learnPrices(lines: BilledLine[], catalog: PriceCatalog, month: string | null): LearnedCatalog {
  const learnedCatalog = copyCatalog(catalog);
  const learned: LearnedPrice[] = [];
  const notLearned: LearnedCatalog["notLearned"] = [];
  const machineParts = new Map<string, { core?: number; ram?: number; option: "onDemand" | "spot"; family: string; region: string; sums: SkuSum[] }>();
  const take = (sum: SkuSum, replaces: string) =>
    learned.push({ skuId: sum.skuId, sku: sum.sku, region: sum.region, pricingUnit: sum.pricingUnit, usage: sum.usage, billedNet: sum.net, billedList: sum.list, effective: sum.net / sum.usage, list: sum.list / sum.usage, replaces });

  for (const sum of skuSums(lines, month)) {
    if (!(sum.usage > 0)) {
      notLearned.push({ sku: sum.sku, reason: "no usage in pricing units" });
      continue;
    }
    const region = sum.region;
    if (/Kubernetes Clusters$/.test(sum.sku) && sum.pricingUnit === UNIT.hour) {
      learnedCatalog.gke.clusterFeeHour = sum.net / sum.usage;
      take(sum, "GKE cluster fee per hour");
      continue;
    }
    if (/Forwarding Rule Minimum Service Charge/i.test(sum.sku) && sum.pricingUnit === UNIT.hour) {
      learnedCatalog.network.forwardingRuleFirstFiveHour = sum.net / sum.usage;
      take(sum, "forwarding rules 1-5 per hour");
      continue;
    }
    const usageType = /^(Spot )?Preemptible /.test(sum.sku) ? "Preemptible" : "OnDemand";
    const target = classifySku(sum.sku, usageType);
    if (!target || region === null) {
      notLearned.push({ sku: sum.sku, reason: region === null ? "no region on its rows" : "prices nothing the catalog holds" });
      continue;
    }
    if (target.kind === "disk" && sum.pricingUnit === UNIT.gibibyteMonth && learnedCatalog.disks[target.diskType]?.[region] !== undefined) {
      learnedCatalog.disks[target.diskType][region] = sum.net / sum.usage;
      take(sum, `${target.diskType} per GiB-month in ${region}`);
      continue;
    }
    if (target.kind === "machine" && (target.option === "onDemand" || target.option === "spot")) {
      const expected = target.resource === "core" ? UNIT.hour : UNIT.gibibyteHour;
      if (sum.pricingUnit !== expected) {
        notLearned.push({ sku: sum.sku, reason: `priced per ${sum.pricingUnit || "(no unit)"}, not per ${expected}` });
        continue;
      }
      const key = `${target.family}\u0000${target.option}\u0000${region}`;
      const parts = machineParts.get(key) ?? { option: target.option, family: target.family, region, sums: [] };
      parts[target.resource] = sum.net / sum.usage;
      parts.sums.push(sum);
      machineParts.set(key, parts);
      continue;
    }
    notLearned.push({ sku: sum.sku, reason: "prices nothing the catalog holds" });
  }

  for (const parts of machineParts.values()) {
    const option = parts.option === "spot" ? "spot" : "on-demand";
    if (parts.core === undefined || parts.ram === undefined) {
      for (const sum of parts.sums) notLearned.push({ sku: sum.sku, reason: `its family's ${parts.core === undefined ? "core" : "RAM"} SKU is not in the bill (a machine's hour needs both)` });
      continue;
    }
    for (const machine of Object.values(learnedCatalog.machineTypes)) {
      if (machine.family !== parts.family || !machine.prices[parts.region]) continue;
      const hour = machine.vcpu * parts.core + machine.memoryGb * parts.ram;
      if (parts.option === "spot") machine.prices[parts.region].hourSpot = hour;
      else machine.prices[parts.region].hour = hour;
    }
    if (parts.option === "onDemand") {
      // The catalog keeps one sustained-use discount per family: elsewhere it is folded into the list hour instead.
      const discount = learnedCatalog.sustainedUseDiscount[parts.family] ?? 0;
      for (const machine of Object.values(learnedCatalog.machineTypes)) {
        if (machine.family !== parts.family) continue;
        for (const [region, price] of Object.entries(machine.prices)) if (region !== parts.region) price.hour *= 1 - discount;
      }
      learnedCatalog.sustainedUseDiscount[parts.family] = 0;
    }
    for (const sum of parts.sums) take(sum, `${parts.family} ${/Ram/.test(sum.sku) ? "RAM per GiB-hour" : "core per hour"} ${option} in ${parts.region}`);
  }
  return { catalog: learnedCatalog, learned, notLearned };
}

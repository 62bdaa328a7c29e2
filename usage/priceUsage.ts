/**
 * Prices what the usage files state and what stated workloads claim, per stack and side, as lines
 * apart from the declared resources' prices: traffic by destination class, data processed by load
 * balancers and Cloud NAT, a node pool's or snapshot's stated size against the declared one, and
 * the stated workloads' own volume claims. Internet egress is tiered per billing account: the tier
 * is the account's month (every stack naming the account, one side at a time), so each line pays
 * the account's blended rate.
 */
import { InternetPriceClass, PriceCatalog, PriceTier } from "../catalog/catalog";
import { priceWhatIf } from "../cost/engine";
import type { PricedResource } from "../cost/model";
import { volumeClaimMonthly } from "./statedVolumes";
import type { ResourceRecord } from "../graph/resourceRecord";
import { statedDemandOf } from "../graph/statedPodGroup";
import type { ReadUsageFile } from "./readUsageFile";
import { ResolvedFigure, resolveUsage } from "./resolveUsage";
import { DEFAULT_BILLING_ACCOUNT, type InternetDestination } from "./usageKeys";
import type { StackUsage, UsageLine, UsageNotStated } from "./usageModel";
import { BILLING_USAGE_KEYS, KEYS_BY_KIND, UsageTarget, usageTargets } from "./usageTargets";

export interface UsageSide {
  records: ResourceRecord[];
  /** The engine's prices of the records, same order. */
  priced: PricedResource[];
}

export interface StackUsageInput {
  stack: string;
  usageFile?: ReadUsageFile;
  before: UsageSide | null;
  after: UsageSide;
  /** The sides hold only the changed resources (a preview without --show-sames): addresses they lack are not errors. */
  partial?: boolean;
}

type Side = "before" | "after";

/** Internet egress waiting for its account's tier. */
interface InternetItem {
  stackIndex: number;
  line: UsageLine;
  account: string;
  priceClass: InternetPriceClass;
  region: string;
}

/** Where Google's price list puts a destination continent. */
export function internetPriceClass(destination: InternetDestination): InternetPriceClass {
  return destination === "china" ? "china" : destination === "australia" ? "australia" : "worldwide";
}

/** USD for `gib` GiB over a month under tiers that start at `fromGib`. */
export function tieredCost(tiers: PriceTier[], gib: number): number {
  let cost = 0;
  tiers.forEach((tier, i) => {
    const upTo = tiers[i + 1]?.fromGib ?? Infinity;
    cost += Math.max(0, Math.min(gib, upTo) - tier.fromGib) * tier.usdPerGib;
  });
  return cost;
}

function flatLine(target: UsageTarget, side: Side, key: string, description: string, quantity: number, unitPrice: number, figure: ResolvedFigure): UsageLine {
  return { resource: target.address, type: target.type, side, category: "network usage", key, description, quantity, unit: "GB", unitPrice, monthly: quantity * unitPrice, source: figure.source };
}

/** A declared figure replaced by the stated one (a pool's nodes, a snapshot's stored GB): the difference, priced by the same pricer. */
function adjustmentLine(target: UsageTarget, side: Side, key: "nodes" | "storage_gb", figure: ResolvedFigure, catalog: PriceCatalog): UsageLine | undefined {
  const priced = target.priced;
  if (!priced || priced.status !== "priced" || !priced.shape) return undefined;
  const value = figure.value as number;
  const shape = priced.shape;
  let declared: number;
  let changed: PricedResource;
  if (key === "nodes" && shape.kind === "machineGroup") {
    declared = shape.nodes;
    changed = priceWhatIf(priced, (s) => ({ ...(s as typeof shape), nodes: value }), catalog);
  } else if (key === "storage_gb" && shape.kind === "diskStorage") {
    declared = shape.diskGb;
    changed = priceWhatIf(priced, (s) => ({ ...(s as typeof shape), diskGb: value }), catalog);
  } else return undefined;
  if (changed.status !== "priced") return undefined;
  const unit = key === "nodes" ? "nodes" : "GB";
  return {
    resource: target.address,
    type: target.type,
    side,
    category: "usage adjustment",
    key,
    description: `${key}: ${value} stated for the ${declared} declared (${priced.summary ?? target.type} priced at ${value} ${unit})`,
    quantity: value - declared,
    unit,
    unitPrice: value === declared ? 0 : (changed.monthly - priced.monthly) / (value - declared),
    monthly: changed.monthly - priced.monthly,
    source: figure.source,
  };
}

/** A stated workload's volume claims: one disk per pod, priced as the storage its class provisions. */
function volumeClaimLines(target: UsageTarget, side: Side, catalog: PriceCatalog): UsageLine[] {
  const group = target.group;
  if (!group?.volumeClaims) return [];
  const why = group.source !== undefined ? `source: ${group.source}` : `inferred: ${group.inferred ?? "not given"}`;
  return group.volumeClaims.flatMap((claim) => {
    const monthly = volumeClaimMonthly(group, claim, target.region, catalog);
    if (monthly === undefined) return [];
    return [{
      resource: target.address,
      type: target.type,
      side,
      category: "stated volumes" as const,
      key: `volumeClaims.${claim.name}`,
      description: `${group.replicas} x ${claim.sizeGiB} GiB ${claim.diskType} (storage class ${claim.storageClass})`,
      quantity: group.replicas * claim.sizeGiB,
      unit: "GiB",
      unitPrice: monthly / (group.replicas * claim.sizeGiB),
      monthly,
      source: `${why} (config ${claim.configKey}${target.borrowed ? "; the baseline carries no stated workloads: the program's, for a pool the baseline has" : ""})`,
    }];
  });
}

/** Every stack's usage lines, with internet egress tiered over each billing account's month. */
export function priceUsage(inputs: StackUsageInput[], catalog: PriceCatalog): StackUsage[] {
  const prices = catalog.usage;
  const results: StackUsage[] = inputs.map((input) => ({ ...(input.usageFile ? { file: input.usageFile.shown } : {}), lines: [], notStated: [], totals: { before: 0, after: 0 } }));
  const internet: InternetItem[] = [];

  inputs.forEach((input, stackIndex) => {
    const result = results[stackIndex];
    const sides: [Side, UsageTarget[]][] = [];
    if (input.before) sides.push(["before", usageTargets(input.before.records, input.before.priced, statedDemandOf(input.after.records))]);
    sides.push(["after", usageTargets(input.after.records, input.after.priced)]);
    const resolved = input.usageFile ? resolveUsage(input.usageFile.usage, input.usageFile.shown, sides.map(([, targets]) => targets), input.partial) : new Map();
    const account = input.usageFile?.usage.billing_account ?? DEFAULT_BILLING_ACCOUNT;
    const notStated = new Map<string, UsageNotStated>();

    for (const [side, targets] of sides) {
      for (const target of targets) {
        const figures: Partial<Record<string, ResolvedFigure>> = resolved.get(target) ?? {};
        result.lines.push(...volumeClaimLines(target, side, catalog));
        const billingKeys = KEYS_BY_KIND[target.kind].filter((key) => BILLING_USAGE_KEYS.has(key));
        // A cluster's own traffic is only for what no pool or workload carries: never missing on its own.
        if (target.kind !== "cluster" && billingKeys.length > 0 && !billingKeys.some((key) => figures[key] !== undefined)) {
          const seen = notStated.get(`${target.type} ${target.address}`) ?? { resource: target.address, type: target.type, sides: [] };
          seen.sides.push(side);
          notStated.set(`${target.type} ${target.address}`, seen);
        }
        for (const [key, figure] of Object.entries(figures)) {
          if (!figure) continue;
          if (key === "nodes" || key === "storage_gb") {
            const line = adjustmentLine(target, side, key, figure, catalog);
            if (line) result.lines.push(line);
            // A stated size the resource's own price cannot carry (it is unpriced) is said, never dropped.
            else result.notStated.push({ resource: target.address, type: target.type, sides: [side], reason: `${key} stated, but the resource is not priced${target.priced?.unpricedReason ? ` (${target.priced.unpricedReason})` : ""}` });
            continue;
          }
          const gb = figure.value as number;
          if (key === "same_zone_egress_gb") result.lines.push(flatLine(target, side, key, "egress to the same zone (internal IPs: no charge)", gb, 0, figure));
          else if (key === "inter_zone_egress_gb") result.lines.push(flatLine(target, side, key, "egress to another zone of the region", gb, prices.interZoneGib, figure));
          else if (key === "inter_region_north_america_egress_gb") result.lines.push(flatLine(target, side, key, "egress to another region in North America", gb, prices.interRegionNorthAmericaGib, figure));
          else if (key === "load_balancer_data_gb" || key === "monthly_ingress_data_gb") result.lines.push(flatLine(target, side, key, "data processed by a load balancer", gb, prices.loadBalancerDataGib, figure));
          else if (key === "cloud_nat_data_gb") {
            const rate = prices.cloudNatDataGib[target.region];
            if (rate === undefined) throw new Error(`${target.address}: the catalog has no Cloud NAT price in ${target.region}`);
            result.lines.push(flatLine(target, side, key, "data processed by Cloud NAT", gb, rate, figure));
          } else if (key === "internet_egress_gb") {
            for (const [destination, destinationGb] of Object.entries(figure.value as Record<string, number | undefined>)) {
              if (destinationGb === undefined) continue;
              const priceClass = internetPriceClass(destination as InternetDestination);
              const line = flatLine(target, side, `internet_egress_gb.${destination}`, `internet egress to ${destination.replace("_", " ")} (Premium Tier, ${priceClass} prices, tier of billing account ${account})`, destinationGb, 0, figure);
              result.lines.push(line);
              internet.push({ stackIndex, line, account, priceClass, region: target.region });
            }
          }
        }
      }
    }
    result.notStated.push(...notStated.values());
  });

  // The tier is the account's month: every line of one account, class and side pays the blended rate of their total.
  const groups = new Map<string, InternetItem[]>();
  for (const item of internet) {
    const key = `${item.line.side}|${item.account}|${item.priceClass}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  for (const items of groups.values()) {
    const total = items.reduce((sum, item) => sum + item.line.quantity, 0);
    for (const item of items) {
      const tiers = prices.internetEgress[item.priceClass][item.region];
      if (!tiers) throw new Error(`${item.line.resource}: the catalog has no internet egress price from ${item.region}`);
      item.line.unitPrice = total > 0 ? tieredCost(tiers, total) / total : tiers[0].usdPerGib;
      item.line.monthly = item.line.quantity * item.line.unitPrice;
    }
  }

  for (const result of results) {
    for (const line of result.lines) result.totals[line.side] += line.monthly;
    result.totals.before = Math.round(result.totals.before * 100) / 100;
    result.totals.after = Math.round(result.totals.after * 100) / 100;
  }
  return results;
}

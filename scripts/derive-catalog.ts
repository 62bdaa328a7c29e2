/**
 * Derives the project's dated GCP price catalog (catalog/gcp-prices.json) from the public price
 * file ../shared/data/gcp-pricing/pricing.yml (Cyclenerd/google-cloud-pricing-cost-calculator,
 * Apache-2.0, itself exported from Google's Cloud Billing Catalog API).
 *
 *   npm run catalog -- [--from ../shared/data/gcp-pricing/pricing.yml] [--out catalog/gcp-prices.json]
 *
 * The project ships the derived file, never the shared one: a user has only the project.
 * Prices the source file lacks (GKE fee, forwarding rules, in-use external IPs) come from Google's
 * public pricing pages, as recorded in the shared SOURCE.md; they are constants below, with that
 * provenance written into the catalog.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { PriceCatalog, MachineTypePrices, PriceTier, UsagePrices } from "../catalog/catalog";

const HOURS_PER_MONTH = 730;

/** pricing.yml's storage keys -> the disk type names the GCP API (and Pulumi) uses. */
const DISK_TYPE_BY_SOURCE_KEY: Record<string, string> = {
  hdd: "pd-standard",
  balanced: "pd-balanced",
  ssd: "pd-ssd",
  extreme: "pd-extreme",
  "hdd-replicated": "regional-pd-standard",
  "balanced-replicated": "regional-pd-balanced",
  "ssd-replicated": "regional-pd-ssd",
  local: "local-ssd",
  snapshot: "snapshot",
};

interface SourceCost {
  hour?: number;
  hour_spot?: number;
  month?: number;
  month_1y?: number;
  month_3y?: number;
  month_spot?: number;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function deriveCatalog(source: any): PriceCatalog {
  const generated = new Date(Number(source.about.timestamp) * 1000);
  const machineTypes: Record<string, MachineTypePrices> = {};
  const regions = new Set<string>();
  // Sustained-use discounts are read off the data (month = hour x 730 x (1 - discount)), per family.
  const discountSamples = new Map<string, number[]>();

  for (const [name, entry] of Object.entries<any>(source.compute.instance)) {
    if (!entry?.cost || typeof entry.cpu !== "number" || typeof entry.ram !== "number") continue;
    const family = name.split("-")[0];
    const prices: MachineTypePrices["prices"] = {};
    for (const [region, cost] of Object.entries<SourceCost>(entry.cost)) {
      if (typeof cost.hour !== "number" || typeof cost.month !== "number") continue;
      regions.add(region);
      prices[region] = {
        hour: cost.hour,
        hourSpot: cost.hour_spot ?? null,
        month1y: cost.month_1y ?? null,
        month3y: cost.month_3y ?? null,
      };
      if (cost.hour > 0) {
        const samples = discountSamples.get(family) ?? [];
        samples.push(1 - cost.month / (cost.hour * HOURS_PER_MONTH));
        discountSamples.set(family, samples);
      }
    }
    if (Object.keys(prices).length === 0) continue;
    machineTypes[name] = { family, vcpu: entry.cpu, memoryGb: entry.ram, prices };
  }

  const customMachineRates = deriveCustomMachineRates(machineTypes);

  const sustainedUseDiscount: Record<string, number> = {};
  for (const [family, samples] of [...discountSamples].sort(([a], [b]) => a.localeCompare(b))) {
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    sustainedUseDiscount[family] = Math.max(0, round(median, 2));
  }

  const disks: PriceCatalog["disks"] = {};
  for (const [key, diskType] of Object.entries(DISK_TYPE_BY_SOURCE_KEY)) {
    const costs = source.compute.storage[key]?.cost;
    if (!costs) throw new Error(`pricing source: compute.storage.${key} is missing`);
    disks[diskType] = {};
    for (const [region, cost] of Object.entries<SourceCost>(costs)) {
      if (typeof cost.month === "number") disks[diskType][region] = cost.month;
    }
  }

  const unusedIp: Record<string, number> = {};
  for (const [region, cost] of Object.entries<SourceCost>(source.compute.network.ip.unused.cost)) {
    if (typeof cost.hour === "number") unusedIp[region] = cost.hour;
  }

  return {
    version: 1,
    source:
      "Google Cloud Billing Catalog API list prices via Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml (Apache-2.0); GKE fee, forwarding rules and in-use IPs from Google's public pricing pages",
    date: generated.toISOString().slice(0, 10),
    currency: "USD",
    hoursPerMonth: HOURS_PER_MONTH,
    regions: [...regions].sort(),
    sustainedUseDiscount,
    machineTypes,
    customMachineRates,
    disks,
    network: {
      staticIpUnusedHour: unusedIp,
      staticExternalIpInUseHour: 0.005,
      internalIpHour: 0,
      forwardingRuleFirstFiveHour: 0.025,
      forwardingRuleAdditionalHour: 0.01,
    },
    gke: { clusterFeeHour: 0.1, freeTierMonthlyCredit: 74.4 },
    usage: deriveUsagePrices(source),
  };
}

/** pricing.yml's internet egress tiers (TiB a month) -> the GiB they start at. */
const TIER_START_GIB: Record<string, number> = { "0-1": 0, "1-10": 1024, "10n": 10240 };
/** pricing.yml's internet egress keys -> the catalog's destination classes (`cost`: every other destination). */
const INTERNET_CLASS_BY_SOURCE_KEY: Record<string, keyof UsagePrices["internetEgress"]> = { cost: "worldwide", china: "china", australia: "australia" };

/** Pages read for the usage prices pricing.yml lacks (the same figures as the shared SOURCE.md). */
const VPC_PRICING_PAGE = "Google Cloud, Virtual Private Cloud pricing, https://cloud.google.com/vpc/network-pricing ('VM-VM data transfer pricing within Google Cloud')";
const LOAD_BALANCING_PRICING_PAGE = "Google Cloud, Cloud Load Balancing pricing, https://cloud.google.com/load-balancing/pricing ('Inbound / Outbound data processed by load balancer', regional)";
const PAGES_RETRIEVED = "2026-12-03";

/**
 * Internet egress tiers and Cloud NAT data from the price file; inter-zone, inter-region and load
 * balancer data processing, which it lacks, from Google's pricing pages (dated in `sources`).
 */
export function deriveUsagePrices(source: any): UsagePrices {
  const internet = source.compute.network.traffic?.egress?.internet;
  if (!internet) throw new Error("pricing source: compute.network.traffic.egress.internet is missing");
  const internetEgress = { worldwide: {}, china: {}, australia: {} } as UsagePrices["internetEgress"];
  for (const [key, priceClass] of Object.entries(INTERNET_CLASS_BY_SOURCE_KEY)) {
    // The worldwide tiers sit directly under `internet.cost`; China's and Australia's under their own key.
    const tiers = key === "cost" ? internet.cost : internet[key]?.cost;
    if (!tiers) throw new Error(`pricing source: compute.network.traffic.egress.internet ${key} is missing`);
    const byRegion: Record<string, PriceTier[]> = {};
    for (const [tier, regions] of Object.entries<Record<string, SourceCost>>(tiers)) {
      const fromGib = TIER_START_GIB[tier];
      if (fromGib === undefined) throw new Error(`pricing source: internet egress tier ${tier} is not one of ${Object.keys(TIER_START_GIB).join(", ")}`);
      for (const [region, cost] of Object.entries(regions)) {
        if (typeof cost.month !== "number") continue;
        (byRegion[region] ??= []).push({ fromGib, usdPerGib: cost.month });
      }
    }
    for (const region of Object.keys(byRegion).sort()) internetEgress[priceClass][region] = byRegion[region].sort((a, b) => a.fromGib - b.fromGib);
  }
  const cloudNatDataGib: Record<string, number> = {};
  for (const [region, cost] of Object.entries<SourceCost>(source.compute.network.nat?.data?.cost ?? {})) {
    if (typeof cost.month === "number") cloudNatDataGib[region] = cost.month;
  }
  if (Object.keys(cloudNatDataGib).length === 0) throw new Error("pricing source: compute.network.nat.data is missing");
  return {
    internetEgress,
    interZoneGib: 0.01,
    interRegionNorthAmericaGib: 0.02,
    loadBalancerDataGib: 0.008,
    cloudNatDataGib,
    sources: [
      { figure: "internetEgress", source: "pricing.yml compute.network.traffic.egress.internet (Premium Tier, tiers 0-1, 1-10, 10+ TiB a month)" },
      { figure: "cloudNatDataGib", source: "pricing.yml compute.network.nat.data" },
      { figure: "interZoneGib", source: VPC_PRICING_PAGE, retrieved: PAGES_RETRIEVED },
      { figure: "interRegionNorthAmericaGib", source: VPC_PRICING_PAGE, retrieved: PAGES_RETRIEVED },
      { figure: "loadBalancerDataGib", source: LOAD_BALANCING_PRICING_PAGE, retrieved: PAGES_RETRIEVED },
    ],
  };
}

/**
 * Per-vCPU and per-GiB hourly rates of custom machine types, by family and region. The source
 * lists only whole custom machine types (for N1: `custom-<vcpus>-<MiB>-ext` names, family
 * "custom"), each billed as vCPUs x vCPU rate + GiB x memory rate; two of them with different
 * memory-per-vCPU ratios determine both rates per region, and every further one must agree (else
 * the derivation stops). Families the source has no custom machine type of get no rates, so the
 * engine leaves their custom types unpriced with that reason.
 */
export function deriveCustomMachineRates(machineTypes: Record<string, MachineTypePrices>): PriceCatalog["customMachineRates"] {
  const sourceFamilyOf: Record<string, string> = { custom: "n1" };
  const rates: PriceCatalog["customMachineRates"] = {};
  for (const [sourceFamily, family] of Object.entries(sourceFamilyOf)) {
    const entries = Object.values(machineTypes).filter((m) => m.family === sourceFamily);
    const [a, b] = entries;
    if (!a || !b || a.vcpu * b.memoryGb === b.vcpu * a.memoryGb) continue;
    const det = a.vcpu * b.memoryGb - b.vcpu * a.memoryGb;
    const solve = (ha: number, hb: number) => ({ vcpu: (ha * b.memoryGb - hb * a.memoryGb) / det, memory: (a.vcpu * hb - b.vcpu * ha) / det });
    const byRegion: Record<string, { vcpuHour: number; memoryGibHour: number; vcpuHourSpot: number | null; memoryGibHourSpot: number | null }> = {};
    for (const region of Object.keys(a.prices)) {
      const pa = a.prices[region];
      const pb = b.prices[region];
      if (!pb) continue;
      const onDemand = solve(pa.hour, pb.hour);
      const spot = pa.hourSpot !== null && pb.hourSpot !== null ? solve(pa.hourSpot, pb.hourSpot) : null;
      for (const other of entries.slice(2)) {
        const po = other.prices[region];
        if (!po) continue;
        const predicted = other.vcpu * onDemand.vcpu + other.memoryGb * onDemand.memory;
        if (Math.abs(predicted - po.hour) > 1e-6 * Math.max(1, po.hour)) {
          throw new Error(`pricing source: ${family} custom rates in ${region} do not reproduce a third custom machine type (${predicted} vs ${po.hour})`);
        }
      }
      if (onDemand.vcpu <= 0 || onDemand.memory <= 0) continue;
      byRegion[region] = {
        vcpuHour: round(onDemand.vcpu, 9),
        memoryGibHour: round(onDemand.memory, 9),
        vcpuHourSpot: spot && spot.vcpu > 0 && spot.memory > 0 ? round(spot.vcpu, 9) : null,
        memoryGibHourSpot: spot && spot.vcpu > 0 && spot.memory > 0 ? round(spot.memory, 9) : null,
      };
    }
    if (Object.keys(byRegion).length > 0) rates[family] = byRegion;
  }
  return rates;
}

function main(argv: string[]): void {
  const arg = (flag: string, fallback: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const root = path.resolve(__dirname, "..");
  const from = arg("--from", path.join(root, "..", "shared", "data", "gcp-pricing", "pricing.yml"));
  const out = arg("--out", path.join(root, "catalog", "gcp-prices.json"));
  if (!fs.existsSync(from)) {
    // A clone without the shared folder beside it: say where the price file is expected, not a stack trace.
    console.error(`npm run catalog: ${from}: no such file (the public price file pricing.yml; pass --from FILE)`);
    process.exit(2);
  }
  const catalog = deriveCatalog(parse(fs.readFileSync(from, "utf8")));
  fs.writeFileSync(out + ".tmp", JSON.stringify(catalog) + "\n");
  fs.renameSync(out + ".tmp", out);
  console.log(
    `${out}: ${Object.keys(catalog.machineTypes).length} machine types, ${catalog.regions.length} regions, dated ${catalog.date}`,
  );
}

if (require.main === module) main(process.argv.slice(2));

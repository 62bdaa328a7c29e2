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
import type { PriceCatalog, MachineTypePrices } from "../catalog/catalog";

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
    disks,
    network: {
      staticIpUnusedHour: unusedIp,
      staticExternalIpInUseHour: 0.005,
      internalIpHour: 0,
      forwardingRuleFirstFiveHour: 0.025,
      forwardingRuleAdditionalHour: 0.01,
    },
    gke: { clusterFeeHour: 0.1, freeTierMonthlyCredit: 74.4 },
  };
}

function main(argv: string[]): void {
  const arg = (flag: string, fallback: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const root = path.resolve(__dirname, "..");
  const from = arg("--from", path.join(root, "..", "shared", "data", "gcp-pricing", "pricing.yml"));
  const out = arg("--out", path.join(root, "catalog", "gcp-prices.json"));
  const catalog = deriveCatalog(parse(fs.readFileSync(from, "utf8")));
  fs.writeFileSync(out + ".tmp", JSON.stringify(catalog) + "\n");
  fs.renameSync(out + ".tmp", out);
  console.log(
    `${out}: ${Object.keys(catalog.machineTypes).length} machine types, ${catalog.regions.length} regions, dated ${catalog.date}`,
  );
}

if (require.main === module) main(process.argv.slice(2));

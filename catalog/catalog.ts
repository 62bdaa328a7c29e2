/**
 * The dated GCP price catalog the project ships (gcp-prices.json, derived by
 * scripts/derive-catalog.ts) and the lookups every reader shares: config validation asks which
 * machine and disk types a region offers; the cost engine asks what they cost.
 */
import * as fs from "fs";
// Imported, not read from disk: tsc copies it next to the compiled module and the policy pack's
// bundle (esbuild) carries it inline, so no reader has to find the project root at run time.
import committedCatalogJson from "./gcp-prices.json";

export interface MachineTypePrices {
  /** Family, the name's prefix: n1, e2, n2d ... */
  family: string;
  vcpu: number;
  memoryGb: number;
  /** Per region: on-demand and spot USD per hour; 1- and 3-year commitment USD per month (null where not sold). */
  prices: Record<string, { hour: number; hourSpot: number | null; month1y: number | null; month3y: number | null }>;
}

export interface PriceCatalog {
  version: 1;
  source: string;
  /** The day the source prices were exported (YYYY-MM-DD). */
  date: string;
  currency: "USD";
  hoursPerMonth: number;
  regions: string[];
  /** Sustained-use discount per machine family at full-month use (n1 0.3, n2 0.2, e2 0 ...). */
  sustainedUseDiscount: Record<string, number>;
  machineTypes: Record<string, MachineTypePrices>;
  /**
   * Custom machine types' rates by family (n1, n2, n2d, e2) and region: USD per vCPU-hour and per
   * GiB-hour of memory, on demand and spot. Only the families the source prices.
   */
  customMachineRates: Record<string, Record<string, { vcpuHour: number; memoryGibHour: number; vcpuHourSpot: number | null; memoryGibHourSpot: number | null }>>;
  /** Disk type (pd-standard, pd-balanced, pd-ssd, regional-pd-*, local-ssd, snapshot) -> region -> USD per GiB-month. */
  disks: Record<string, Record<string, number>>;
  network: {
    /** A reserved static IP that nothing uses, USD per hour by region. */
    staticIpUnusedHour: Record<string, number>;
    staticExternalIpInUseHour: number;
    internalIpHour: number;
    /** The minimum charge, per hour, for one to five forwarding rules of a project in a region (all of them together). */
    forwardingRuleFirstFiveHour: number;
    /** Each forwarding rule beyond the fifth of a project in a region, per hour. */
    forwardingRuleAdditionalHour: number;
  };
  gke: { clusterFeeHour: number; freeTierMonthlyCredit: number };
  /** What a usage file's figures (usage/) are priced at: traffic and data processed, USD per GiB. */
  usage: UsagePrices;
}

/** Where Premium Tier internet egress goes, as Google prices it: China and Australia apart from the rest of the world. */
export const INTERNET_PRICE_CLASSES = ["worldwide", "china", "australia"] as const;
export type InternetPriceClass = (typeof INTERNET_PRICE_CLASSES)[number];

/** One step of a tiered price: from this many GiB of the billing account's month on, this price per GiB. */
export interface PriceTier {
  fromGib: number;
  usdPerGib: number;
}

export interface UsagePrices {
  /** Premium Tier internet egress by destination class and source region; tiers by the billing account's monthly GiB. */
  internetEgress: Record<InternetPriceClass, Record<string, PriceTier[]>>;
  /** VM to VM over internal IPs, another zone of the same region. */
  interZoneGib: number;
  /** VM to VM between two regions of North America. */
  interRegionNorthAmericaGib: number;
  /** Data a regional load balancer processes (inbound and outbound alike). */
  loadBalancerDataGib: number;
  /** Data processed by a Cloud NAT gateway, by region. */
  cloudNatDataGib: Record<string, number>;
  /** Where each figure comes from: the price file, or the public pricing page it was read on and when. */
  sources: { figure: string; source: string; retrieved?: string }[];
}

/** Disk types a persistent disk or node boot disk may have (local SSD and snapshots are not disks one creates by type). */
export const PERSISTENT_DISK_TYPES = ["pd-standard", "pd-balanced", "pd-ssd", "pd-extreme"] as const;

/** The committed catalog (catalog/gcp-prices.json); with a file, the catalog in that file. */
export function loadCatalog(file?: string): PriceCatalog {
  if (file === undefined) return committedCatalogJson as unknown as PriceCatalog;
  let catalog: PriceCatalog;
  try {
    catalog = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: cannot read the price catalog (${(err as Error).message})`);
  }
  if (catalog?.version !== 1 || typeof catalog.machineTypes !== "object") {
    throw new Error(`${file}: not a price catalog of version 1`);
  }
  return catalog;
}

export function machineTypeOffered(catalog: PriceCatalog, machineType: string, region: string): boolean {
  return catalog.machineTypes[machineType]?.prices[region] !== undefined;
}

export function diskTypeOffered(catalog: PriceCatalog, diskType: string, region: string): boolean {
  return catalog.disks[diskType]?.[region] !== undefined;
}

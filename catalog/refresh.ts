/**
 * Refreshes the price catalog from Google's Cloud Billing Catalog API (`infra-cost prices refresh`).
 *
 * The API prices Compute Engine by SKU: per vCPU-hour and per GiB-hour for each machine family,
 * pricing option (on-demand, spot, 1- and 3-year commitment) and region, per GiB-month for disks,
 * per hour for addresses. It knows nothing of machine types, so a type's price is composed from its
 * family's core and RAM SKUs using the shape (vCPUs, memory) the committed catalog records.
 *
 * What the refresh changes is prices, never offerings: the machine types, disk types and regions
 * are the committed catalog's. Whatever the SKUs read do not price is carried over from the
 * committed catalog and named in the coverage report, and a price that moves by more than a
 * factor (3 by default) against the committed one is rejected as implausible unless accepted.
 */
import * as fs from "fs";
import * as path from "path";
import { CloudCatalogClient } from "@google-cloud/billing";
import type { protos } from "@google-cloud/billing";
import { loadCatalog, type PriceCatalog, type MachineTypePrices } from "./catalog";
import { PROJECT_ROOT } from "../projectRoot";

/** The committed catalog file, which a refresh compares with and rewrites. */
export const DEFAULT_CATALOG_PATH = path.join(PROJECT_ROOT, "catalog", "gcp-prices.json");

/** Compute Engine's service id in the Cloud Billing Catalog; stable, listed by `services.list`. */
export const COMPUTE_ENGINE_SERVICE_ID = "6F81-5844-456A";

/** A price further than this factor from the committed one is taken for a data error, not a price change. */
export const DEFAULT_MAX_PRICE_CHANGE_FACTOR = 3;

type Sku = protos.google.cloud.billing.v1.ISku;
export type CatalogClientOptions = ConstructorParameters<typeof CloudCatalogClient>[0];

export type PricingOption = "onDemand" | "spot" | "commit1y" | "commit3y";
const PRICING_OPTIONS: PricingOption[] = ["onDemand", "spot", "commit1y", "commit3y"];
const FIELD_BY_OPTION = { onDemand: "hour", spot: "hourSpot", commit1y: "month1y", commit3y: "month3y" } as const;
const OPTION_BY_USAGE_TYPE: Record<string, PricingOption> = {
  OnDemand: "onDemand",
  Preemptible: "spot",
  Commit1Yr: "commit1y",
  Commit3Yr: "commit3y",
};

export interface RefreshOptions {
  /** The catalog whose machine shapes and offerings are priced and whose prices fill the gaps; default the committed one. */
  current?: PriceCatalog;
  /** The day the catalog is dated; default now. */
  now?: Date;
  /** Passed to `CloudCatalogClient` (credentials, endpoint, a custom auth client); REST transport is always used. */
  clientOptions?: CatalogClientOptions;
  /** Billing service to read; default Compute Engine. */
  serviceId?: string;
  /** Reject a refreshed price outside [current / factor, current x factor]; default 3, Infinity accepts any. */
  maxPriceChangeFactor?: number;
}

/** Which machine-type prices of one family and pricing option were refreshed, by region. */
export interface MachineFamilyCoverage {
  family: string;
  option: PricingOption;
  /** Regions where at least one of the family's types got this price from the SKUs. */
  refreshedRegions: string[];
  /** Regions where at least one of the family's types kept the committed price. */
  carriedOverRegions: string[];
  refreshedPrices: number;
  carriedOverPrices: number;
}

export interface RejectedPrice {
  /** What was priced: "e2-standard-2 on-demand in us-central1", "pd-ssd in us-east1". */
  item: string;
  apiPrice: number;
  currentPrice: number;
}

export interface PriceCoverage {
  serviceId: string;
  skusRead: number;
  /** SKUs whose price went into at least one refreshed figure. */
  skusUsed: number;
  machineTypes: MachineFamilyCoverage[];
  /** Types whose price is not cores plus memory (bundled local SSD or GPUs, bare metal); always carried over. */
  notComposable: Array<{ machineType: string; reason: string }>;
  /** Type prices where some but not all of the SKUs they need were present. */
  incomplete: Array<{ machineType: string; option: PricingOption; region: string; missing: string[] }>;
  disks: Array<{ diskType: string; refreshedRegions: string[]; carriedOverRegions: string[] }>;
  staticIpUnused: { refreshedRegions: string[]; carriedOverRegions: string[] };
  /** Catalog figures that are not per region: refreshed or carried over, with the reason. */
  constants: Array<{ name: string; refreshed: boolean; reason: string }>;
  rejected: RejectedPrice[];
  /** SKUs that looked like prices the catalog holds but could not be used (unexpected unit or currency, conflicting duplicates). */
  skipped: Array<{ skuId: string; description: string; reason: string }>;
  /** SKUs priced in another currency, converted to USD with their own conversion rate. */
  converted: Array<{ skuId: string; description: string; from: string }>;
  /** Priced family x region pairs the catalog offers no machine type in (offerings are not added by a refresh). */
  unusedMachinePrices: string[];
}

export interface RefreshResult {
  catalog: PriceCatalog;
  coverage: PriceCoverage;
  /** The committed catalog's date, which every carried-over price still has. */
  carriedOverFromDate: string;
}

/** A failure the command reports in one line; `exitCode` 1 for credentials and API failures, 2 for bad input. */
export class PriceRefreshError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = "PriceRefreshError";
  }
}

export const NO_CREDENTIALS_MESSAGE =
  "no Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file or run gcloud auth application-default login";

// ---------------------------------------------------------------------------------------------
// SKU classification: a SKU description plus its category says what it prices.

type SkuPrice =
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

const EXPECTED_UNIT: Record<string, string> = {
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
function unitPriceOf(sku: Sku): { price: number; unit: string; convertedFrom?: string } | { error: string } {
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

interface IndexedPrice {
  price: number;
  skuIds: string[];
  conflict?: string;
}

/** Prices keyed by what they price and the region, e.g. "machine|n1|core|onDemand|us-east1". */
class SkuPriceIndex {
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

// ---------------------------------------------------------------------------------------------
// Machine types: cores + memory (+ bundled GPUs) of the committed shape.

/** Families whose types bundle GPUs; a type is composable only where its GPU model and count are known. */
const GPU_FAMILIES = new Set(["a2", "a3", "a4", "g2", "g4"]);

/** GPUs an a2 type bundles, read off its name: a2-highgpu-4g has 4 A100 40GB, a2-ultragpu-2g 2 A100 80GB. */
function bundledGpus(machineType: string): { model: string; count: number } | undefined {
  const a2 = /^a2-(highgpu|megagpu|ultragpu)-(\d+)g$/.exec(machineType);
  if (!a2) return undefined;
  return { model: a2[1] === "ultragpu" ? "A100 80GB" : "A100", count: Number(a2[2]) };
}

/** Why a type's price is not its family's core and RAM prices times its shape, if it is not. */
export function notComposableReason(machineType: string, family: string): string | undefined {
  if (/lssd/.test(machineType)) return "bundles local SSD, which the core and RAM SKUs do not price";
  if (/-metal$/.test(machineType)) return "bare-metal shape, not priced as cores plus memory";
  if (family === "custom") return "custom shape with extended memory";
  if (GPU_FAMILIES.has(family) && !bundledGpus(machineType)) return "bundles GPUs whose model and count the refresh does not know";
  return undefined;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function optionLabel(option: PricingOption): string {
  return { onDemand: "on-demand", spot: "spot", commit1y: "1-year commitment", commit3y: "3-year commitment" }[option];
}

function isPlausible(apiPrice: number, currentPrice: number | null | undefined, factor: number): boolean {
  if (currentPrice === null || currentPrice === undefined) return true;
  if (currentPrice === 0) return apiPrice === 0;
  const ratio = apiPrice / currentPrice;
  return ratio <= factor && ratio >= 1 / factor;
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

// ---------------------------------------------------------------------------------------------

/** Reads every SKU of the service, letting the client page through `nextPageToken`. */
async function readSkus(serviceId: string, clientOptions: CatalogClientOptions): Promise<Sku[]> {
  // REST (fallback) transport: the same JSON the API documents, and no gRPC channel to keep alive.
  const client = new CloudCatalogClient({ ...clientOptions, fallback: true });
  try {
    // Authenticate first: the generated client turns a failed initialisation inside a call into an
    // unhandled rejection and a call that waits out its timeout, instead of a rejected call.
    await client.initialize();
    const [skus] = await client.listSkus({ parent: `services/${serviceId}`, currencyCode: "USD" }, { autoPaginate: true });
    return skus;
  } catch (err) {
    throw describeApiError(err);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** One line for a failure of the client: missing credentials get the how-to, the rest their first line. */
export function describeApiError(err: unknown): PriceRefreshError {
  const message = (err instanceof Error ? err.message : String(err)).replace(/^Error: /, "");
  if (/Could not load the default credentials/i.test(message)) return new PriceRefreshError(NO_CREDENTIALS_MESSAGE, 1);
  // The library fails on an unreadable GOOGLE_APPLICATION_CREDENTIALS with a bare file-system error.
  const keyFile = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  const fileError = (err as NodeJS.ErrnoException | undefined)?.code;
  if (keyFile && (/does not exist, or it is not a file/.test(message) || ["ENOENT", "EACCES", "ENOTDIR", "EISDIR"].includes(fileError ?? ""))) {
    return new PriceRefreshError(
      `GOOGLE_APPLICATION_CREDENTIALS names ${keyFile}, which is not a readable key file (${message.split("\n")[0]}): point it at a service-account key file or unset it and run gcloud auth application-default login`,
      1,
    );
  }
  const firstLine = message.split("\n")[0].trim();
  return new PriceRefreshError(`the Cloud Billing Catalog API failed: ${firstLine}`, 1);
}

/** Reads the Compute Engine SKUs and prices the committed catalog's offerings with them. */
export async function refreshCatalog(options: RefreshOptions = {}): Promise<RefreshResult> {
  const current = options.current ?? loadCatalog(DEFAULT_CATALOG_PATH);
  const serviceId = options.serviceId ?? COMPUTE_ENGINE_SERVICE_ID;
  const skus = await readSkus(serviceId, options.clientOptions ?? {});
  return buildCatalogFromSkus(skus, current, {
    now: options.now ?? new Date(),
    serviceId,
    maxPriceChangeFactor: options.maxPriceChangeFactor ?? DEFAULT_MAX_PRICE_CHANGE_FACTOR,
  });
}

/** The pure half of the refresh: SKUs as the client decodes them + the committed catalog -> new catalog and coverage. */
export function buildCatalogFromSkus(
  skus: Sku[],
  current: PriceCatalog,
  settings: { now: Date; serviceId: string; maxPriceChangeFactor: number },
): RefreshResult {
  const index = new SkuPriceIndex();
  for (const sku of skus) index.add(sku);
  const factor = settings.maxPriceChangeFactor;
  const rejected: RejectedPrice[] = [];
  const catalog: PriceCatalog = structuredClone(current);

  // Machine types ------------------------------------------------------------------------------
  const familyCoverage = new Map<string, { refreshed: string[]; carried: string[] }>();
  const notComposable: PriceCoverage["notComposable"] = [];
  const incomplete: PriceCoverage["incomplete"] = [];
  const offeredFamilyRegions = new Set<string>();

  for (const [name, machine] of Object.entries(catalog.machineTypes)) {
    const reason = notComposableReason(name, machine.family);
    if (reason) notComposable.push({ machineType: name, reason });
    const gpus = bundledGpus(name);
    for (const [region, prices] of Object.entries(machine.prices)) {
      offeredFamilyRegions.add(`${machine.family}|${region}`);
      for (const option of PRICING_OPTIONS) {
        const key = `${machine.family}|${option}`;
        const tally = familyCoverage.get(key) ?? { refreshed: [], carried: [] };
        familyCoverage.set(key, tally);
        const composed = reason ? undefined : composeMachinePrice(index, machine, gpus, option, region);
        if (composed && "missing" in composed) {
          if (composed.missing.length < composed.needed) {
            incomplete.push({ machineType: name, option, region, missing: composed.missing });
          }
          tally.carried.push(region);
          continue;
        }
        if (!composed) {
          tally.carried.push(region);
          continue;
        }
        const field = FIELD_BY_OPTION[option];
        // Commitments are sold by the month; the catalog keeps them as monthly figures.
        const value =
          option === "commit1y" || option === "commit3y"
            ? round(composed.hourly * catalog.hoursPerMonth, 8)
            : round(composed.hourly, 10);
        if (!isPlausible(value, prices[field], factor)) {
          rejected.push({ item: `${name} ${optionLabel(option)} in ${region}`, apiPrice: value, currentPrice: prices[field] as number });
          tally.carried.push(region);
          continue;
        }
        prices[field] = value;
        for (const used of composed.sources) index.markUsed(used);
        tally.refreshed.push(region);
      }
    }
  }

  const machineTypes: MachineFamilyCoverage[] = [...familyCoverage]
    .map(([key, tally]) => {
      const [family, option] = key.split("|") as [string, PricingOption];
      return {
        family,
        option,
        refreshedRegions: sortedUnique(tally.refreshed),
        carriedOverRegions: sortedUnique(tally.carried),
        refreshedPrices: tally.refreshed.length,
        carriedOverPrices: tally.carried.length,
      };
    })
    .sort((a, b) => a.family.localeCompare(b.family) || PRICING_OPTIONS.indexOf(a.option) - PRICING_OPTIONS.indexOf(b.option));

  // Disks ----------------------------------------------------------------------------------------
  const disks: PriceCoverage["disks"] = [];
  for (const [diskType, byRegion] of Object.entries(catalog.disks)) {
    const refreshed: string[] = [];
    const carried: string[] = [];
    for (const region of Object.keys(byRegion)) {
      const found = index.get(`disk|${diskType}|${region}`);
      const value = found && round(found.price, 10);
      if (found && value !== undefined && isPlausible(value, byRegion[region], factor)) {
        byRegion[region] = value;
        index.markUsed(found);
        refreshed.push(region);
      } else {
        if (found && value !== undefined) rejected.push({ item: `${diskType} in ${region}`, apiPrice: value, currentPrice: byRegion[region] });
        carried.push(region);
      }
    }
    disks.push({ diskType, refreshedRegions: refreshed.sort(), carriedOverRegions: carried.sort() });
  }

  // Addresses -----------------------------------------------------------------------------------
  const staticIpUnused = { refreshedRegions: [] as string[], carriedOverRegions: [] as string[] };
  const unusedIpByRegion = catalog.network.staticIpUnusedHour;
  for (const region of Object.keys(unusedIpByRegion)) {
    const found = index.get(`staticIpUnused|${region}`);
    const value = found && round(found.price, 10);
    if (found && value !== undefined && isPlausible(value, unusedIpByRegion[region], factor)) {
      unusedIpByRegion[region] = value;
      index.markUsed(found);
      staticIpUnused.refreshedRegions.push(region);
    } else {
      if (found && value !== undefined) rejected.push({ item: `unused static IP in ${region}`, apiPrice: value, currentPrice: unusedIpByRegion[region] });
      staticIpUnused.carriedOverRegions.push(region);
    }
  }
  staticIpUnused.refreshedRegions.sort();
  staticIpUnused.carriedOverRegions.sort();

  const constants: PriceCoverage["constants"] = [];
  // The catalog keeps one in-use IP figure; take the API's only when every region agrees on it.
  const inUse = [...index.prices].filter(([key, found]) => key.startsWith("externalIpInUse|") && !found.conflict);
  const inUsePrices = sortedUnique(inUse.map(([, found]) => String(found.price)));
  if (inUsePrices.length === 1 && isPlausible(Number(inUsePrices[0]), current.network.staticExternalIpInUseHour, factor)) {
    catalog.network.staticExternalIpInUseHour = Number(inUsePrices[0]);
    for (const [, found] of inUse) index.markUsed(found);
    constants.push({ name: "network.staticExternalIpInUseHour", refreshed: true, reason: "External IP Charge on a Standard VM" });
  } else {
    constants.push({
      name: "network.staticExternalIpInUseHour",
      refreshed: false,
      reason: inUsePrices.length === 0 ? "no in-use external IP SKU read" : `the SKUs give ${inUsePrices.join(", ")} USD/h, not one figure`,
    });
  }
  constants.push(
    { name: "sustainedUseDiscount", refreshed: false, reason: "the API lists prices, not the sustained-use discount schedule" },
    { name: "network.internalIpHour", refreshed: false, reason: "internal IPs are free and have no SKU" },
    { name: "network.forwardingRuleFirstFiveHour", refreshed: false, reason: "the catalog keeps one project-wide figure from the pricing pages" },
    { name: "network.forwardingRuleAdditionalHour", refreshed: false, reason: "the catalog keeps one project-wide figure from the pricing pages" },
    { name: "gke", refreshed: false, reason: "the cluster fee is a Kubernetes Engine SKU, not Compute Engine" },
  );

  // Priced families in regions the catalog does not offer them in: reported, not added.
  const unusedMachinePrices = sortedUnique(
    [...index.prices.keys()]
      .filter((key) => key.startsWith("machine|"))
      .map((key) => {
        const [, family, , , region] = key.split("|");
        return `${family}|${region}`;
      })
      .filter((familyRegion) => !offeredFamilyRegions.has(familyRegion))
      .map((familyRegion) => familyRegion.replace("|", " in ")),
  );

  catalog.version = 1;
  catalog.date = settings.now.toISOString().slice(0, 10);
  catalog.source =
    `Google Cloud Billing Catalog API (Compute Engine, service ${settings.serviceId}) list prices in USD read ${catalog.date} via @google-cloud/billing; ` +
    `prices the API did not return, sustained-use discounts, the GKE fee and forwarding rules carried over from the catalog dated ${current.date}`;

  return {
    catalog,
    carriedOverFromDate: current.date,
    coverage: {
      serviceId: settings.serviceId,
      skusRead: skus.length,
      skusUsed: index.usedSkuIds.size,
      machineTypes,
      notComposable,
      incomplete,
      disks,
      staticIpUnused,
      constants,
      rejected,
      skipped: index.skipped,
      converted: index.converted,
      unusedMachinePrices,
    },
  };
}

type ComposedPrice = { hourly: number; sources: IndexedPrice[] } | { missing: string[]; needed: number };

/** vCPUs x core price + GiB x RAM price (+ GPUs x GPU price) of one option in one region. */
function composeMachinePrice(
  index: SkuPriceIndex,
  machine: MachineTypePrices,
  gpus: { model: string; count: number } | undefined,
  option: PricingOption,
  region: string,
): ComposedPrice {
  const parts: Array<{ label: string; key: string; quantity: number }> = [
    { label: `${machine.family} core`, key: `machine|${machine.family}|core|${option}|${region}`, quantity: machine.vcpu },
    { label: `${machine.family} RAM`, key: `machine|${machine.family}|ram|${option}|${region}`, quantity: machine.memoryGb },
  ];
  if (gpus) parts.push({ label: `${gpus.model} GPU`, key: `gpu|${gpus.model}|${option}|${region}`, quantity: gpus.count });
  const missing = parts.filter((part) => !index.get(part.key)).map((part) => part.label);
  if (missing.length > 0) return { missing, needed: parts.length };
  const sources = parts.map((part) => index.get(part.key) as IndexedPrice);
  const hourly = parts.reduce((sum, part, i) => sum + part.quantity * sources[i].price, 0);
  return { hourly, sources };
}

// ---------------------------------------------------------------------------------------------
// Reporting and the command.

function listRegions(regions: string[], limit = 6): string {
  return regions.length <= limit ? regions.join(", ") : `${regions.slice(0, limit).join(", ")} and ${regions.length - limit} more`;
}

/** The coverage report as lines a person reads: what was refreshed, rejected, carried over and why. */
export function describeCoverage(result: RefreshResult): string[] {
  const { coverage } = result;
  const lines = [
    `read ${coverage.skusRead} SKUs of service ${coverage.serviceId}; ${coverage.skusUsed} priced something the catalog holds`,
  ];
  const refreshedFamilies = coverage.machineTypes.filter((entry) => entry.refreshedPrices > 0);
  lines.push(
    refreshedFamilies.length === 0
      ? "machine types refreshed: none"
      : `machine types refreshed: ${refreshedFamilies
          .map((entry) => `${entry.family} ${optionLabel(entry.option)} in ${listRegions(entry.refreshedRegions)} (${entry.refreshedPrices} prices)`)
          .join("; ")}`,
  );
  const untouched = sortedUnique(
    coverage.machineTypes.map((entry) => entry.family).filter((family) => !refreshedFamilies.some((entry) => entry.family === family)),
  );
  const carried: string[] = [];
  if (untouched.length > 0) carried.push(`every price of ${untouched.join(", ")}`);
  for (const family of sortedUnique(refreshedFamilies.map((entry) => entry.family))) {
    const entries = coverage.machineTypes.filter((entry) => entry.family === family && entry.carriedOverPrices > 0);
    const nowhere = entries.filter((entry) => entry.refreshedPrices === 0).map((entry) => optionLabel(entry.option));
    const somewhere = entries
      .filter((entry) => entry.refreshedPrices > 0)
      .map((entry) => `${optionLabel(entry.option)} in ${entry.carriedOverRegions.length} regions`);
    const parts = [...somewhere, ...(nowhere.length > 0 ? [`${nowhere.join(", ")} in every region`] : [])];
    if (parts.length > 0) carried.push(`${family} ${parts.join(", ")}`);
  }
  if (carried.length > 0) lines.push(`machine types carried over from ${result.carriedOverFromDate}: ${carried.join("; ")}`);
  if (coverage.notComposable.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const { machineType, reason } of coverage.notComposable) byReason.set(reason, [...(byReason.get(reason) ?? []), machineType]);
    lines.push(
      `not composable, carried over: ${[...byReason].map(([reason, types]) => `${types.length} types (${reason})`).join("; ")}`,
    );
  }
  if (coverage.incomplete.length > 0) {
    const regionsByGap = new Map<string, string[]>();
    for (const gap of coverage.incomplete) {
      const what = `${gap.missing.join(" + ")} ${optionLabel(gap.option)}`;
      regionsByGap.set(what, [...(regionsByGap.get(what) ?? []), gap.region]);
    }
    const gaps = [...regionsByGap].map(([what, regions]) => `${what} in ${listRegions(sortedUnique(regions))}`);
    lines.push(`SKUs missing for some types, their prices carried over: ${gaps.join("; ")}`);
  }
  for (const disk of coverage.disks) {
    lines.push(
      disk.refreshedRegions.length === 0
        ? `${disk.diskType}: carried over in all ${disk.carriedOverRegions.length} regions`
        : `${disk.diskType}: refreshed in ${listRegions(disk.refreshedRegions)}; carried over in ${disk.carriedOverRegions.length} regions`,
    );
  }
  const ip = coverage.staticIpUnused;
  lines.push(
    ip.refreshedRegions.length === 0
      ? `unused static IP: carried over in all ${ip.carriedOverRegions.length} regions`
      : `unused static IP: refreshed in ${listRegions(ip.refreshedRegions)}; carried over in ${ip.carriedOverRegions.length} regions`,
  );
  for (const constant of coverage.constants) {
    lines.push(`${constant.name}: ${constant.refreshed ? "refreshed" : "carried over"} (${constant.reason})`);
  }
  if (coverage.rejected.length > 0) {
    const examples = coverage.rejected.slice(0, 3).map((r) => `${r.item}: API ${r.apiPrice} vs ${r.currentPrice}`);
    lines.push(
      `rejected as implausible, current price kept (${coverage.rejected.length} prices, e.g. ${examples.join("; ")})`,
    );
  }
  if (coverage.converted.length > 0) {
    const rates = sortedUnique(coverage.converted.map((c) => c.from));
    lines.push(`converted to USD with the SKUs' own rates: ${coverage.converted.length} SKUs (${rates.join("; ")})`);
  }
  for (const skip of coverage.skipped) lines.push(`skipped SKU ${skip.skuId} "${skip.description}": ${skip.reason}`);
  if (coverage.unusedMachinePrices.length > 0) {
    lines.push(`priced but not offered by the catalog, not added: ${coverage.unusedMachinePrices.join(", ")}`);
  }
  return lines;
}

/** Writes through a temporary file in the same directory and a rename, so readers see the old file or the new one. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = fs.openSync(tmp, "wx");
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

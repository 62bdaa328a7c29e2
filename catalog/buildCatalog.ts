/**
 * Builds the refreshed catalog from the SKUs read and the committed catalog: pure, no network, so
 * the refresh is tested on recorded SKUs and the golden file pins its output.
 *
 * The API knows nothing of machine types, so a type's price is composed from its family's core and
 * RAM SKUs (and bundled GPUs) using the shape (vCPUs, memory) the committed catalog records. What
 * the refresh changes is prices, never offerings: the machine types, disk types and regions are the
 * committed catalog's. Whatever the SKUs do not price is carried over and named in the coverage, and
 * a price that moves by more than a factor against the committed one is rejected as implausible.
 */
import type { Sku } from "./billingApi";
import type { PriceCatalog, MachineTypePrices } from "./catalog";
import { sortedUnique, type MachineFamilyCoverage, type PriceCoverage, type RefreshResult, type RejectedPrice } from "./priceCoverage";
import { PRICING_OPTIONS, optionLabel, type PricingOption } from "./skuClassification";
import { SkuPriceIndex, type IndexedPrice } from "./skuPriceIndex";

/** A price further than this factor from the committed one is taken for a data error, not a price change. */
export const DEFAULT_MAX_PRICE_CHANGE_FACTOR = 3;

/** The catalog field each pricing option's figure is kept in. */
const FIELD_BY_OPTION = { onDemand: "hour", spot: "hourSpot", commit1y: "month1y", commit3y: "month3y" } as const;

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

/** Rounds off float noise at the precision the catalog keeps the figure in. */
function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Within [current / factor, current x factor]; a price the committed catalog lacks is taken as it comes. */
function isPlausible(apiPrice: number, currentPrice: number | null | undefined, factor: number): boolean {
  if (currentPrice === null || currentPrice === undefined) return true;
  if (currentPrice === 0) return apiPrice === 0;
  const ratio = apiPrice / currentPrice;
  return ratio <= factor && ratio >= 1 / factor;
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

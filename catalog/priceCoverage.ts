/**
 * What a refresh did, figure by figure: refreshed, carried over from the committed catalog,
 * rejected as implausible or skipped, and why; and that account as the lines
 * `infra-cost prices refresh` prints. The types are the contract between building the catalog
 * (buildCatalog.ts) and reporting it, so neither needs the other's code.
 */
import type { PriceCatalog } from "./catalog";
import { optionLabel, type PricingOption } from "./skuClassification";

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

/** Regions and families are listed once each, in order, so reports and coverage compare run to run. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

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

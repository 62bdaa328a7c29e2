/**
 * The stated workloads' own volume claims priced as the persistent disks their storage classes
 * provision (replicas x size): one rule for the review's usage lines and the budget ceiling's note.
 */
import type { PriceCatalog } from "../catalog/catalog";
import { priceShape } from "../cost/pricers";
import type { StatedPodGroup, StatedVolumeClaim } from "../graph/statedPodGroup";

/** USD a month of one claim of every pod of a group; undefined when the catalog has no price for the disk type there. */
export function volumeClaimMonthly(group: StatedPodGroup, claim: StatedVolumeClaim, region: string, catalog: PriceCatalog): number | undefined {
  const priced = priceShape(
    { kind: "diskStorage", diskType: claim.diskType, regional: false, diskGb: claim.sizeGiB, copies: group.replicas, region, label: "Volume claim", storageClass: claim.storageClass },
    catalog,
  );
  return priced.status === "priced" ? priced.components.reduce((sum, c) => sum + c.monthly, 0) : undefined;
}

/** Every stated group's claims in a region, summed, with the groups named. */
export function statedVolumesMonthly(groups: StatedPodGroup[], region: string, catalog: PriceCatalog): { monthly: number; workloads: string[] } {
  let monthly = 0;
  const workloads: string[] = [];
  for (const group of groups) {
    for (const claim of group.volumeClaims ?? []) {
      const cost = volumeClaimMonthly(group, claim, region, catalog);
      if (cost === undefined) continue;
      monthly += cost;
      if (!workloads.includes(group.name)) workloads.push(group.name);
    }
  }
  return { monthly, workloads };
}

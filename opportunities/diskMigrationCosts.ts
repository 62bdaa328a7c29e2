/**
 * What each disk migration the graph declares (graph/diskMigration.ts) saves once it is over, and
 * what it bills on top while it is in progress: the old disk until retire and the copy's snapshot.
 * Every figure is the engine's price of the graph's own resources; the old disk, once retired, is
 * the new disk's shape priced as the old type (same size, same zone), never a typed-in figure.
 */
import { PriceCatalog } from "../catalog/catalog";
import { priceWhatIf } from "../cost/engine";
import type { PricedResource } from "../cost/model";
import { DeclaredDiskMigration, diskMigrationsOf, temporaryMigrationResources } from "../graph/diskMigration";
import { ResourceRecord } from "../graph/resourceRecord";
import { RESOURCE_TYPES } from "../graph/resourceTypes";
import { withDiskType } from "./repricing";

export interface DiskMigrationCost extends DeclaredDiskMigration {
  stack: string;
  /** USD a month, as the engine prices them. */
  oldDiskMonthly: number;
  newDiskMonthly: number;
  snapshotMonthly: number;
  /** The old disk's price less the new one's: what the stack saves once the migration is over. */
  monthlySaving: number;
  /** Billed on top of the end state while in progress: the old disk (until retire) and the snapshot. */
  temporaryMonthly: number;
  /** The same per day in progress (GCE bills disks and snapshots by the second). */
  temporaryDaily: number;
  /** The resources whose cost is temporary, by name. */
  temporary: string[];
}

function pricedNamed(resources: ResourceRecord[], priced: Map<string, PricedResource>, type: string, name: string): PricedResource | undefined {
  const record = resources.find((r) => r.type === type && String(r.inputs.name ?? r.name) === name);
  const price = record ? priced.get(record.urn) : undefined;
  return price?.status === "priced" ? price : undefined;
}

/** The cost of each migration the graph declares; a migration whose disks are not priced is left out with its reason in `unpriced`. */
export function diskMigrationCosts(stack: string, resources: ResourceRecord[], priced: Map<string, PricedResource>, catalog: PriceCatalog): { costs: DiskMigrationCost[]; unpriced: string[] } {
  const costs: DiskMigrationCost[] = [];
  const unpriced: string[] = [];
  for (const migration of diskMigrationsOf(resources)) {
    const newDisk = pricedNamed(resources, priced, RESOURCE_TYPES.disk, migration.newDisk);
    const snapshot = pricedNamed(resources, priced, RESOURCE_TYPES.snapshot, migration.snapshot);
    const oldDisk = pricedNamed(resources, priced, RESOURCE_TYPES.disk, migration.disk);
    const oldPrice = oldDisk ?? (newDisk ? priceWhatIf(newDisk, withDiskType(migration.fromType), catalog) : undefined);
    if (!newDisk || (migration.keepSnapshot !== false && !snapshot) || oldPrice?.status !== "priced") {
      unpriced.push(`${stack} ${migration.disk}: the migration's disks or snapshot are not priced`);
      continue;
    }
    const temporary = temporaryMigrationResources(migration).map(({ type, name }) => ({ name, monthly: pricedNamed(resources, priced, type, name)?.monthly ?? 0 }));
    const temporaryMonthly = temporary.reduce((sum, t) => sum + t.monthly, 0);
    costs.push({
      ...migration,
      stack,
      oldDiskMonthly: oldPrice.monthly,
      newDiskMonthly: newDisk.monthly,
      snapshotMonthly: snapshot?.monthly ?? 0,
      monthlySaving: oldPrice.monthly - newDisk.monthly,
      temporaryMonthly,
      temporaryDaily: temporaryMonthly / (catalog.hoursPerMonth / 24),
      temporary: temporary.map((t) => t.name),
    });
  }
  return { costs, unpriced };
}

/** "in progress, at step copy", or "done" once the migration is closed (after retire, the snapshot gone). */
export function migrationStatus(cost: DeclaredDiskMigration): string {
  return cost.keepSnapshot === false ? "done: retired, snapshot deleted" : `in progress, at step ${cost.step}`;
}

/** One line for a review or report: the step, the saving once over and the temporary cost. */
export function describeDiskMigration(cost: DiskMigrationCost, money: (value: number) => string): string {
  if (cost.keepSnapshot === false) {
    return `${cost.stack} ${cost.disk} ${cost.fromType} -> ${cost.toType} (now ${cost.newDisk}): ${migrationStatus(cost)}; saves ${money(cost.monthlySaving)} a month (${money(cost.oldDiskMonthly)} -> ${money(cost.newDiskMonthly)})`;
  }
  const after = cost.step === "retire" ? "its snapshot until the migration is closed" : `${cost.disk} until retire and its snapshot`;
  return (
    `${cost.stack} ${cost.disk} ${cost.fromType} -> ${cost.toType} (new disk ${cost.newDisk}): ${migrationStatus(cost)}; ` +
    `saves ${money(cost.monthlySaving)} a month once over (${money(cost.oldDiskMonthly)} -> ${money(cost.newDiskMonthly)}); ` +
    `one-off cost of the copy: ${money(cost.temporaryDaily)} a day in progress (${money(cost.temporaryMonthly)} a month: ${after}, temporary)`
  );
}

/**
 * A prod blockchain node's data disk changing type (graph/diskMigration.ts says how the steps
 * go), and the static PersistentVolume and claim the node mounts it through. The schema checks
 * each field; `diskMigrationProblem` the checks across keys (the catalog, names unique across disks).
 */
import { z } from "zod";
import { diskTypeOffered, loadCatalog, PERSISTENT_DISK_TYPES } from "../catalog/catalog";
import { DISK_MIGRATION_STEPS, defaultNewDiskName } from "../graph/diskMigration";
import { diskSchema } from "./clusterSchema";
import { name } from "./fields";

export const diskMigrationSchema = z.strictObject({
  /** The disk type the disk moves to. */
  toType: z.enum(PERSISTENT_DISK_TYPES, `must be one of ${PERSISTENT_DISK_TYPES.join(", ")}`),
  /** The step this stack file declares; each is one reviewed `pulumi up`, in this order. */
  step: z.enum(DISK_MIGRATION_STEPS, `must be one of ${DISK_MIGRATION_STEPS.join(", ")} (in that order, one pulumi up each)`),
  /** The new disk's name; default: the disk's name with the target type (geth-mainnet-data-pd-balanced). */
  newDiskName: name("disk").optional(),
  /** Keep the copy's snapshot (true); false, once retire is applied, closes the migration: the snapshot goes and its cost ends. */
  keepSnapshot: z.boolean().default(true),
});
export type DiskMigrationConfig = z.infer<typeof diskMigrationSchema>;

/** A blockchain node's data disk: a disk, optionally moving to another type. */
export const blockchainNodeDiskSchema = diskSchema.extend({ migration: diskMigrationSchema.optional() });
export type BlockchainNodeDiskConfig = z.infer<typeof blockchainNodeDiskSchema>;

/** The static PersistentVolume and claim the node's pod mounts its data disk through. */
export const blockchainNodeVolumeSchema = z.strictObject({
  /** The claim the node's pod mounts; default: <node>-data. */
  claimName: name("claim").optional(),
  /** The PersistentVolume of the disk as it exists today; default: the disk's name. A new disk's volume is named after it. */
  persistentVolumeName: name("PersistentVolume").optional(),
  /** Adopt the existing volume and claim with `import` (true: the cluster binds its disks this way today). */
  importExisting: z.boolean().default(true),
});
export type BlockchainNodeVolumeConfig = z.infer<typeof blockchainNodeVolumeSchema>;

/** The new disk a migration creates (its configured name or the default). */
export function newDiskNameOf(disk: BlockchainNodeDiskConfig): string | undefined {
  return disk.migration ? (disk.migration.newDiskName ?? defaultNewDiskName(disk.name, disk.migration.toType)) : undefined;
}

/** The migrations' checks across keys: the target type differs and is offered, the new disk's name is free. */
export function diskMigrationProblem(disks: { key: string; disk: BlockchainNodeDiskConfig }[], region: string, catalog: ReturnType<typeof loadCatalog>): string | undefined {
  const taken = new Set(disks.map(({ disk }) => disk.name));
  for (const { key, disk } of disks) {
    const migration = disk.migration;
    if (!migration) continue;
    const at = `${key}.migration`;
    if (migration.toType === disk.type) return `${at}.toType ${JSON.stringify(migration.toType)} is already the disk's type (allowed: another of ${PERSISTENT_DISK_TYPES.join(", ")})`;
    if (!diskTypeOffered(catalog, migration.toType, region)) return `${at}.toType ${JSON.stringify(migration.toType)} is not a disk type offered in ${region}`;
    const newDisk = newDiskNameOf(disk)!;
    if (taken.has(newDisk)) return `${at}.newDiskName ${JSON.stringify(newDisk)} is the name of another disk of this stack (the new disk needs its own name)`;
    taken.add(newDisk);
  }
  return undefined;
}

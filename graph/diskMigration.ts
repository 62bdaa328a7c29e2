/**
 * A data disk's change of type, as a sequence of steps each applied by its own `pulumi up`
 * (GCE cannot change a disk's type in place):
 * - copy: a protected snapshot of the live disk and a new disk of the target type from it;
 * - switch: the blockchain node's PersistentVolume and claim point at the new disk;
 * - retire: the old disk is deleted (its snapshot stays in the stack).
 *
 * The names, the order of the steps and which move between them is allowed are written once here:
 * the config, the BlockchainNodeDisks component, the program's guard, the cost review and the policy
 * pack read them. A leaf module: no Pulumi SDK.
 */
import { COMPONENT_TYPES } from "./componentTypes";
import { revealSecret } from "./resourceRecord";
import { RESOURCE_TYPES } from "./resourceTypes";

export const DISK_MIGRATION_STEPS = ["copy", "switch", "retire"] as const;
export type DiskMigrationStep = (typeof DISK_MIGRATION_STEPS)[number];

/** The stack output each `pulumi up` leaves behind: what the next run reads as the steps applied. */
export const DISK_MIGRATIONS_OUTPUT = "diskMigrations";

/** The new disk's default name: the old one's with the target type (GCE names: at most 63 characters). */
export function defaultNewDiskName(diskName: string, toType: string): string {
  return `${diskName}-${toType}`.slice(0, 63);
}

/** The snapshot the copy is made from: kept until the migration is over. */
export function migrationSnapshotName(diskName: string, toType: string): string {
  return `${diskName}-to-${toType}`.slice(0, 63);
}

/** One migration as the BlockchainNodeDisks component declares it (inputs and outputs) and the stack exports it. */
export interface DeclaredDiskMigration {
  /** The disk being replaced (the live one until switch). */
  disk: string;
  blockchainNode: string;
  fromType: string;
  toType: string;
  step: DiskMigrationStep;
  newDisk: string;
  snapshot: string;
  /** The disk the node's PersistentVolume points at in this step. */
  volumeDisk: string;
  /** True while this run deletes the old disk (step retire, not applied before). */
  retiringOldDisk: boolean;
  /** False once the migration is closed (after retire): the snapshot is no longer declared. */
  keepSnapshot: boolean;
}

/** What the stack's last `pulumi up` exported for one migration (its `diskMigrations` output). */
export interface AppliedDiskMigration {
  step?: DiskMigrationStep;
  newDisk?: string;
  /** Set only once the snapshot and the new disk exist (their ids resolve when they are created). */
  snapshotId?: string;
  newDiskId?: string;
}

/** The step's position: copy 0, switch 1, retire 2; nothing applied -1. */
export function stepIndex(step: DiskMigrationStep | undefined): number {
  return step ? DISK_MIGRATION_STEPS.indexOf(step) : -1;
}

/**
 * Whether declaring `declared` is allowed when `applied` is what the last `up` applied: a step
 * needs the one before it applied (copy needs nothing); going back (a rollback) is allowed to any
 * step before retire, never once retire was applied (the old disk is gone). The problem, if any,
 * as one line naming the disk and the step it is at.
 */
export function migrationStepProblem(disk: string, declared: DiskMigrationStep, applied: AppliedDiskMigration, keepSnapshot = true): string | undefined {
  const at = applied.step;
  const where = `disk ${disk} is at step ${at ?? "none (no step applied)"}`;
  if (!keepSnapshot && (declared !== "retire" || at !== "retire")) {
    return `${where}: keepSnapshot false closes the migration only once retire was applied (the snapshot is the copy of the disk until then)`;
  }
  if (at === "retire" && declared !== "retire") {
    return `${where}: retire was applied and the old disk is deleted, so the migration can no longer go back to ${declared}`;
  }
  const needed = stepIndex(declared) - 1;
  if (needed < 0 || stepIndex(at) >= needed) {
    if (declared === "switch" && !applied.newDiskId) return `${where}: its new disk ${applied.newDisk ?? "(none)"} is not recorded as created by the last pulumi up; apply copy first`;
    if (declared === "retire" && !applied.snapshotId) return `${where}: no snapshot of it is recorded by the last pulumi up; apply copy first`;
    return undefined;
  }
  return `${where}; ${declared} skips ${DISK_MIGRATION_STEPS.slice(stepIndex(at) + 1, stepIndex(declared)).join(" and ")}: apply ${DISK_MIGRATION_STEPS[stepIndex(at) + 1]} first`;
}

/** Every migration the graph's BlockchainNodeDisks components declare (from their inputs, else their outputs). */
export function diskMigrationsOf(resources: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[]): DeclaredDiskMigration[] {
  return resources
    .filter((record) => record.type === COMPONENT_TYPES.blockchainNodeDisks)
    .flatMap((record) => {
      const declared = revealSecret(record.inputs?.migrations ?? record.outputs?.migrations);
      return Array.isArray(declared) ? (declared as DeclaredDiskMigration[]) : [];
    });
}

/**
 * What a migration bills on top of its end state while in progress, by resource type and name: the
 * old disk until retire, and the copy's snapshot. The budget ceiling judges the stack without them
 * and the cost review shows them as temporary.
 */
export function temporaryMigrationResources(migration: DeclaredDiskMigration): { type: string; name: string }[] {
  return [
    ...(migration.step === "retire" ? [] : [{ type: RESOURCE_TYPES.disk, name: migration.disk }]),
    ...(migration.keepSnapshot === false ? [] : [{ type: RESOURCE_TYPES.snapshot, name: migration.snapshot }]),
  ];
}

/**
 * What a step declares, given what the last `up` applied (the program has already refused a
 * skipped step): the disk the node's volume points at, and whether this run deletes the old disk.
 */
export function plannedMigration(
  disk: { name: string; type: string },
  blockchainNode: string,
  migration: { toType: string; step: DiskMigrationStep; newDiskName: string; keepSnapshot?: boolean },
  applied: AppliedDiskMigration,
): DeclaredDiskMigration {
  const { toType, step, newDiskName } = migration;
  return {
    disk: disk.name,
    blockchainNode,
    fromType: disk.type,
    toType,
    step,
    newDisk: newDiskName,
    snapshot: migrationSnapshotName(disk.name, toType),
    volumeDisk: step === "copy" ? disk.name : newDiskName,
    retiringOldDisk: step === "retire" && applied.step !== "retire",
    keepSnapshot: migration.keepSnapshot ?? true,
  };
}

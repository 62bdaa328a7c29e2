/**
 * Which steps of prod's disk migrations were applied, read from the stack's own outputs (a self
 * StackReference): each `pulumi up` exports `diskMigrations` (the step, and the snapshot's and new
 * disk's ids, which resolve only once they exist), so the next run knows what really ran, not what
 * someone believes ran. A declared step that skips one is refused with one line before any
 * resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, newDiskNameOf, ProdConfig } from "../config";
import { AppliedDiskMigration, DISK_MIGRATIONS_OUTPUT, migrationStepProblem } from "../graph/diskMigration";

/** This stack's fully qualified name, as a StackReference names it. */
export function selfStackName(): string {
  return `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/** Old disk -> what the last `up` applied; refuses a skipped step. Reads nothing when no migration is declared. */
export async function appliedDiskMigrations(config: ProdConfig): Promise<Record<string, AppliedDiskMigration>> {
  const migrating = config.blockchainNodes.map((node, index) => ({ node, index })).filter(({ node }) => node.disk.migration);
  if (migrating.length === 0) return {};
  const self = selfStackName();
  const reference = new pulumi.StackReference(self);
  const deployed = ((await reference.getOutputValue(DISK_MIGRATIONS_OUTPUT)) ?? {}) as Record<string, AppliedDiskMigration>;
  const applied: Record<string, AppliedDiskMigration> = {};
  for (const { node, index } of migrating) {
    const { disk } = node;
    const migration = disk.migration!;
    const last = deployed[disk.name] ?? {};
    const newDisk = newDiskNameOf(disk);
    // A record of another target (the migration was re-planned) is not this migration's progress.
    const current = last.newDisk && last.newDisk !== newDisk ? {} : last;
    const problem = migrationStepProblem(disk.name, migration.step, current, migration.keepSnapshot);
    if (problem) throw new ConfigError(`prod: blockchainNodes[${index}].disk.migration.step ${JSON.stringify(migration.step)} refused: ${problem} (the last pulumi up of ${self})`);
    applied[disk.name] = current;
  }
  return applied;
}

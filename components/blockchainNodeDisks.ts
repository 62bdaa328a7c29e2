/**
 * The data disks of prod's blockchain nodes, adopted and protected: they hold chains that take
 * weeks to sync, and they are most of the cluster's storage bill. Each node mounts its disk through
 * a static PersistentVolume and claim, declared here (adopted where they exist). A disk can move to
 * another type in steps (graph/diskMigration.ts): copy (a protected snapshot and a new disk from
 * it), switch (the volume and claim point at the new disk), retire (the old disk goes).
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../graph/componentTypes";
import type { BlockchainNodeDisksInputs } from "../graph/blockchainNodeDisks";
import { AppliedDiskMigration, DeclaredDiskMigration, plannedMigration, stepIndex } from "../graph/diskMigration";
import { regionOf } from "../catalog/gcpLocations";
import { SOURCE_DISK_SIZE_LABEL } from "../cost/readers/snapshot";
import { withLegacyTypeAlias } from "./componentType";
import type { BlockchainNodeDisksArgs, BlockchainNodeDiskSpec, DataVolumeSpec } from "./blockchainNodeDisksArgs";

/** Labels of a blockchain node's data disk: cost allocation plus which node it serves. */
export function dataDiskLabels(labels: { team: string; env: string }, blockchainNode: string): Record<string, string> {
  return { ...labels, component: "blockchain-nodes", "blockchain-node": blockchainNode };
}

/** The claim a node's pod mounts its data through (its name never changes: the pod refers to it). */
export function dataClaimName(blockchainNode: string, volume: DataVolumeSpec): string {
  return volume.claimName ?? `${blockchainNode}-data`;
}

/** The GCE disk path a CSI volume handle and a snapshot's source name. */
export function diskPath(project: string, zone: string, disk: string): string {
  return `projects/${project}/zones/${zone}/disks/${disk}`;
}

/** How long `pulumi up` waits for the copy's snapshot and new disk to be created. */
export const MIGRATION_CREATE_TIMEOUT = "12h";

/** Whether a switch was applied: the node's original volume was then replaced by the new disk's. */
export function switchedBefore(applied: AppliedDiskMigration | undefined): boolean {
  return stepIndex(applied?.step) >= stepIndex("switch");
}

export class BlockchainNodeDisks extends pulumi.ComponentResource {
  /** Blockchain node -> the id of the disk it runs on in this step. */
  public readonly diskIds: Record<string, pulumi.Output<string>> = {};
  /** Old disk -> what this run applies of its migration: the next run's self StackReference reads it back. */
  public readonly migrationOutputs: Record<string, pulumi.Output<AppliedDiskMigration>> = {};

  constructor(name: string, args: BlockchainNodeDisksArgs, opts?: pulumi.ComponentResourceOptions) {
    const migrations: DeclaredDiskMigration[] = args.nodes.flatMap(({ blockchainNode, disk }) =>
      disk.migration ? [plannedMigration(disk, blockchainNode, disk.migration, args.appliedMigrations[disk.name] ?? {})] : [],
    );
    // Which node each disk serves travels with the disks as component inputs: the nodes' workloads
    // run outside this program, and the graph alone must tell a reader these disks are in use. A
    // migration's new disk serves the same node; the migrations tell the cost review and the policy
    // pack what each step adds and deletes.
    const inputs: BlockchainNodeDisksInputs & { migrations: DeclaredDiskMigration[] } = {
      disks: args.nodes.flatMap(({ blockchainNode, relayChainIds, disk }) => [
        ...(migrations.some((m) => m.disk === disk.name && m.step === "retire") ? [] : [{ diskName: disk.name, blockchainNode, relayChainIds: [...relayChainIds] }]),
        ...(disk.migration ? [{ diskName: disk.migration.newDiskName, blockchainNode, relayChainIds: [...relayChainIds] }] : []),
      ]),
      migrations,
    };
    // The serialisable args go along too (the provider stays out), so the recorded state carries them.
    const { provider: _provider, ...serialisable } = args;
    super(COMPONENT_TYPES.blockchainNodeDisks, name, { ...serialisable, ...inputs }, withLegacyTypeAlias("blockchainNodeDisks", opts));
    for (const { blockchainNode, namespace, disk, volume } of args.nodes) {
      const zone = disk.zone ?? args.defaultZone;
      const labels = dataDiskLabels(args.labels, blockchainNode);
      const migration = migrations.find((m) => m.disk === disk.name);
      const declareOld = migration?.step !== "retire";
      const old = declareOld
        ? new gcp.compute.Disk(
            disk.name,
            { name: disk.name, project: args.project, zone, type: disk.type, size: disk.sizeGb, labels },
            { parent: this, import: disk.importId, protect: true },
          )
        : undefined;
      let live = old;
      if (migration) {
        // The copy: a protected snapshot of the live disk, and the new disk made from it (own name,
        // same labels). The live disk is not touched. Once the migration is closed the snapshot goes.
        const snapshot = migration.keepSnapshot
          ? new gcp.compute.Snapshot(
              migration.snapshot,
              {
                name: migration.snapshot,
                project: args.project,
                zone,
                sourceDisk: diskPath(args.project, zone, disk.name),
                storageLocations: [regionOf(zone)],
                // The snapshot's billed size is at most its source disk's: priced from this until GCP reports it.
                labels: { ...labels, [SOURCE_DISK_SIZE_LABEL]: String(disk.sizeGb) },
              },
              // A first snapshot copies every written block of 7 TB: longer than the provider's default wait.
              { parent: this, protect: true, customTimeouts: { create: MIGRATION_CREATE_TIMEOUT }, ...(old ? { dependsOn: [old] } : {}) },
            )
          : undefined;
        const created = new gcp.compute.Disk(
          migration.newDisk,
          // The snapshot by name, not by its output: the disk's source must not change (a replace) when the snapshot goes.
          { name: migration.newDisk, project: args.project, zone, type: migration.toType, size: disk.sizeGb, snapshot: migration.snapshot, labels },
          { parent: this, protect: true, customTimeouts: { create: MIGRATION_CREATE_TIMEOUT }, ...(snapshot ? { dependsOn: [snapshot] } : {}) },
        );
        if (migration.volumeDisk === migration.newDisk) live = created;
        const applied = args.appliedMigrations[disk.name] ?? {};
        this.migrationOutputs[disk.name] = pulumi
          .all([snapshot ? snapshot.id : applied.snapshotId, created.id])
          .apply(([snapshotId, newDiskId]) => ({ step: migration.step, newDisk: migration.newDisk, ...(snapshotId ? { snapshotId } : {}), newDiskId }));
      }
      this.declareVolume(blockchainNode, namespace, volume, zone, disk, migration, args);
      this.diskIds[blockchainNode] = live!.id;
    }
    this.registerOutputs({ diskIds: this.diskIds, migrations });
  }

  /**
   * The node's static PersistentVolume and claim, on the disk of this step. A volume's disk cannot
   * change, so a switch is a new volume (named after its disk) and the claim replaced to bind it:
   * deleted first, as its name is the one the pod mounts.
   */
  private declareVolume(blockchainNode: string, namespace: string, volume: DataVolumeSpec, zone: string, disk: BlockchainNodeDiskSpec, migration: DeclaredDiskMigration | undefined, args: BlockchainNodeDisksArgs): void {
    const onDisk = migration?.volumeDisk ?? disk.name;
    const original = onDisk === disk.name;
    const volumeName = original ? (volume.persistentVolumeName ?? disk.name) : onDisk;
    const claimName = dataClaimName(blockchainNode, volume);
    const storage = `${disk.sizeGb}Gi`;
    const persistentVolume = new k8s.core.v1.PersistentVolume(
      volumeName,
      {
        metadata: { name: volumeName },
        spec: {
          capacity: { storage },
          accessModes: ["ReadWriteOnce"],
          // Deleting the volume (a switch, a rollback) never deletes the disk.
          persistentVolumeReclaimPolicy: "Retain",
          storageClassName: "",
          claimRef: { namespace, name: claimName },
          csi: { driver: "pd.csi.storage.gke.io", volumeHandle: diskPath(args.project, zone, onDisk), fsType: "ext4" },
        },
      },
      // Adopted only while the cluster's own volume exists: a switch deletes it, so a rollback creates it anew.
      { parent: this, provider: args.provider, ...(original && volume.importExisting && !switchedBefore(args.appliedMigrations[disk.name]) ? { import: volumeName } : {}) },
    );
    new k8s.core.v1.PersistentVolumeClaim(
      claimName,
      {
        metadata: { name: claimName, namespace },
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: "", volumeName: persistentVolume.metadata.name, resources: { requests: { storage } } },
      },
      { parent: this, provider: args.provider, deleteBeforeReplace: true, ...(volume.importExisting ? { import: `${namespace}/${claimName}` } : {}) },
    );
  }
}

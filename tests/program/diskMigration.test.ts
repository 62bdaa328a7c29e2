/**
 * geth-mainnet-data moving to pd-balanced, walked step by step through the program under mocks:
 * copy, switch, retire, each with the stack's outputs of the step before as its last `pulumi up`
 * (the self StackReference); every skipped step refused with one line; rollback before retire.
 */
import { RecordOptions, RecordedStack, recordStack } from "../../offline/recordStack";
import { readStackConfig } from "../../offline/stackConfig";
import { migrationStepProblem } from "../../graph/diskMigration";
import { COMPONENT_TYPES } from "../../graph/componentTypes";
import { ResourceRecord } from "../../graph/resourceRecord";
import { all, find } from "./recorded";
import { compareCosts } from "../../cost/costComparison";
import { loadCatalog } from "../../catalog/catalog";

const DISK = "gcp:compute/disk:Disk";
const SNAPSHOT = "gcp:compute/snapshot:Snapshot";
const PV = "kubernetes:core/v1:PersistentVolume";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const OLD = "geth-mainnet-data";
const NEW = "geth-mainnet-data-pd-balanced";
const OLD_HANDLE = `projects/pokt-network-prod/zones/us-east1-b/disks/${OLD}`;
const NEW_HANDLE = `projects/pokt-network-prod/zones/us-east1-b/disks/${NEW}`;

type RawNode = { name: string; disk: Record<string, unknown> };
const committedNodes = () => readStackConfig("prod").values["relay-budget:blockchainNodes"] as RawNode[];

/** Prod's blockchain nodes with geth-mainnet-data's migration at `step` (none: undeclared). */
function atStep(step: string | undefined, migration: Record<string, unknown> = {}): RecordOptions["configOverrides"] {
  return {
    blockchainNodes: committedNodes().map((node) => {
      if (node.disk.name !== OLD) return node;
      const { migration: committed, ...disk } = node.disk;
      return { ...node, disk: step ? { ...disk, migration: { ...(committed as object), ...migration, step } } : disk };
    }),
  };
}

/** What a step's `pulumi up` leaves as the stack's outputs: the next run's self StackReference answer. */
const deployedBy = (run: RecordedStack) => ({ diskMigrations: run.outputs.diskMigrations });

const named = (resources: ResourceRecord[], type: string, name: string) => resources.filter((r) => r.type === type && r.inputs.name === name);
const volumeHandle = (pv: ResourceRecord) => (pv.inputs as any).spec.csi.volumeHandle;
const mainnetVolumes = (resources: ResourceRecord[]) => all(resources, PV).filter((pv) => /geth-mainnet/.test(volumeHandle(pv)));

const refusal = (options: RecordOptions) => recordStack("prod", options).then(() => "ran", (e: Error) => e.message);

describe("a data disk's change of type, step by step", () => {
  let before: RecordedStack;
  let copy: RecordedStack;
  let switched: RecordedStack;
  let retired: RecordedStack;
  beforeAll(async () => {
    before = await recordStack("prod", { configOverrides: atStep(undefined) });
    copy = await recordStack("prod", { configOverrides: atStep("copy"), deployed: {} });
    switched = await recordStack("prod", { configOverrides: atStep("switch"), deployed: deployedBy(copy) });
    retired = await recordStack("prod", { configOverrides: atStep("retire"), deployed: deployedBy(switched) });
  }, 120_000);

  test("without a migration: each node's static PersistentVolume and claim on its disk, adopted with import", () => {
    const volumes = all(before.resources, PV);
    expect(volumes.map((pv) => [pv.name, pv.importId, volumeHandle(pv)])).toContainEqual([OLD, OLD, OLD_HANDLE]);
    expect(volumes).toHaveLength(6);
    const claim = find(before.resources, PVC, "geth-mainnet-data");
    expect(claim.importId).toBe("blockchain/geth-mainnet-data");
    expect((claim.inputs as any).spec).toMatchObject({ storageClassName: "", volumeName: OLD });
    expect(before.outputs.diskMigrations).toBeUndefined();
  });

  test("copy: a protected snapshot of the live disk and a protected new disk from it, own name, same labels; the live disk untouched", () => {
    const [snapshot] = named(copy.resources, SNAPSHOT, "geth-mainnet-data-to-pd-balanced");
    expect(snapshot.protect).toBe(true);
    expect(snapshot.inputs.sourceDisk).toBe(OLD_HANDLE);
    const [created] = named(copy.resources, DISK, NEW);
    const [old] = named(copy.resources, DISK, OLD);
    expect(created).toMatchObject({ protect: true, inputs: { type: "pd-balanced", size: 7348, snapshot: "geth-mainnet-data-to-pd-balanced", labels: old.inputs.labels } });
    expect(created.importId).toBeUndefined();
    // The live disk and the node's volume are exactly as without the migration.
    expect(old).toEqual(named(before.resources, DISK, OLD)[0]);
    expect(mainnetVolumes(copy.resources).map(volumeHandle)).toEqual([OLD_HANDLE]);
    expect(copy.outputs.diskMigrations).toEqual({ [OLD]: { step: "copy", newDisk: NEW, snapshotId: expect.any(String), newDiskId: expect.any(String) } });
  });

  test("switch: the node's volume and claim point at the new disk (a new volume; the claim replaced, deleted first); the old disk stays", () => {
    const volumes = mainnetVolumes(switched.resources);
    expect(volumes.map((pv) => [pv.name, volumeHandle(pv), pv.importId])).toEqual([[NEW, NEW_HANDLE, undefined]]);
    expect((volumes[0].inputs as any).spec).toMatchObject({ persistentVolumeReclaimPolicy: "Retain", claimRef: { namespace: "blockchain", name: "geth-mainnet-data" } });
    expect((find(switched.resources, PVC, "geth-mainnet-data").inputs as any).spec.volumeName).toBe(NEW);
    expect(named(switched.resources, DISK, OLD)[0].protect).toBe(true);
    expect(named(switched.resources, SNAPSHOT, "geth-mainnet-data-to-pd-balanced")).toHaveLength(1);
  });

  test("retire: the old disk leaves the program; the snapshot stays, protected; the component says this run deletes it", () => {
    expect(named(retired.resources, DISK, OLD)).toEqual([]);
    expect(named(retired.resources, SNAPSHOT, "geth-mainnet-data-to-pd-balanced")[0].protect).toBe(true);
    expect(named(retired.resources, DISK, NEW)[0].protect).toBe(true);
    const component = find(retired.resources, COMPONENT_TYPES.blockchainNodeDisks);
    expect(component.inputs.migrations).toEqual([expect.objectContaining({ disk: OLD, step: "retire", volumeDisk: NEW, retiringOldDisk: true })]);
    // The new disk keeps the node's place in the graph (not an orphan); the old one is gone from it.
    expect((component.inputs.disks as { diskName: string }[]).map((d) => d.diskName)).toContain(NEW);
    expect((component.inputs.disks as { diskName: string }[]).map((d) => d.diskName)).not.toContain(OLD);
  });

  test("closing, once retire is applied: keepSnapshot false drops the snapshot; the new disk and its volume do not change", async () => {
    const closed = await recordStack("prod", { configOverrides: atStep("retire", { keepSnapshot: false }), deployed: deployedBy(retired) });
    expect(all(closed.resources, SNAPSHOT).filter((s) => s.name === "geth-mainnet-data-to-pd-balanced")).toEqual([]);
    // Same inputs, same URN: the disk made from the snapshot is not replaced when the snapshot goes.
    const { dependencies: _was, ...newDisk } = named(retired.resources, DISK, NEW)[0];
    expect(named(closed.resources, DISK, NEW)[0]).toEqual(newDisk);
    expect(mainnetVolumes(closed.resources)).toEqual(mainnetVolumes(retired.resources));
    expect(find(closed.resources, COMPONENT_TYPES.blockchainNodeDisks).inputs.migrations).toEqual([expect.objectContaining({ retiringOldDisk: false, keepSnapshot: false })]);
    // The snapshot's id stays recorded, so the migration still reads as retired.
    expect(closed.outputs.diskMigrations).toEqual(retired.outputs.diskMigrations);
    expect(await refusal({ configOverrides: atStep("retire", { keepSnapshot: false }), deployed: deployedBy(switched) })).toContain(
      "disk geth-mainnet-data is at step switch: keepSnapshot false closes the migration only once retire was applied",
    );
  });

  test("each URN that stays keeps its name across the steps (nothing is replaced by a step but the claim)", () => {
    const urns = (run: RecordedStack, type: string) => all(run.resources, type).map((r) => r.urn);
    expect(urns(switched, DISK)).toEqual(urns(copy, DISK));
    expect(urns(retired, DISK)).toEqual(urns(copy, DISK).filter((urn) => !urn.endsWith(`::${OLD}`)));
    expect(urns(retired, SNAPSHOT)).toEqual(urns(copy, SNAPSHOT));
  });

  test("without a recorded last up, each step assumes the one before it was applied (the pull request before deployed it)", async () => {
    const offline = await recordStack("prod", { configOverrides: atStep("retire") });
    expect(offline.resources.map((r) => r.urn)).toEqual(retired.resources.map((r) => r.urn));
  });

  describe("a skipped step is refused with one line naming the disk and the step it is at", () => {
    test.each([
      ["switch with nothing applied", "switch", () => ({}), "disk geth-mainnet-data is at step none (no step applied); switch skips copy: apply copy first"],
      ["copy straight to retire", "retire", () => deployedBy(copy), "disk geth-mainnet-data is at step copy; retire skips switch: apply switch first"],
      ["retire with nothing applied", "retire", () => ({}), "disk geth-mainnet-data is at step none (no step applied); retire skips copy and switch: apply copy first"],
      ["back to switch after retire", "switch", () => deployedBy(retired), "disk geth-mainnet-data is at step retire: retire was applied and the old disk is deleted, so the migration can no longer go back to switch"],
    ])("%s", async (_case, step, deployed, problem) => {
      const message = await refusal({ configOverrides: atStep(step), deployed: deployed() });
      expect(message).toBe(`prod: blockchainNodes[0].disk.migration.step ${JSON.stringify(step)} refused: ${problem} (the last pulumi up of organization/relay-budget/prod)`);
      expect(message).not.toContain("\n");
    });

    test("a last up recorded for another target is not this migration's progress", async () => {
      const message = await refusal({ configOverrides: atStep("switch", { newDiskName: "geth-mainnet-data-b" }), deployed: deployedBy(copy) });
      expect(message).toContain("disk geth-mainnet-data is at step none (no step applied); switch skips copy");
    });

    test("the pure rule: a step needs the one before it applied, with the ids its up recorded", () => {
      expect(migrationStepProblem("d", "copy", {})).toBeUndefined();
      expect(migrationStepProblem("d", "switch", { step: "copy", newDisk: "n", newDiskId: "id", snapshotId: "s" })).toBeUndefined();
      expect(migrationStepProblem("d", "switch", { step: "copy", newDisk: "n" })).toBe("disk d is at step copy: its new disk n is not recorded as created by the last pulumi up; apply copy first");
      expect(migrationStepProblem("d", "retire", { step: "switch", newDiskId: "id" })).toBe("disk d is at step switch: no snapshot of it is recorded by the last pulumi up; apply copy first");
      expect(migrationStepProblem("d", "retire", { step: "retire", snapshotId: "s" })).toBeUndefined();
    });
  });

  describe("rollback, at any step before retire", () => {
    test("from switch back to copy: the volume and claim point at the old disk again", async () => {
      const back = await recordStack("prod", { configOverrides: atStep("copy"), deployed: deployedBy(switched) });
      // The switch deleted the cluster's original volume: it is created again, not imported.
      expect(mainnetVolumes(back.resources).map((pv) => [pv.name, volumeHandle(pv), pv.importId])).toEqual([[OLD, OLD_HANDLE, undefined]]);
      expect((find(back.resources, PVC, "geth-mainnet-data").inputs as any).spec.volumeName).toBe(OLD);
      expect(back.resources.map((r) => r.urn)).toEqual(copy.resources.map((r) => r.urn));
    });

    test("from copy to no migration: the stack is what it was, the copy's disk and snapshot leave the program", async () => {
      const back = await recordStack("prod", { configOverrides: atStep(undefined), deployed: deployedBy(copy) });
      expect(back.resources.map((r) => r.urn)).toEqual(before.resources.map((r) => r.urn));
      expect(named(back.resources, DISK, NEW)).toEqual([]);
    });
  });
});

describe("the cost review of each step: the step before as the before side, the step as the after side", () => {
  const catalog = loadCatalog();
  let runs: Record<string, RecordedStack>;
  beforeAll(async () => {
    const none = await recordStack("prod", { configOverrides: atStep(undefined) });
    const copy = await recordStack("prod", { configOverrides: atStep("copy"), deployed: {} });
    const switched = await recordStack("prod", { configOverrides: atStep("switch"), deployed: deployedBy(copy) });
    const retired = await recordStack("prod", { configOverrides: atStep("retire"), deployed: deployedBy(switched) });
    runs = { none, copy, switch: switched, retire: retired };
  }, 120_000);
  const review = (from: string, to: string) => compareCosts(runs[from].resources, runs[to].resources, catalog);
  const changed = (comparison: ReturnType<typeof compareCosts>) =>
    comparison.lines
      .map((l) => ({ name: l.name, delta: (l.after?.status === "priced" ? l.after.monthly : 0) - (l.before?.status === "priced" ? l.before.monthly : 0) }))
      .filter((l) => Math.abs(l.delta) > 0.004);

  test("copy adds the new disk and the snapshot, nothing else", () => {
    const comparison = review("none", "copy");
    expect(changed(comparison).map((l) => l.name).sort()).toEqual([NEW, "geth-mainnet-data-to-pd-balanced"]);
    expect(comparison.totals.delta).toBeGreaterThan(0);
    expect(comparison.totals.delta).toBeCloseTo(changed(comparison).reduce((sum, l) => sum + l.delta, 0), 2);
  });

  test("switch changes nothing billed", () => {
    expect(changed(review("copy", "switch"))).toEqual([]);
    expect(review("copy", "switch").totals.delta).toBe(0);
  });

  test("retire removes the old disk; the end state is the saving the opportunity promised, less the snapshot until it goes", () => {
    const comparison = review("switch", "retire");
    const old = comparison.lines.find((l) => l.name === OLD)!;
    expect(changed(comparison).map((l) => l.name)).toEqual([OLD]);
    expect(comparison.totals.delta).toBeCloseTo(-(old.before as { monthly: number }).monthly, 2);
    const snapshot = review("none", "retire").lines.find((l) => l.name === "geth-mainnet-data-to-pd-balanced")!.after!.monthly;
    const newDisk = review("none", "retire").lines.find((l) => l.name === NEW)!.after!.monthly;
    expect(review("none", "retire").totals.delta).toBeCloseTo(newDisk + snapshot - (old.before as { monthly: number }).monthly, 2);
  });
});

describe("the migration's config", () => {
  test.each([
    [{ toType: "pd-ssd" }, 'prod: blockchainNodes[0].disk.migration.toType "pd-ssd" is already the disk\'s type (allowed: another of pd-standard, pd-balanced, pd-ssd, pd-extreme)'],
    [{ toType: "pd-fast" }, 'prod: blockchainNodes[0].disk.migration.toType "pd-fast" must be one of pd-standard, pd-balanced, pd-ssd, pd-extreme'],
    [{ step: "done" }, 'prod: blockchainNodes[0].disk.migration.step "done" must be one of copy, switch, retire (in that order, one pulumi up each)'],
    [{ newDiskName: "geth-rinkeby-data" }, 'prod: blockchainNodes[0].disk.migration.newDiskName "geth-rinkeby-data" is the name of another disk of this stack (the new disk needs its own name)'],
    [{ newDiskName: "Geth" }, 'prod: blockchainNodes[0].disk.migration.newDiskName "Geth" is not a valid disk name (lower-case letters, digits and \'-\', starting with a letter, at most 63 characters)'],
  ])("%j is refused with one line naming the key, the value and what is allowed", async (migration, message) => {
    const { step = "copy", ...rest } = migration as Record<string, string>;
    expect(await refusal({ configOverrides: atStep(step, rest), deployed: {} })).toBe(message);
  });
});

/**
 * The policy pack on prod's disk migration, step by step: the pure checks and the pack through the
 * Analyzer protocol (as `pulumi preview --policy-pack policies` runs it). A retire step deletes a
 * protected data disk: snapshot-before-decommission refuses it, mandatory, unless a protected
 * snapshot of that disk is in the stack; the budget ceiling judges the end state.
 */
import * as path from "path";
import { PROJECT_ROOT } from "../../program/projectRoot";
import { readStackConfig } from "../../offline/stackConfig";
import { RecordOptions, RecordedStack } from "../../offline/recordStack";
import { ResourceRecord } from "../../graph/resourceRecord";
import { snapshotBeforeDecommission } from "../../policies/snapshotBeforeDecommission";
import { monthlyBudgetCeiling } from "../../policies/monthlyBudgetCeiling";
import { RunningPolicyPack } from "./analyzerHarness";
import { committedConfig, recordedStack, runStackPolicy } from "./util";

const SNAPSHOT = "gcp:compute/snapshot:Snapshot";
const MIGRATION_SNAPSHOT = "geth-mainnet-data-to-pd-balanced";

type RawNode = { disk: Record<string, unknown> };
/** Prod with geth-mainnet-data's migration at `step`; the last up is the step before (the recorder's default). */
function atStep(step: string): RecordOptions {
  const nodes = readStackConfig("prod").values["relay-budget:blockchainNodes"] as RawNode[];
  return {
    configOverrides: {
      blockchainNodes: nodes.map((node) => (node.disk.name === "geth-mainnet-data" ? { ...node, disk: { ...node.disk, migration: { ...(node.disk.migration as object), step } } } : node)),
    },
  };
}

const withoutSnapshot = (resources: ResourceRecord[]) => resources.filter((r) => !(r.type === SNAPSHOT && r.name === MIGRATION_SNAPSHOT));
const unprotected = (resources: ResourceRecord[]) => resources.map((r) => (r.type === SNAPSHOT && r.name === MIGRATION_SNAPSHOT ? { ...r, protect: false } : r));

describe("snapshot-before-decommission on a disk migration", () => {
  const steps: Record<string, RecordedStack> = {};
  beforeAll(async () => {
    for (const step of ["copy", "switch", "retire"]) steps[step] = await recordedStack("prod", atStep(step));
  }, 120_000);

  test.each(["copy", "switch", "retire"])("passes step %s, whose snapshot is in the stack, protected", async (step) => {
    expect(await runStackPolicy(snapshotBeforeDecommission, steps[step].resources)).toEqual([]);
  });

  test("refuses retire without the snapshot: it deletes protected disk geth-mainnet-data", async () => {
    const component = steps.retire.resources.find((r) => r.type === "relay-budget:blockchain:BlockchainNodeDisks")!;
    expect(await runStackPolicy(snapshotBeforeDecommission, withoutSnapshot(steps.retire.resources))).toEqual([
      {
        urn: component.urn,
        message:
          "disk migration of geth-mainnet-data to pd-balanced at step retire deletes protected data disk geth-mainnet-data (blockchain node geth-mainnet) but the stack has no snapshot of it: keep the migration's protected gcp.compute.Snapshot in the stack while the disk goes.",
      },
    ]);
  });

  test("refuses retire with the snapshot unprotected", async () => {
    const violations = await runStackPolicy(snapshotBeforeDecommission, unprotected(steps.retire.resources));
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining(`snapshot ${MIGRATION_SNAPSHOT} of the disk it deletes is not protected`)]);
  });

  test("does not ask for a snapshot before retire: copy and switch delete no disk", async () => {
    expect(await runStackPolicy(snapshotBeforeDecommission, withoutSnapshot(steps.switch.resources))).toEqual([]);
  });

  test("monthly-budget-ceiling passes every step: it judges the end state and names the temporary cost", async () => {
    const config = committedConfig("prod", "monthly-budget-ceiling");
    for (const step of ["copy", "switch", "retire"]) expect(await runStackPolicy(monthlyBudgetCeiling, steps[step].resources, config)).toEqual([]);
  });

  describe("through the Analyzer protocol, as `pulumi preview --policy-pack policies` runs the pack", () => {
    let pack: RunningPolicyPack;
    beforeAll(async () => {
      pack = await RunningPolicyPack.start({ stack: "prod", project: "relay-budget", stackConfig: { "gcp:region": "us-east1" } });
      await pack.configure(path.join(PROJECT_ROOT, "policies", "config", "prod.json"));
    }, 120_000);
    afterAll(() => pack?.stop());

    test.each(["copy", "switch", "retire"])("step %s: no diagnostic from Analyze or AnalyzeStack", async (step) => {
      expect(await pack.analyzeEach(steps[step].resources)).toEqual([]);
      expect(await pack.analyzeStack(steps[step].resources)).toEqual([]);
    });

    test("retire without the snapshot fails the mandatory check", async () => {
      const diagnostics = await pack.analyzeStack(withoutSnapshot(steps.retire.resources));
      expect(diagnostics).toEqual([
        expect.objectContaining({
          policyName: "snapshot-before-decommission",
          enforcementLevel: "mandatory",
          message: expect.stringContaining("disk migration of geth-mainnet-data to pd-balanced at step retire deletes protected data disk geth-mainnet-data"),
        }),
      ]);
    });
  });
});

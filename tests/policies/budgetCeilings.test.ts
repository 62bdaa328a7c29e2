/**
 * monthly-budget-ceiling and nodepool-budget-ceiling on the recorded stacks, the over-budget
 * variant and preview unknowns. Figures come from the cost engine; the committed ceilings are
 * checked to leave 10-20 % headroom over them.
 */
import { UNKNOWN } from "../../graph/resourceRecord";
import { monthlyBudgetCeiling, splitTemporaryMigrationCosts } from "../../policies/monthlyBudgetCeiling";
import { nodePoolBudgetCeiling } from "../../policies/nodePoolBudgetCeiling";
import { estimateCeilingCost } from "../../policies/ceilingEstimate";
import { viewFromRecord } from "../../policies/resourceView";
import { committedConfig, findRecord, oldSeedPoolOverride, recordedStack, resourceRecord, runResourcePolicy, runStackPolicy, withInputs } from "./util";

const NODE_POOL = "gcp:container/nodePool:NodePool";

describe("monthly-budget-ceiling", () => {
  it.each(["prod", "testnet"] as const)("passes the committed %s stack, whose ceiling leaves 10-20 %% headroom", async (stack) => {
    const { resources } = await recordedStack(stack);
    const config = committedConfig(stack, "monthly-budget-ceiling") as { maxMonthlyCost: number };
    expect(await runStackPolicy(monthlyBudgetCeiling, resources, config)).toEqual([]);
    // The steady state: what a disk migration in progress bills only until it is over is not counted.
    const estimate = estimateCeilingCost(splitTemporaryMigrationCosts(resources.map((r) => viewFromRecord(r, "state"))).steady).monthly;
    const headroom = config.maxMonthlyCost / estimate - 1;
    expect(headroom).toBeGreaterThanOrEqual(0.1);
    expect(headroom).toBeLessThanOrEqual(0.2);
  });

  it("fails the prod seed pool back at 10 x n1-standard-4, naming estimate, ceiling and the five largest contributors", async () => {
    const { resources } = await recordedStack("prod", oldSeedPoolOverride());
    const violations = await runStackPolicy(monthlyBudgetCeiling, resources, committedConfig("prod", "monthly-budget-ceiling"));
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toMatch(/estimated \$3,047\.84 a month exceeds the ceiling of \$2,450\.00 by \$597\.84\./);
    expect(violations[0].message).toContain("seeds (n1-standard-4 x10) $1,072.89");
    expect(violations[0].message.split("Largest contributors: ")[1].split("; ")).toHaveLength(5);
  });

  it("prices an autoscaled pool at its maximum, not the minimum the review shows", async () => {
    const pool = resourceRecord(NODE_POOL, "burst", {
      name: "burst",
      location: "us-east1-b",
      autoscaling: { minNodeCount: 1, maxNodeCount: 10 },
      nodeConfig: { machineType: "e2-standard-4", diskType: "pd-balanced", diskSizeGb: 50 },
    });
    // One e2-standard-4 with its disk is ~$102.84: one node passes a $200 ceiling, ten do not.
    const violations = await runStackPolicy(monthlyBudgetCeiling, [pool], { maxMonthlyCost: 200 });
    expect(violations).toEqual([expect.objectContaining({ message: expect.stringContaining("burst (e2-standard-4 x10)") })]);
    expect(violations[0].message).toContain("Assumed: burst: autoscaling: priced at its maximum of 10 nodes per zone.");
  });

  it("stays a violation when a cost-relevant value is unknown during preview and nothing bounds it", async () => {
    const { resources } = await recordedStack("testnet");
    const pool = findRecord(resources, NODE_POOL, "pocket-core");
    const graph = resources.map((r) => (r === pool ? withInputs(pool, { nodeCount: UNKNOWN }) : r));
    const violations = await runStackPolicy(monthlyBudgetCeiling, graph, committedConfig("testnet", "monthly-budget-ceiling"));
    expect(violations).toEqual([
      expect.objectContaining({ message: expect.stringContaining("cannot verify the $450.00 ceiling during preview: pocket-core: node count unknown until apply and no autoscaling maximum bounds it") }),
    ]);
  });

  it("passes a preview whose unknown node count is bounded by an autoscaling maximum within the ceiling", async () => {
    const { resources } = await recordedStack("testnet");
    const pool = findRecord(resources, NODE_POOL, "pocket-core");
    const graph = resources.map((r) => (r === pool ? withInputs(pool, { nodeCount: UNKNOWN, autoscaling: { minNodeCount: 1, maxNodeCount: 2 } }) : r));
    expect(await runStackPolicy(monthlyBudgetCeiling, graph, committedConfig("testnet", "monthly-budget-ceiling"))).toEqual([]);
  });
});

describe("nodepool-budget-ceiling", () => {
  it.each(["prod", "testnet"] as const)("passes every pool of the committed %s stack, each ceiling 10-20 %% over its estimate", async (stack) => {
    const { resources } = await recordedStack(stack);
    const pools = resources.filter((r) => r.type === NODE_POOL);
    const config = committedConfig(stack, "nodepool-budget-ceiling") as { maxMonthlyCost: Record<string, number> };
    expect(await runResourcePolicy(nodePoolBudgetCeiling, pools, config)).toEqual([]);
    for (const pool of pools) {
      const headroom = config.maxMonthlyCost[pool.name] / estimateCeilingCost([viewFromRecord(pool, "inputs")]).monthly - 1;
      expect([pool.name, headroom >= 0.1 && headroom <= 0.2]).toEqual([pool.name, true]);
    }
  });

  it("fails the old seed pool against the seeds ceiling", async () => {
    const { resources } = await recordedStack("prod", oldSeedPoolOverride());
    const violations = await runResourcePolicy(nodePoolBudgetCeiling, [findRecord(resources, NODE_POOL, "seeds")], committedConfig("prod", "nodepool-budget-ceiling"));
    expect(violations.map((v) => v.message)).toEqual([
      "node pool seeds (n1-standard-4 x10) is estimated at $1,072.89 a month, over its ceiling of $250.00 (maxMonthlyCost.seeds) by $822.89.",
    ]);
  });

  it("holds a pool not listed by name to the default", async () => {
    const { resources } = await recordedStack("prod");
    const system = findRecord(resources, NODE_POOL, "system");
    const renamed = { ...withInputs(system, { name: "batch" }), name: "batch" };
    const violations = await runResourcePolicy(nodePoolBudgetCeiling, [renamed], { maxMonthlyCost: { default: 100, system: 120 } });
    expect(violations[0].message).toContain("over its ceiling of $100.00 (maxMonthlyCost.default)");
  });

  it("ignores everything that is not a node pool", async () => {
    const { resources } = await recordedStack("prod");
    expect(await runResourcePolicy(nodePoolBudgetCeiling, resources.filter((r) => r.type !== NODE_POOL), { maxMonthlyCost: { default: 0 } })).toEqual([]);
  });
});

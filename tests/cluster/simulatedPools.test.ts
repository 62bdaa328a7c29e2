/**
 * The simulated pools the scheduler proof builds (cluster/simulatedPools.ts), the staleness of the
 * committed proof (cluster/schedulerResults.ts) and CI's skip of the real-cluster test on a cold
 * cache (cluster/ci.sh). The proof itself needs the control plane: npm run test:cluster.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadCatalog } from "../../catalog/catalog";
import { PoolProof } from "../../cluster/schedulerProof";
import { SchedulerProofDocument, planHash, poolFinding, schedulerProofLines } from "../../cluster/schedulerResults";
import { simulatedPools } from "../../cluster/simulatedPools";
import { recordStack } from "../../offline/recordStack";
import { PROJECT_ROOT } from "../../program/projectRoot";

jest.setTimeout(120_000);

const catalog = loadCatalog();

function proof(overrides: Partial<PoolProof> = {}): PoolProof {
  return {
    stack: "prod",
    pool: "seeds",
    machineType: "n1-standard-2",
    nodeCount: 4,
    pods: 10,
    placement: { placed: 10, pending: 0, podsPerNode: [3, 3, 2, 2] },
    upgrade: { safe: true, pendingAfter: 0, detail: "" },
    nodeLost: { budgetsKept: true, worstWaiting: 1, detail: "" },
    oneFewer: { nodes: 3, pending: 1, headroom: 0.2, pendingAtDeclared: 0 },
    ...overrides,
  };
}

describe("simulated pools", () => {
  it("shapes prod's seed pool as GKE runs it: the machine type's capacity, GKE's allocatable, the pool's labels and taint, the declared count, the seeds with their budget", async () => {
    const prod = await recordStack("prod");
    const { pools, unsimulated } = simulatedPools("prod", prod.resources, catalog);
    expect(unsimulated).toEqual([]);
    const seeds = pools.find((p) => p.pool === "seeds")!;
    expect(seeds).toMatchObject({
      machineType: "n1-standard-2",
      nodeCount: 4,
      capacity: { cpuMilli: 2000, memoryMi: 7680 },
      // GKE keeps 6 % of the first core and 1 % of the second; 25 % of the first 4 GiB, 20 % of the next 3.5 GiB and 100Mi for eviction
      allocatable: { cpuMilli: 1930, memoryMi: 5839 },
      taints: [{ key: "pokt.network/role", value: "seed", effect: "NoSchedule" }],
      upgrade: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(seeds.labels["cloud.google.com/gke-nodepool"]).toBe("seeds");
    expect(seeds.groups).toEqual([expect.objectContaining({ replicas: 10, cpuMilli: 500, memoryMi: 1536, minAvailable: 7 })]);
    // Every stated pool is simulated, each with its stated pods.
    expect(pools.map((p) => p.pool).sort()).toEqual(["blockchain-nodes", "pocket-core", "seeds", "system"]);
    expect(pools.find((p) => p.pool === "pocket-core")!.groups.reduce((n, g) => n + g.replicas, 0)).toBe(25);
  });

  it("marks the committed proof stale when the plan it was computed for changed, and fresh when it did not", async () => {
    const prod = await recordStack("prod");
    const changed = await recordStack("prod", { configOverrides: { seedPool: { ...(prod.config as { seedPool: object }).seedPool, nodeCount: 5 } } });
    const document: SchedulerProofDocument = {
      version: 1,
      kubeScheduler: "v1.37.2",
      kwok: "kwok v0.8.0",
      computedAt: "2026-12-02T00:00:00.000Z",
      stacks: { prod: { planHash: planHash(simulatedPools("prod", prod.resources, catalog).pools), pools: [proof()] } },
    };
    const fresh = schedulerProofLines("prod", prod.resources, catalog, document);
    expect(fresh).toEqual([expect.objectContaining({ pool: "seeds", stale: false })]);
    expect(fresh[0].text).toBe("kube-scheduler v1.37.2 on simulated nodes: placed 10/10; upgrade-safe; one node lost: 1 pods waiting, PDB kept; with 20 % headroom 4 nodes: 0 Pending, 3 nodes: 1 Pending");
    const stale = schedulerProofLines("prod", changed.resources, catalog, document);
    expect(stale[0].stale).toBe(true);
    expect(stale[0].text).toMatch(/STALE/);
  });

  it("names every scenario a pool failed as a finding, and none when it passed them all", () => {
    expect(poolFinding(proof())).toBeUndefined();
    const finding = poolFinding(
      proof({
        placement: { placed: 6, pending: 4, podsPerNode: [3, 3] },
        upgrade: { safe: false, pendingAfter: 0, detail: "drain stalled" },
        nodeLost: { budgetsKept: false, worstWaiting: 3, detail: "pocket-seed: 6 ready, budget 7" },
        oneFewer: { nodes: 3, pending: 0, headroom: 0.2, pendingAtDeclared: 2 },
      }),
    );
    expect(finding).toMatch(/4 of 10 pods cannot be placed/);
    expect(finding).toMatch(/upgrade not safe: drain stalled/);
    expect(finding).toMatch(/breaks a budget/);
    expect(finding).toMatch(/not tight/);
    expect(finding).toMatch(/the rightsizing's model \(20 % headroom\) leaves 2 pods Pending on the declared 4 nodes/);
  });
});

describe("CI's real-cluster step", () => {
  it("says plainly that it skipped the test when the cluster cache is cold", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "relay-budget-cluster-cache-"));
    try {
      const run = spawnSync("bash", [path.join(PROJECT_ROOT, "cluster", "ci.sh")], { encoding: "utf8", env: { ...process.env, RELAY_BUDGET_CLUSTER_CACHE: empty, RELAY_BUDGET_BUILD_CLUSTER: "" } });
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^real-cluster test SKIPPED: /);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

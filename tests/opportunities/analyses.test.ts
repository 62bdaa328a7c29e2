import { loadCatalog } from "../../catalog/catalog";
import { priceResources } from "../../cost/engine";
import { recordStack } from "../../offline/recordStack";
import { readStackConfig } from "../../offline/stackConfig";
import { analyseStack, opportunitiesDocument } from "../../opportunities/analyse";
import { Opportunity, combinedMonthlySaving, rankOpportunities } from "../../opportunities/opportunity";
import { podsPerPool } from "../../opportunities/podsPerPool";
import { container, nodePool, record, statefulSet } from "./graphs";

const catalog = loadCatalog();
const HOURS = 730;

describe("pods per pool", () => {
  test("nodeSelector, tolerations and affinity pin workloads; the rest are reported unplaced", () => {
    const tainted = nodePool("seeds", { machineType: "e2-standard-4", taints: [{ key: "role", value: "seed", effect: "NO_SCHEDULE" }] }, 2);
    const general = nodePool("general", { machineType: "e2-standard-4" }, 2);
    const other = nodePool("other", { machineType: "e2-standard-4" }, 1);
    const resources = [
      tainted,
      general,
      other,
      statefulSet("by-selector", { nodeSelector: { "cloud.google.com/gke-nodepool": "general" }, containers: [container("500m", "1Gi")] }, 2),
      statefulSet("by-toleration", {
        tolerations: [{ key: "role", operator: "Equal", value: "seed", effect: "NoSchedule" }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "pokt.network/pool", operator: "In", values: ["seeds"] }] }] } } },
        containers: [container("1", "2048Mi")],
      }),
      statefulSet("anywhere", { containers: [container("100m", "128Mi")] }),
    ];
    const placement = podsPerPool(resources);
    const byPool = Object.fromEntries(placement.pools.map((p) => [p.pool, p.groups]));
    expect(byPool.general).toEqual([expect.objectContaining({ source: "workload", replicas: 2, cpu: 0.5, memoryGiB: 1 })]);
    expect(byPool.seeds).toEqual([expect.objectContaining({ name: "StatefulSet chains/by-toleration", cpu: 1, memoryGiB: 2 })]);
    expect(byPool.other).toEqual([]);
    expect(placement.unplaced).toEqual([{ name: "StatefulSet chains/anywhere", reason: "may land on any of general, other: not charged to one pool" }]);
  });

  test("prod: the seed demand reaches the graph as the SeedNodePool's stated demand and the pocket-seeds budget limits 3 per node", async () => {
    const prod = await recordStack("prod");
    const seeds = podsPerPool(prod.resources).pools.find((p) => p.pool === "seeds")!;
    expect(seeds.groups).toEqual([
      expect.objectContaining({ source: "stated", replicas: 10, cpu: 0.5, memoryGiB: 1.5, maxPerNode: 3, inferred: expect.stringContaining("seed pods' requests"), from: expect.stringContaining("seedPool.seedResources x seedReplicas") }),
    ]);
  });
});

describe("analyses on constructed graphs", () => {
  test("family swap at equal shape counts N1's sustained-use discount: n1-highcpu-2 -> e2-highcpu-2 saves $0.09 a node", () => {
    const pool = nodePool("workers", { machineType: "n1-highcpu-2" }, 4);
    const findings = analyseStack({ stack: "prod", resources: [pool] }, catalog);
    const swap = findings.opportunities.find((o) => o.kind === "family-swap")!;
    const n1 = 0.0708486 * HOURS * (1 - 0.3);
    const e2 = 0.04947024 * HOURS;
    expect(swap.monthlySaving).toBeCloseTo(4 * (n1 - e2), 6);
    expect(swap.configChange.commands[0]).toMatch(/e2-highcpu-2/);
    // n1-standard-4 is cheaper than e2-standard-4 once its 30 % discount counts: no swap, said why.
    const standard = analyseStack({ stack: "prod", resources: [nodePool("std", { machineType: "n1-standard-4" }, 2)] }, catalog);
    expect(standard.opportunities.filter((o) => o.kind === "family-swap")).toEqual([]);
    expect(standard.considered.find((c) => c.kind === "family-swap")?.note).toMatch(/no saving at equal shape.*30 % sustained-use discount/);
  });

  test("spot and pd-ssd -> pd-balanced apply outside prod only", () => {
    const resources = [
      nodePool("workers", { machineType: "e2-standard-4", diskType: "pd-ssd" }, 2),
      record("gcp:compute/disk:Disk", "data", { name: "data", zone: "us-east1-b", type: "pd-ssd", size: 200 }),
      record("kubernetes:core/v1:PersistentVolume", "data-pv", { metadata: { name: "data-pv" }, spec: { csi: { volumeHandle: "projects/p/zones/us-east1-b/disks/data" } } }),
    ];
    const testnet = analyseStack({ stack: "testnet", resources }, catalog);
    const spot = testnet.opportunities.find((o) => o.kind === "spot")!;
    const spotHour = catalog.machineTypes["e2-standard-4"].prices["us-east1"].hourSpot!;
    expect(spot.monthlySaving).toBeCloseTo(2 * HOURS * (0.13402284 - spotHour), 6);
    const disk = testnet.opportunities.find((o) => o.id === "testnet/disk-type/data")!;
    expect(disk.monthlySaving).toBeCloseTo(200 * (0.17 - 0.1), 6);
    const bootDisks = testnet.opportunities.find((o) => o.id === "testnet/disk-type/workers")!;
    expect(bootDisks.monthlySaving).toBeCloseTo(2 * 100 * (0.17 - 0.1), 6);
    const prod = analyseStack({ stack: "prod", resources }, catalog);
    expect(prod.opportunities.filter((o) => o.kind === "spot" || o.kind === "disk-type")).toEqual([]);
  });

  test("orphans: a disk no volume claims and an external address nothing uses; used ones are left alone", () => {
    const resources = [
      record("gcp:compute/disk:Disk", "claimed", { name: "claimed", zone: "us-east1-b", type: "pd-balanced", size: 100 }),
      record("kubernetes:core/v1:PersistentVolume", "claimed", { metadata: { name: "claimed" }, spec: { gcePersistentDisk: { pdName: "claimed" } } }),
      record("gcp:compute/disk:Disk", "forgotten", { name: "forgotten", zone: "us-east1-b", type: "pd-standard", size: 500, project: "p" }),
      record("gcp:compute/address:Address", "used-ip", { name: "used-ip", region: "us-east1", address: "34.1.2.3" }),
      record("kubernetes:core/v1:Service", "lb", { metadata: { name: "lb" }, spec: { type: "LoadBalancer", loadBalancerIP: "34.1.2.3" } }),
      record("gcp:compute/address:Address", "spare-ip", { name: "spare-ip", region: "us-east1" }),
    ];
    const findings = analyseStack({ stack: "testnet", resources }, catalog);
    const orphans = findings.opportunities.filter((o) => o.kind.startsWith("orphan"));
    expect(orphans.map((o) => o.id).sort()).toEqual(["testnet/orphan-address/spare-ip", "testnet/orphan-disk/forgotten"]);
    expect(orphans.find((o) => o.resource === "forgotten")!.monthlySaving).toBeCloseTo(500 * 0.04, 6);
    expect(orphans.find((o) => o.resource === "spare-ip")!.monthlySaving).toBeCloseTo(HOURS * catalog.network.staticIpUnusedHour["us-east1"], 6);
    expect(orphans.find((o) => o.resource === "forgotten")!.configChange.commands[0]).toBe("gcloud compute disks delete forgotten --zone us-east1-b --project p");
  });

  test("ranking is by saving, and the total counts only the largest opportunity per resource and no commitment", () => {
    const base = { stack: "s", currentMonthly: 100, proposedMonthly: 0, rationale: "", configChange: { file: "", edits: [], commands: [] }, countsTowardTotal: true };
    const opportunities: Opportunity[] = [
      { ...base, id: "s/family-swap/a", kind: "family-swap", urn: "a", resource: "a", monthlySaving: 10 },
      { ...base, id: "s/rightsizing/a", kind: "rightsizing", urn: "a", resource: "a", monthlySaving: 40 },
      { ...base, id: "s/spot/b", kind: "spot", urn: "b", resource: "b", monthlySaving: 25 },
      { ...base, id: "s/commitment-1y/b", kind: "commitment-1y", urn: "b", resource: "b", monthlySaving: 99, countsTowardTotal: false },
    ];
    expect(rankOpportunities(opportunities).map((o) => o.id)).toEqual(["s/commitment-1y/b", "s/rightsizing/a", "s/spot/b", "s/family-swap/a"]);
    expect(combinedMonthlySaving(opportunities)).toBe(65);
  });
});

describe("the committed stacks", () => {
  test("prod's seed pool at 3 x e2-standard-4 rightsizes to 4 x n1-standard-2, and the config change prices the same when re-recorded", async () => {
    const seedPool = readStackConfig("prod").values["relay-budget:seedPool"] as Record<string, unknown>;
    // The config refuses 3 seed nodes (10 seeds cannot keep 7 up while one of 3 nodes drains), so the
    // pool is given that shape in the recorded resources, as a live pool that drifted would have it.
    const recorded = await recordStack("prod");
    const before = {
      ...recorded,
      resources: recorded.resources.map((r) =>
        r.type === "gcp:container/nodePool:NodePool" && r.name === "seeds"
          ? { ...r, inputs: { ...r.inputs, nodeCount: 3, nodeConfig: { ...(r.inputs.nodeConfig as object), machineType: "e2-standard-4" } } }
          : r,
      ),
    };
    const findings = analyseStack({ stack: "prod", resources: before.resources, config: before.config }, catalog);
    const seeds = findings.opportunities.find((o) => o.id === "prod/rightsizing/seeds")!;
    expect(seeds.configChange.edits).toEqual([
      { path: "relay-budget:seedPool.machineType", value: "n1-standard-2" },
      { path: "relay-budget:seedPool.nodeCount", value: 4 },
    ]);
    expect(findings.warnings.join("\n")).toMatch(/seeds: 3 x e2-standard-4 is too few .* it needs 4 \(bound by disruption budget\)/);

    // Apply the edits to the stack's config and run the program again: the engine's price of the pool is the proposed one.
    const changed = await recordStack("prod", { configOverrides: { seedPool: { ...seedPool, machineType: "n1-standard-2", nodeCount: 4 } } });
    const pool = priceResources(changed.resources, catalog).find((p) => p.type === "gcp:container/nodePool:NodePool" && p.name === "seeds")!;
    expect(pool.monthly).toBeCloseTo(seeds.proposedMonthly, 9);
    expect(seeds.currentMonthly - seeds.proposedMonthly).toBeCloseTo(seeds.monthlySaving, 9);
  });

  test("prod's blockchain node disks are not orphans: their PersistentVolumes, or the graph (BlockchainNodeDisks inputs), say which node each serves, without the config", async () => {
    const prod = await recordStack("prod");
    const findings = analyseStack({ stack: "prod", resources: prod.resources }, catalog);
    expect(findings.opportunities.filter((o) => o.kind === "orphan-disk")).toEqual([]);
    const notes = findings.considered.filter((c) => c.kind === "orphan-disk").map((c) => c.note);
    // Each node's disk has its PersistentVolume; at step copy the migration's new disk has none yet.
    expect(findings.considered.filter((c) => c.kind === "orphan-disk").map((c) => c.resource)).toEqual(["geth-mainnet-data-pd-balanced"]);
    expect(notes.every((note) => /the data disk of blockchain node \S+ \(relay chains .+\), whose workload runs outside this program/.test(note))).toBe(true);
  });

  test("the committed prod config already has that size: no rightsizing of the seed pool remains, and no warning", async () => {
    const prod = await recordStack("prod");
    const findings = analyseStack({ stack: "prod", resources: prod.resources, config: prod.config }, catalog);
    expect(findings.opportunities.find((o) => o.id === "prod/rightsizing/seeds")).toBeUndefined();
    expect(findings.warnings.join("\n")).not.toMatch(/seeds: .* is too few/);
  });

  test("the committed testnet config has the sizes the scheduler proof checked: no rightsizing remains, and no warning", async () => {
    const testnet = await recordStack("testnet");
    const findings = analyseStack({ stack: "testnet", resources: testnet.resources, config: testnet.config }, catalog);
    expect(findings.opportunities.map((o) => o.id)).toEqual(["testnet/spot/pocket-core", "testnet/spot/system"]);
    expect(findings.warnings.join("\n")).not.toMatch(/is too few/);
  });

  test("the JSON document follows the versioned contract", async () => {
    // pocket-core at its former 3 nodes: a rightsizing sized from an inferred demand.
    const committed = await recordStack("testnet");
    if (!("nodePools" in committed.config)) throw new Error("testnet's config has no nodePools");
    const nodePools = committed.config.nodePools.map((pool) => (pool.name === "pocket-core" ? { ...pool, nodeCount: 3 } : pool));
    const testnet = await recordStack("testnet", { configOverrides: { nodePools } });
    const findings = analyseStack({ stack: "testnet", resources: testnet.resources, config: testnet.config }, catalog);
    const document = opportunitiesDocument([{ stack: "testnet", findings }], catalog);
    expect(document).toMatchObject({ version: 1, currency: "USD", hoursPerMonth: 730, catalog: { source: catalog.source, date: catalog.date }, headroom: 0.2 });
    expect(document.opportunities.map((o) => o.id)).toEqual(["testnet/spot/pocket-core", "testnet/rightsizing/pocket-core", "testnet/spot/system"]);
    // Sized from an inferred demand: an option with its risk, never counted.
    expect(document.opportunities[1]).toMatchObject({ countsTowardTotal: false, risk: expect.stringContaining("is inferred") });
    expect(document.opportunities[0].configChange.commands).toEqual(["pulumi config set --stack testnet --path 'nodePools[1].spot' true"]);
    // The total is rounded once; the sum of rounded savings may differ by a cent per opportunity.
    const sumOfRounded = document.opportunities.filter((o) => o.countsTowardTotal).reduce((s, o) => s + o.monthlySaving, 0);
    expect(Math.abs(document.totals.monthlySaving - sumOfRounded)).toBeLessThanOrEqual(0.01 * document.opportunities.length);
  });
});

/**
 * Every pool sized from a stated demand that reaches the analysis through the recorded
 * graph, the VPA cap and replica rules of the packing, and the disk options with their performance.
 */
import { loadCatalog } from "../../catalog/catalog";
import { diskPerformance, instanceCaps, loadDiskPerformance } from "../../catalog/diskPerformance";
import { COMPONENT_TYPES } from "../../graph/componentTypes";
import { parseStackConfig } from "../../config";
import { recordAllStacks, recordStack } from "../../offline/recordStack";
import { readStackConfig } from "../../offline/stackConfig";
import { analyseStack, opportunitiesDocument } from "../../opportunities/analyse";
import { MachineCandidate, cheapestFit } from "../../opportunities/binPacking";
import { podsPerPool } from "../../opportunities/podsPerPool";
import { NODE_POOL_TYPE } from "../../graph/resourceTypes";
import { gkeAllocatable } from "../../sizing/gkeAllocatable";

const catalog = loadCatalog();
type Raw = Record<string, any>;
const K = (key: string) => `relay-budget:${key}`;
const base = (stack: string): Raw => structuredClone(readStackConfig(stack).values);

describe("config poolWorkloads", () => {
  const cases: [string, (r: Raw) => void, string][] = [
    ["a pool the stack does not have", (r) => (r[K("poolWorkloads")]["pocket-cor"] = []), "prod: poolWorkloads.pocket-cor is not a node pool of this stack (allowed: system, pocket-core, blockchain-nodes, seeds)"],
    ["neither source nor inferred", (r) => delete r[K("poolWorkloads")]["pocket-core"][0].source, "prod: poolWorkloads.pocket-core[0] (pocket-validators) needs source (where its figures come from) or inferred (why they are plausible when no source gives them)"],
    ["both source and inferred", (r) => (r[K("poolWorkloads")]["pocket-core"][0].inferred = "guess"), "prod: poolWorkloads.pocket-core[0] (pocket-validators) has both source and inferred: keep source when a source gives every figure, else inferred with the reason"],
    ["VPA cap below the request", (r) => (r[K("poolWorkloads")]["pocket-core"][0].verticalAutoscalerMax.cpu = 0.25), "prod: poolWorkloads.pocket-core[0].verticalAutoscalerMax.cpu 0.25 must not be below requests.cpu 0.5"],
    ["a disk the stack does not have", (r) => (r[K("poolWorkloads")]["blockchain-nodes"][0].dataDisk.name = "geth-main-data"), 'prod: poolWorkloads.blockchain-nodes[0].dataDisk.name "geth-main-data" is not a data disk of this stack (allowed: geth-mainnet-data, geth-rinkeby-data, geth-ropsten-data, geth-goerli-data, poa-kovan-data, poa-xdai-data)'],
    ["a bad request", (r) => (r[K("poolWorkloads")]["pocket-core"][0].requests.cpu = "500m"), 'prod: poolWorkloads.pocket-core[0].requests.cpu "500m" must be a number'],
    ["an unknown field", (r) => (r[K("poolWorkloads")]["pocket-core"][0].request = {}), 'prod: poolWorkloads.pocket-core[0] has unknown key "request" (allowed: name, namespace, replicas, requests, limits, verticalAutoscalerMax, onePerNode, disruptionBudget, dataDisk, volumeClaims, source, inferred)'],
  ];
  test.each(cases)("%s", (_name, mutate, message) => {
    const raw = base("prod");
    mutate(raw);
    expect(() => parseStackConfig("prod", raw)).toThrow(message);
  });
});

describe("every pool's demand comes from the recorded graph", () => {
  test("both stacks: every node pool is sized from a stated or declared demand, none passed over", async () => {
    const recorded = await recordAllStacks();
    const findings = recorded.map((r) => ({ stack: r.stack, findings: analyseStack({ stack: r.stack, resources: r.resources, config: r.config }, catalog) }));
    const document = opportunitiesDocument(findings, catalog);
    const pools = recorded.flatMap((r) => r.resources.filter((x) => x.type === NODE_POOL_TYPE).map((x) => `${r.stack}/${String(x.inputs.name)}`));
    expect(pools.length).toBeGreaterThanOrEqual(6);
    expect(document.pools.map((p) => `${p.stack}/${p.pool}`).sort()).toEqual(pools.sort());
    expect(document.considered.filter((c) => /not rightsized/.test(c.note))).toEqual([]);
    for (const pool of document.pools) {
      expect(pool.requests.pods).toBeGreaterThan(0);
      expect(pool.current.allocatableCpu).toBeGreaterThan(0);
    }
  });

  test("the analysis reads the stated demand from the inputs of the component declaring the pool, not the config", async () => {
    const prod = await recordStack("prod");
    const component = prod.resources.find((r) => r.type === COMPONENT_TYPES.gkeCluster)!;
    expect(component.custom).toBe(false);
    const validators = (component.inputs.statedDemand as any)["pocket-core"][0];
    expect(validators).toMatchObject({ name: "pocket-validators", replicas: 20, requests: { cpu: 0.5 }, verticalAutoscalerMax: { cpu: 3.8, memoryGiB: 11 }, source: expect.stringContaining("k8s-deployment") });
    // Double the validators in the graph only: the placement follows the graph.
    const edited = prod.resources.map((r) => (r === component ? { ...r, inputs: structuredClone(r.inputs) } : r));
    (edited.find((r) => r.type === COMPONENT_TYPES.gkeCluster)!.inputs.statedDemand as any)["pocket-core"][0].replicas = 40;
    const group = (resources: typeof prod.resources) => podsPerPool(resources).pools.find((p) => p.pool === "pocket-core")!.groups.find((g) => g.name.startsWith("pocket-validators "))!;
    expect(group(prod.resources).replicas).toBe(20);
    expect(group(edited).replicas).toBe(40);
    expect(group(prod.resources)).toMatchObject({ source: "stated", largestRequests: { cpu: 3.8, memoryGiB: 11 }, maxPerNode: 19 });
  });

  test("prod's adopted pocket-core size is what the investigation finds: no rightsizing left, the VPA cap fits one node", async () => {
    const prod = await recordStack("prod");
    const findings = analyseStack({ stack: "prod", resources: prod.resources, config: prod.config }, catalog);
    expect(findings.opportunities.find((o) => o.id === "prod/rightsizing/pocket-core")).toBeUndefined();
    const fit = findings.pools!.find((p) => p.pool === "pocket-core")!;
    expect(fit).toMatchObject({ outcome: "kept", current: { machineType: "n1-standard-4", nodes: 5 } });
    const perNode = gkeAllocatable(4, 15);
    expect(perNode.cpu).toBeGreaterThanOrEqual(3.8);
    expect(perNode.memoryGiB).toBeGreaterThanOrEqual(11);
  });
});

describe("packing rules", () => {
  const candidate = (machineType: string): MachineCandidate => {
    const m = catalog.machineTypes[machineType];
    return { machineType, vcpu: m.vcpu, memoryGb: m.memoryGb, allocatable: gkeAllocatable(m.vcpu, m.memoryGb), monthlyPerNode: m.vcpu * 10 };
  };
  test("a vertical autoscaler's cap rejects machines that cannot hold one pod grown to it", () => {
    const groups = [{ name: "validators", replicas: 4, cpu: 0.5, memoryGiB: 0.5 }];
    const without = cheapestFit([candidate("n1-standard-2"), candidate("n1-standard-4")], { groups, headroom: 0.2, zones: 1 });
    expect(without.best?.machineType).toBe("n1-standard-2");
    const capped = cheapestFit([candidate("n1-standard-2"), candidate("n1-standard-4")], { groups: [{ ...groups[0], largestRequests: { cpu: 3.8, memoryGiB: 11 } }], headroom: 0.2, zones: 1 });
    expect(capped.best?.machineType).toBe("n1-standard-4");
    expect(capped.rejected).toBe(1);
  });

  test("a replicated workload is never packed wholly onto one node", async () => {
    const testnet = await recordStack("testnet");
    const system = podsPerPool(testnet.resources).pools.find((p) => p.pool === "system")!;
    const dns = system.groups.find((g) => g.name.startsWith("kube-dns "))!;
    expect(dns).toMatchObject({ replicas: 2, maxPerNode: 1, inferred: expect.stringContaining("kube-dns addon") });
  });
});

describe("disk options", () => {
  const performance = loadDiskPerformance();

  test("the table carries its source and date, and gives Google's per-GiB arithmetic under the VM caps", () => {
    expect(performance.source).toMatch(/cloud\.google\.com\/compute\/docs\/disks\/performance/);
    expect(performance.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const caps = (type: string) => instanceCaps(performance, "n1", 8, type)!;
    // 100 GiB pd-balanced: 3,000 + 6 x 100 IOPS, 140 + 0.28 x 100 MiB/s, under the 15,000 / 800 caps.
    expect(diskPerformance(performance, "pd-balanced", 100, caps("pd-balanced"))).toEqual({ readIops: 3600, writeIops: 3600, readMiBps: 168, writeMiBps: 168 });
    // 7,348 GiB: both SSD types reach the n1-standard-8's caps.
    expect(diskPerformance(performance, "pd-ssd", 7348, caps("pd-ssd"))).toEqual(diskPerformance(performance, "pd-balanced", 7348, caps("pd-balanced")));
    expect(diskPerformance(performance, "pd-standard", 7348, caps("pd-standard"))!.readIops).toBe(5000);
    expect(instanceCaps(performance, "t2a", 8, "pd-ssd")).toBeUndefined();
  });

  /** Prod as it was before the stack file declared geth-mainnet-data's migration. */
  const withoutMigration = () => {
    const nodes = readStackConfig("prod").values["relay-budget:blockchainNodes"] as { disk: Record<string, unknown> }[];
    return { configOverrides: { blockchainNodes: nodes.map(({ disk: { migration: _migration, ...disk }, ...node }) => ({ ...node, disk })) } };
  };

  test("prod's archive disk (before its migration was declared): pd-balanced meets today's performance and counts; pd-standard is an option with its risk", async () => {
    const prod = await recordStack("prod", withoutMigration());
    const findings = analyseStack({ stack: "prod", resources: prod.resources, config: prod.config }, catalog);
    const balanced = findings.opportunities.find((o) => o.id === "prod/disk-type/geth-mainnet-data/pd-balanced")!;
    const standard = findings.opportunities.find((o) => o.id === "prod/disk-type/geth-mainnet-data/pd-standard")!;
    const perGiB = (type: string) => catalog.disks[type]["us-east1"];
    expect(balanced).toMatchObject({ countsTowardTotal: true, configChange: { edits: [{ path: "relay-budget:blockchainNodes[0].disk.type", value: "pd-balanced" }] } });
    expect(balanced.risk).toBeUndefined();
    expect(balanced.monthlySaving).toBeCloseTo(7348 * (perGiB("pd-ssd") - perGiB("pd-balanced")), 6);
    expect(standard).toMatchObject({ countsTowardTotal: false, risk: expect.stringContaining("read IOPS 5,000 < 15,000") });
    const review = findings.disks!.find((d) => d.disk === "geth-mainnet-data")!;
    expect(review).toMatchObject({ machineType: "n1-standard-8", currentType: "pd-ssd", needFrom: expect.stringContaining("taken as what the pd-ssd disk gives today") });
    expect(review.options.map((o) => o.diskType)).toEqual(["pd-standard", "pd-balanced", "pd-ssd"]);
    // Every prod data disk is compared.
    expect(findings.disks!.map((d) => d.disk).sort()).toEqual(prod.config.stack === "prod" ? prod.config.blockchainNodes.map((n) => n.disk.name).sort() : []);
  });

  test("once the stack file declares the migration to pd-balanced, the disk's opportunities are gone: adopted, said as considered", async () => {
    const prod = await recordStack("prod");
    const findings = analyseStack({ stack: "prod", resources: prod.resources, config: prod.config }, catalog);
    expect(findings.opportunities.filter((o) => o.resource === "geth-mainnet-data")).toEqual([]);
    expect(findings.considered).toContainEqual({ stack: "prod", kind: "disk-type", resource: "geth-mainnet-data", note: "moving to pd-balanced as geth-mainnet-data-pd-balanced (in progress, at step copy): adopted in the stack file" });
  });

  test("a stated need decides: poa-kovan on pd-balanced counts once its stated need is within what pd-balanced gives", async () => {
    const raw = base("prod");
    const kovan = raw[K("poolWorkloads")]["blockchain-nodes"].find((w: Raw) => w.name === "poa-kovan");
    kovan.dataDisk.needs = { readIops: 3000, writeIops: 1000, readMiBps: 100, writeMiBps: 50 };
    const prod = await recordStack("prod", { configOverrides: { poolWorkloads: raw[K("poolWorkloads")] } });
    const findings = analyseStack({ stack: "prod", resources: prod.resources, config: prod.config }, catalog);
    expect(findings.opportunities.find((o) => o.id === "prod/disk-type/poa-kovan-data/pd-balanced")).toMatchObject({ countsTowardTotal: true });
    expect(findings.opportunities.find((o) => o.id === "prod/disk-type/poa-kovan-data/pd-standard")).toMatchObject({ countsTowardTotal: false, risk: expect.stringContaining("stated in config") });
  });
});

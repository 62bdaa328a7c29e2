/**
 * Issue 18, attribution: the fixture month (tests/fixtures/billing-export/README.md lists what each
 * row is for) reconciled against the two stacks as the program declares them (the graph the engine
 * prices). Each rule of billing/attribution.ts is checked on the row written for it, and the
 * standard export (no resource columns) must still reach the same resources through labels.
 */
import * as path from "path";
import { loadCatalog } from "../../catalog/catalog";
import { attribute } from "../../billing/attribution";
import type { BilledLine } from "../../billing/billedLine";
import { declaredStack, type DeclaredStack } from "../../billing/declaredResources";
import { aggregateBillingFiles } from "../../billing/duckdbEngine";
import { hoursInMonth, reconcile, type StackReconciliation } from "../../billing/reconcileReport";
import { priceResources } from "../../cost/engine";
import { recordAllStacks, type RecordedStack } from "../../offline/recordStack";

const FIXTURES = path.join(__dirname, "..", "fixtures", "billing-export");
const catalog = loadCatalog();

let recorded: RecordedStack[];
let stacks: DeclaredStack[];
let detailed: BilledLine[];
beforeAll(async () => {
  recorded = await recordAllStacks();
  stacks = recorded.map((run) => declaredStack(run.stack, run.resources, catalog, `Pulumi.${run.stack}.yaml`));
  detailed = (await aggregateBillingFiles([path.join(FIXTURES, "detailed-202106.json")])).lines;
}, 120_000);

const report = (lines: BilledLine[]) => reconcile({ engine: "DuckDB", inputs: [], inputLabel: "fixture", lines, stacks: stacks.map((declared) => ({ declared, predictedFrom: "program" })), months: [] });
const stackOf = (lines: BilledLine[], name: string): StackReconciliation => report(lines).months[0].stacks.find((stack) => stack.stack === name)!;
const resourceOf = (stack: StackReconciliation, name: string) => stack.resources.find((resource) => resource.name === name)!;
const lineWhere = (predicate: (line: BilledLine) => boolean) => {
  const found = detailed.filter(predicate);
  expect(found).toHaveLength(1);
  return found[0];
};
const attributionOf = (line: BilledLine) => {
  const result = attribute(line, stacks);
  return result.kind === "resource" ? `${result.stack.stack}/${result.resource.name} by ${result.rule}` : result.kind === "other project" ? result.kind : `${result.stack.stack} ${result.kind}${result.kind === "charge" ? ` ${result.costType}` : ""}`;
};

describe("what the bill is matched against comes from the graph", () => {
  it("each stack's project, cluster, and resources with their GCP names and labels, priced by the engine", () => {
    const prod = stacks.find((stack) => stack.stack === "prod")!;
    expect(prod.projectId).toBe("pokt-network-prod");
    expect(prod.clusterName).toBe("prod");
    const seeds = prod.resources.find((resource) => resource.name === "seeds")!;
    expect(seeds).toMatchObject({ kind: "nodePool", labels: { team: "infra", env: "prod", component: "pocket-seeds" } });
    const engineSeeds = priceResources(recorded[0].resources, catalog).find((priced) => priced.urn === seeds.urn)!;
    expect(seeds.predictedMonthly).toBe(engineSeeds.monthly);
    expect(prod.resources.map((resource) => `${resource.kind}:${resource.name}`).sort()).toEqual(
      [
        "cluster:prod",
        "disk:geth-goerli-data",
        "disk:geth-mainnet-data",
        "disk:geth-mainnet-data-pd-balanced",
        "disk:geth-rinkeby-data",
        "disk:geth-ropsten-data",
        "disk:poa-kovan-data",
        "disk:poa-xdai-data",
        "forwardingRule:blockchain-proxy",
        "nodePool:blockchain-nodes",
        "nodePool:pocket-core",
        "nodePool:seeds",
        "nodePool:system",
        "snapshot:geth-mainnet-data-to-pd-balanced",
      ].sort(),
    );
  });
});

describe("each rule on the row written for it", () => {
  it.each([
    ["node pool VMs by goog-k8s-cluster-name / goog-k8s-node-pool-name", (l: BilledLine) => l.nodePoolLabel === "seeds" && l.skuDescription!.includes("Core"), "prod/seeds by node pool labels"],
    ["a node's boot disk by the same labels", (l: BilledLine) => l.nodePoolLabel === "seeds" && l.skuDescription === "Balanced PD Capacity", "prod/seeds by node pool labels"],
    ["a pool's VMs by the program's team/env/component labels alone", (l: BilledLine) => l.componentLabel === "system" && l.projectId === "pokt-network-prod", "prod/system by cost labels"],
    ["a disk by resource.name", (l: BilledLine) => l.resourceName === "geth-mainnet-data", "prod/geth-mainnet-data by resource name"],
    ["a disk by its labels when the resource columns are empty", (l: BilledLine) => l.blockchainNodeLabel === "geth-rinkeby" && l.projectId === "pokt-network-prod", "prod/geth-rinkeby-data by cost labels"],
    ["a snapshot by resource.name", (l: BilledLine) => l.resourceName === "testnet-geth-rinkeby-data-final", "testnet/testnet-geth-rinkeby-data-final by resource name"],
    ["a snapshot by resource.global_name", (l: BilledLine) => (l.resourceGlobalName ?? "").endsWith("/snapshots/testnet-geth-goerli-data-final"), "testnet/testnet-geth-goerli-data-final by resource name"],
    ["a snapshot by labels (snapshot SKU)", (l: BilledLine) => l.blockchainNodeLabel === "geth-ropsten" && l.projectId === "pokt-network-testnet", "testnet/testnet-geth-ropsten-data-final by resource name".replace("resource name", "cost labels")],
    ["the GKE cluster fee by cluster", (l: BilledLine) => l.service === "Kubernetes Engine" && l.projectId === "pokt-network-prod", "prod/prod by resource name"],
    ["the GKE cluster fee by the cluster label", (l: BilledLine) => l.service === "Kubernetes Engine" && l.projectId === "pokt-network-testnet", "testnet/testnet by cluster fee"],
    ["the load balancer's forwarding rule by its SKU (one declared)", (l: BilledLine) => /Forwarding Rule/.test(l.skuDescription ?? ""), "prod/blockchain-proxy by forwarding rule SKU"],
    ["unlabeled egress: not declared", (l: BilledLine) => /Egress/.test(l.skuDescription ?? ""), "prod undeclared"],
    ["a stray VM: not declared", (l: BilledLine) => l.resourceName === "debug-vm", "prod undeclared"],
    ["the validators' own volumes: not declared", (l: BilledLine) => (l.resourceName ?? "").startsWith("pvc-"), "prod undeclared"],
    ["logging: not declared", (l: BilledLine) => l.service === "Cloud Logging", "prod undeclared"],
    ["a pool the program does not declare (scaled to zero, resized by hand)", (l: BilledLine) => l.nodePoolLabel === "blockchain-nodes" && l.projectId === "pokt-network-testnet", "testnet undeclared"],
    ["tax apart from usage", (l: BilledLine) => l.costType === "tax" && l.projectId === "pokt-network-prod", "prod charge tax"],
    ["rounding error apart from usage", (l: BilledLine) => l.costType === "rounding_error", "prod charge rounding_error"],
    ["a project no stack declares", (l: BilledLine) => l.projectId === "pokt-network-dev", "other project"],
  ])("%s", (_rule, predicate, expected) => {
    expect(attributionOf(lineWhere(predicate))).toBe(expected);
  });

  it("a row of another cluster in the stack's project is not the stack's pool", () => {
    const seeds = lineWhere((l) => l.nodePoolLabel === "seeds" && l.skuDescription!.includes("Core"));
    expect(attributionOf({ ...seeds, clusterLabel: "other-cluster" })).toBe("prod undeclared");
  });

  it("a bare resource name is trusted only within the service that bills the kind", () => {
    const disk = lineWhere((l) => l.resourceName === "geth-mainnet-data");
    expect(attributionOf({ ...disk, service: "Cloud Storage", resourceGlobalName: null, blockchainNodeLabel: null, componentLabel: null })).toBe("prod undeclared");
  });
});

describe("the report for the fixture month", () => {
  it("per resource: predicted scaled to June's 720 hours, billed at list, credits netted, drift", () => {
    const prod = stackOf(detailed, "prod");
    const seeds = resourceOf(prod, "seeds");
    const engineSeeds = stacks[0].resources.find((resource) => resource.name === "seeds")!.predictedMonthly;
    expect(hoursInMonth("202106")).toBe(720);
    expect(seeds.predicted).toBe(Math.round(((engineSeeds * 720) / 730) * 100) / 100);
    // 160 + 48.50 + 19.73 billed, -20 - 6 sustained-use credits
    expect(seeds).toMatchObject({ billedList: 228.23, billedCost: 228.23, credits: -26, billedNet: 202.23, matchedBy: ["node pool labels"] });
    expect(seeds.driftUsd).toBe(Math.round((202.23 - seeds.predicted) * 100) / 100);
    expect(resourceOf(prod, "pocket-core").billedNet).toBe(480);
  });

  it("coverage is the share of the stack's usage bill the declared resources explain; the largest undeclared lines follow", () => {
    const prod = stackOf(detailed, "prod");
    expect(prod.billedNet).toBe(3099.81 - 128);
    expect(prod.undeclared.billedNet).toBe(255 + 142.37 + 34.56 + 12.4);
    expect(prod.coverage).toBe(Math.round(((prod.billedNet - prod.undeclared.billedNet) / prod.billedNet) * 10000) / 10000);
    expect(prod.largestUndeclared.map((line) => [line.service, line.sku, line.billedNet])).toEqual([
      ["Compute Engine", "SSD backed PD Capacity", 255],
      ["Compute Engine", "Network Internet Egress from Americas to Americas", 142.37],
      ["Compute Engine", "N1 Predefined Instance Core running in Americas", 34.56],
      ["Cloud Logging", "Log Volume", 12.4],
    ]);
    expect(prod.charges).toEqual({ tax: 25.51, adjustment: 0, roundingError: -0.01 });
  });

  it("says what was converted and what belongs to no stack", () => {
    const result = report(detailed);
    expect(result.converted).toEqual({ rows: 1, currencies: ["EUR"] });
    expect(result.otherProjects).toEqual([{ month: "202106", billedNet: 40 }]);
  });

  it("the standard export (no resource columns) reaches the same resources through labels, except what only a name identifies", async () => {
    const standard = (await aggregateBillingFiles([path.join(FIXTURES, "standard-202106.json")])).lines;
    const prodDetailed = stackOf(detailed, "prod");
    const prodStandard = stackOf(standard, "prod");
    // geth-mainnet-data is left out: prod's migration (step copy) declares its copy with the same labels,
    // so labels alone fit two disks and the fallback does not guess (the detailed export names it).
    for (const name of ["seeds", "pocket-core", "system", "blockchain-nodes", "geth-rinkeby-data", "prod", "blockchain-proxy"]) {
      expect([name, resourceOf(prodStandard, name).billedNet]).toEqual([name, resourceOf(prodDetailed, name).billedNet]);
    }
    // The goerli snapshot's row carries only its global name: without the resource columns it is undeclared.
    const testnetStandard = stackOf(standard, "testnet");
    expect(resourceOf(testnetStandard, "testnet-geth-goerli-data-final").billedNet).toBe(0);
    expect(testnetStandard.undeclared.billedNet).toBe(stackOf(detailed, "testnet").undeclared.billedNet + 2.41);
  });

  it("--fail-above-drift-percent lists every resource and stack beyond it", () => {
    const result = reconcile({ engine: "DuckDB", inputs: [], inputLabel: "fixture", lines: detailed, stacks: stacks.map((declared) => ({ declared, predictedFrom: "program" })), months: [], failAboveDriftPercent: 50 });
    expect(result.threshold!.exceeded.map((entry) => `${entry.stack} ${entry.name}`)).toEqual(["prod geth-mainnet-data-pd-balanced", "prod geth-mainnet-data-to-pd-balanced", "prod prod"]);
    const none = reconcile({ engine: "DuckDB", inputs: [], inputLabel: "fixture", lines: detailed, stacks: stacks.map((declared) => ({ declared, predictedFrom: "program" })), months: [], failAboveDriftPercent: 100 });
    expect(none.threshold!.exceeded).toEqual([]);
  });
});

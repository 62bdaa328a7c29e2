/**
 * The pack as the Pulumi CLI runs it: started with run-policy-pack, configured with the stack's
 * --policy-pack-config file, called over the Analyzer gRPC protocol with every resource of the
 * program run under mocks (Analyze per resource, AnalyzeStack with all of them).
 */
import { PROJECT_ROOT } from "../../program/projectRoot";
import * as path from "path";
import { UNKNOWN } from "../../graph/resourceRecord";
import { COMPONENT_TYPES } from "../../graph/componentTypes";
import { PolicyPackConfigRejected, RunningPolicyPack } from "./analyzerHarness";
import { findRecord, oldSeedPoolOverride, recordedStack, withInputs } from "./util";
import * as fs from "fs";
import * as os from "os";
import type { ResourceRecord } from "../../graph/resourceRecord";
import { loadCatalog } from "../../catalog/catalog";
import { priceResources } from "../../cost/engine";
import { money } from "../../cost/money";
import { splitTemporaryMigrationCosts } from "../../policies/monthlyBudgetCeiling";
import { recordForPricing, viewFromRecord } from "../../policies/resourceView";
import { priceUsage } from "../../usage/priceUsage";
import { readStackUsageFile } from "../../usage/readUsageFile";

const configFile = (stack: string) => path.join(PROJECT_ROOT, "policies", "config", `${stack}.json`);
const NODE_POOL = "gcp:container/nodePool:NodePool";

describe.each(["prod", "testnet"] as const)("the %s stack through the analyzer protocol", (stack) => {
  let pack: RunningPolicyPack;

  beforeAll(async () => {
    const { config } = await recordedStack(stack);
    pack = await RunningPolicyPack.start({ stack, project: "relay-budget", stackConfig: { "gcp:region": config.region } });
  }, 120_000);
  afterAll(() => pack?.stop());

  it("advertises every policy with its level and config schema", async () => {
    const info = await pack.getAnalyzerInfo();
    expect(info.name).toBe("relay-budget");
    expect(info.policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["monthly-budget-ceiling", "mandatory"],
      ["nodepool-budget-ceiling", "mandatory"],
      ["allowed-machine-types", "advisory"],
      ["proxy-internal-only", "mandatory"],
      ["no-plaintext-secrets", "mandatory"],
      ["snapshot-before-decommission", "mandatory"],
      ["cost-allocation-labels", "advisory"],
    ]);
    expect(info.policies[0].configSchema).toEqual({
      properties: { maxMonthlyCost: { type: "number", minimum: 0, description: expect.any(String) }, usageFile: { type: "string", minLength: 1, description: expect.any(String) } },
      required: ["maxMonthlyCost"],
    });
  });

  it("passes the committed stack: no diagnostic from Analyze or AnalyzeStack", async () => {
    const configured = await pack.configure(configFile(stack));
    expect(configured.get("allowed-machine-types")!.enforcementLevel).toBe(stack === "testnet" ? "mandatory" : "advisory");
    const { resources } = await recordedStack(stack);
    expect(await pack.analyzeEach(resources)).toEqual([]);
    expect(await pack.analyzeStack(resources)).toEqual([]);
  });

  it("keeps a ceiling mandatory during preview: an unknown node count is priced at the autoscaling maximum", async () => {
    await pack.configure(configFile(stack));
    const { resources } = await recordedStack(stack);
    const pool = resources.find((r) => r.type === NODE_POOL && r.name === "pocket-core")!;
    // A preview where the count is computed: unknown, bounded only by an autoscaling maximum of 40.
    const previewed = withInputs(pool, { nodeCount: UNKNOWN, autoscaling: { minNodeCount: 1, maxNodeCount: 40 } });
    const graph = resources.map((r) => (r === pool ? previewed : r));

    const poolDiagnostics = await pack.analyze(previewed, graph);
    expect(poolDiagnostics).toEqual([
      expect.objectContaining({ policyName: "nodepool-budget-ceiling", enforcementLevel: "mandatory", message: expect.stringContaining("autoscaling: priced at its maximum of 40 nodes per zone") }),
    ]);
    const stackDiagnostics = await pack.analyzeStack(graph);
    expect(stackDiagnostics).toEqual([expect.objectContaining({ policyName: "monthly-budget-ceiling", enforcementLevel: "mandatory" })]);
    // Never @pulumi/policy's downgrade of an unknown to an advisory.
    expect([...poolDiagnostics, ...stackDiagnostics].some((d) => d.message.includes("can't run policy"))).toBe(false);
  });

  it("refuses to pass a ceiling it cannot bound: an unknown machine type is a mandatory violation", async () => {
    await pack.configure(configFile(stack));
    const { resources } = await recordedStack(stack);
    const pool = resources.find((r) => r.type === NODE_POOL && r.name === "system")!;
    const previewed = withInputs(pool, { "nodeConfig.machineType": UNKNOWN });
    const diagnostics = await pack.analyzeStack(resources.map((r) => (r === pool ? previewed : r)));
    expect(diagnostics).toEqual([
      expect.objectContaining({
        policyName: "monthly-budget-ceiling",
        enforcementLevel: "mandatory",
        message: expect.stringContaining("cannot verify the"),
      }),
    ]);
    expect(diagnostics[0].message).toContain("system: not priced: nodeConfig.machineType is unknown until apply");
  });
});

describe("snapshot-before-decommission on testnet's decommissioned chains (prod's disk migrations: diskMigration.test.ts)", () => {
  let pack: RunningPolicyPack;
  beforeAll(async () => {
    pack = await RunningPolicyPack.start({ stack: "testnet", project: "relay-budget" });
    await pack.configure(configFile("testnet"));
  }, 120_000);
  afterAll(() => pack?.stop());

  it("still runs where the component is: an unprotected snapshot of a decommissioned chain is refused", async () => {
    const { resources } = await recordedStack("testnet");
    const snapshot = resources.find((r) => r.type === "gcp:compute/snapshot:Snapshot" && r.name === "testnet-geth-rinkeby-data-final")!;
    const diagnostics = await pack.analyzeStack(resources.map((r) => (r === snapshot ? { ...r, protect: false } : r)));
    expect(diagnostics).toEqual([
      expect.objectContaining({ policyName: "snapshot-before-decommission", enforcementLevel: "mandatory", urn: snapshot.urn, message: expect.stringContaining("is not protected") }),
    ]);
  });

  it("finds nothing to keep where no component declares a disk that goes", async () => {
    const { resources } = await recordedStack("testnet");
    const withoutComponent = resources.filter((r) => r.type !== COMPONENT_TYPES.testnetBlockchains);
    const snapshot = withoutComponent.find((r) => r.type === "gcp:compute/snapshot:Snapshot")!;
    const { diagnostics, notApplicable } = await pack.analyzeStackWithSkips(withoutComponent.map((r) => (r === snapshot ? { ...r, protect: false } : r)));
    expect(diagnostics).toEqual([]);
    expect(notApplicable.map((n) => n.policyName)).not.toContain("snapshot-before-decommission");
  });
});

describe("the over-budget variant (the prod seed pool back at 10 x n1-standard-4)", () => {
  let pack: RunningPolicyPack;
  beforeAll(async () => {
    pack = await RunningPolicyPack.start({ stack: "prod", project: "relay-budget" });
    await pack.configure(configFile("prod"));
  }, 120_000);
  afterAll(() => pack?.stop());

  it("gets a mandatory monthly-budget-ceiling violation naming the estimate, the ceiling and the largest contributors", async () => {
    const { resources } = await recordedStack("prod", oldSeedPoolOverride());
    const diagnostics = await pack.analyzeStack(resources);
    const ceiling = diagnostics.find((d) => d.policyName === "monthly-budget-ceiling");
    expect(ceiling).toEqual(expect.objectContaining({ enforcementLevel: "mandatory" }));
    expect(ceiling!.message).toMatch(/estimated \$3,\d{3}\.\d\d a month exceeds the ceiling of \$2,450\.00/);
    expect(ceiling!.message).toContain("seeds (n1-standard-4 x10)");
    expect(ceiling!.message.split("Largest contributors: ")[1].split(";")).toHaveLength(5);
  });

  it("and the seed pool's own ceiling refuses it before it is created", async () => {
    const { resources } = await recordedStack("prod", oldSeedPoolOverride());
    const diagnostics = await pack.analyze(findRecord(resources, NODE_POOL, "seeds"), resources);
    expect(diagnostics).toEqual([
      expect.objectContaining({ policyName: "nodepool-budget-ceiling", enforcementLevel: "mandatory", message: expect.stringContaining("maxMonthlyCost.seeds") }),
    ]);
  });
});

describe("usage beside the monthly ceiling (the usage file the policy config names)", () => {
  let pack: RunningPolicyPack;
  beforeAll(async () => {
    pack = await RunningPolicyPack.start({ stack: "prod", project: "relay-budget" });
  }, 120_000);
  afterAll(() => pack?.stop());

  const writeConfig = (ceiling: Record<string, unknown>) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "config.json");
    const committed = JSON.parse(fs.readFileSync(configFile("prod"), "utf8")) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...committed, "monthly-budget-ceiling": ceiling }));
    return file;
  };
  const ceilingMessage = async (resources: ResourceRecord[]) => (await pack.analyzeStack(resources)).find((d) => d.policyName === "monthly-budget-ceiling")!.message;
  const estimated = (message: string) => /estimated (\$[\d,.]+) a month/.exec(message)![1];

  it("names the usage of usage.prod.yml beside the ceiling, priced as the review prices it, and does not count it", async () => {
    const { resources } = await recordedStack("prod", oldSeedPoolOverride());
    await pack.configure(configFile("prod"));
    const withUsage = await ceilingMessage(resources);
    // What the review prices for the same resources (their state, as the pack sees them), from the same file.
    const views = splitTemporaryMigrationCosts(resources.map((r) => viewFromRecord(r, "state"))).steady.map(recordForPricing);
    const catalog = loadCatalog();
    const usageFile = readStackUsageFile("prod", path.join(PROJECT_ROOT, "usage.prod.yml"))!;
    const [usage] = priceUsage([{ stack: "prod", usageFile: { ...usageFile, shown: "usage.prod.yml" }, before: null, after: { records: views, priced: priceResources(views, catalog) }, partial: true }], catalog);
    expect(usage.totals.after).toBeGreaterThan(0);
    const lines = usage.lines.filter((line) => line.side === "after");
    const inferred = lines.filter((line) => line.source.startsWith("inferred")).length;
    expect(withUsage).toContain(`Usage-based, not counted against the ceiling: ${money(usage.totals.after)} a month from usage.prod.yml (`);
    expect(withUsage).toContain(`${inferred} of ${lines.length} lines inferred`);
    // Not counted: the estimate is the one without a usage file.
    await pack.configure(writeConfig({ maxMonthlyCost: 2450 }));
    const withoutUsage = await ceilingMessage(resources);
    expect(withoutUsage).toContain("Usage-based, not counted against the ceiling: usage not stated (no usage file).");
    expect(estimated(withUsage)).toBe(estimated(withoutUsage));
  });

  it("refuses a usage file the config names and that is not there, naming the file", async () => {
    const { resources } = await recordedStack("prod");
    await pack.configure(writeConfig({ maxMonthlyCost: 2450, usageFile: "../usage.nowhere.yml" }));
    await expect(pack.analyzeStack(resources)).rejects.toThrow(/usage\.nowhere\.yml: cannot read the usage file \(ENOENT\)/);
  });
});

describe("bad policy config through the CLI's validation", () => {
  let pack: RunningPolicyPack;
  beforeAll(async () => {
    pack = await RunningPolicyPack.start({ stack: "prod", project: "relay-budget" });
  }, 120_000);
  afterAll(() => pack?.stop());

  const writeConfig = (document: unknown) => {
    const fs = require("fs") as typeof import("fs");
    const os = require("os") as typeof import("os");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "config.json");
    fs.writeFileSync(file, JSON.stringify(document));
    return file;
  };

  it("rejects a negative ceiling and a wrong type before any analysis, naming policy and key", async () => {
    const file = writeConfig({ "monthly-budget-ceiling": { maxMonthlyCost: -5 }, "nodepool-budget-ceiling": { maxMonthlyCost: { default: "lots" } } });
    await expect(pack.configure(file)).rejects.toThrow(PolicyPackConfigRejected);
    await expect(pack.configure(file)).rejects.toThrow(/monthly-budget-ceiling: maxMonthlyCost must be >= 0.*nodepool-budget-ceiling: maxMonthlyCost\.default must be number/);
  });

  it("rejects an unknown key at the first analysis (the CLI's schema check cannot see top-level keys)", async () => {
    const file = writeConfig({ "monthly-budget-ceiling": { maxMonthlyCost: 3600, maxMonthlyCots: 1 }, "nodepool-budget-ceiling": { maxMonthlyCost: { default: 100 } } });
    await pack.configure(file);
    const { resources } = await recordedStack("prod");
    await expect(pack.analyzeStack(resources)).rejects.toThrow(/policy config monthly-budget-ceiling: unknown key "maxMonthlyCots" \(allowed: maxMonthlyCost, usageFile, enforcementLevel\)/);
  });
});

describe("a preview that gives a resource no state (its provider's configuration unknown until apply)", () => {
  let pack: RunningPolicyPack;
  beforeAll(async () => {
    // A process of its own: the inputs `Analyze` received are kept for the run.
    pack = await RunningPolicyPack.start({ stack: "prod", project: "relay-budget" });
  }, 120_000);
  afterAll(() => pack?.stop());

  it("reads what the program declares for it, as `Analyze` received it, and says so", async () => {
    const { resources } = await recordedStack("prod");
    // What the engine hands AnalyzeStack when the Kubernetes provider's kubeconfig (the cluster's endpoint) is unknown: `{}`.
    const preview = resources.map((r) => (r.custom && r.type.startsWith("kubernetes:") ? { ...r, outputs: {} } : r));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "config.json");
    const committed = JSON.parse(fs.readFileSync(configFile("prod"), "utf8")) as Record<string, unknown>;
    // A ceiling every estimate exceeds, so the message shows the estimate and its notes.
    fs.writeFileSync(file, JSON.stringify({ ...committed, "monthly-budget-ceiling": { maxMonthlyCost: 1, usageFile: "../usage.prod.yml" } }));
    await pack.configure(file);
    const ceiling = async (records: ResourceRecord[]) => (await pack.analyzeStack(records)).find((d) => d.policyName === "monthly-budget-ceiling")!.message;
    const figures = (message: string) => [/estimated (\$[\d,.]+) a month/.exec(message)![1], /Usage-based, not counted against the ceiling: (\$[\d,.]+) a month/.exec(message)![1]];

    // Before any `Analyze`, the empty states are all there is: the LoadBalancer Service reads as a free ClusterIP one.
    const stateless = await ceiling(preview);
    const withState = await ceiling(resources);
    expect(figures(stateless)).not.toEqual(figures(withState));
    // Said, not priced at $0: a Service with no spec may be a LoadBalancer.
    expect(stateless).toMatch(/Not priced \(not counted\): [^.]*blockchain-proxy \(no spec: the Service's state is not known/);

    await pack.analyzeEach(resources);
    const declared = await ceiling(preview);
    expect(figures(declared)).toEqual(figures(withState));
    const standIns = preview.filter((r) => r.outputs && Object.keys(r.outputs).length === 0).length;
    expect(declared).toContain(`${standIns} resources with no state in this preview (their provider's configuration is unknown until apply) read as the program declares them`);
    // A resource whose state the preview does know keeps it.
    expect(await ceiling(resources)).toBe(withState);
  });
});

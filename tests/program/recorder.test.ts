/**
 * The offline recorder (offline/recordStack.ts): what it keeps of each registration, the aliases
 * that carry a stack deployed under the old stack-named component tokens over to the domain
 * tokens, and the private SDK surface it still depends on, pinned so an SDK upgrade fails here
 * first and loudly.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES, LEGACY_COMPONENT_TYPES } from "../../graph/componentTypes";
import { privateMockMonitor, recordStack, RecordedStack } from "../../offline/recordStack";
import { find } from "./recorded";
import { statedDemandOf } from "../../graph/statedPodGroup";

let prod: RecordedStack;
let testnet: RecordedStack;
beforeAll(async () => {
  prod = await recordStack("prod");
  testnet = await recordStack("testnet", { prod });
});

describe("what a record keeps", () => {
  it("a custom resource's inputs and its outputs (the inputs echoed plus what the cloud computes)", () => {
    const cluster = find(prod.resources, "gcp:container/cluster:Cluster");
    expect(cluster.outputs).toEqual(expect.objectContaining({ ...cluster.inputs, endpoint: "203.0.113.10" }));
    const pool = find(prod.resources, "gcp:container/nodePool:NodePool", "seeds");
    expect(pool.outputs).toEqual(pool.inputs);
    // And what it kept before: parent, dependencies, provider.
    expect(pool.parent).toBe(find(prod.resources, COMPONENT_TYPES.seedNodePool).urn);
    expect(pool.dependencies).toContain(cluster.urn);
  });

  it("a component's registered outputs (what AnalyzeStack sends for it)", () => {
    const component = find(testnet.resources, COMPONENT_TYPES.testnetBlockchains);
    expect(component.outputs).toEqual(expect.objectContaining({ decommissionedChains: ["geth-goerli", "geth-rinkeby", "geth-ropsten"], activeChains: [] }));
  });

  it("the stated demand among a component's outputs too: what the engine keeps of a local component, whose args it never gets", () => {
    for (const stack of [prod, testnet]) {
      const demand = statedDemandOf(stack.resources);
      expect(Object.keys(demand).length).toBeGreaterThan(0);
      // As the engine's state and a stack export hold a local component: no inputs, its registered outputs.
      const asTheEngineKeepsThem = stack.resources.map((r) => (r.custom ? r : { ...r, inputs: {} }));
      expect(statedDemandOf(asTheEngineKeepsThem)).toEqual(demand);
      // A record with both (the recorder keeps the args) counts its inputs once, as one without outputs does.
      expect(demand).toEqual(statedDemandOf(stack.resources.map((r) => (r.custom ? r : { ...r, outputs: undefined }))));
    }
  });

  it("protect as the program sets it", () => {
    const snapshots = testnet.resources.filter((r) => r.type === "gcp:compute/snapshot:Snapshot");
    expect(snapshots.length).toBeGreaterThan(0);
    for (const snapshot of snapshots) expect(snapshot.protect).toBe(true);
  });
});

describe("component type tokens named by domain", () => {
  const legacyUrn = (urn: string) => Object.entries(LEGACY_COMPONENT_TYPES).reduce((u, [kind, legacy]) => u.split(COMPONENT_TYPES[kind as keyof typeof COMPONENT_TYPES]).join(legacy), urn);

  it("every component registers with a token of graph/componentTypes.ts", () => {
    const tokens = new Set<string>(Object.values(COMPONENT_TYPES));
    const components = [...prod.resources, ...testnet.resources].filter((r) => !r.custom);
    expect(components.length).toBeGreaterThanOrEqual(6);
    for (const component of components) expect(tokens).toContain(component.type);
  });

  it.each(["prod", "testnet"] as const)("%s: each resource under a renamed token is aliased to its URN under the old token, children included", (stack) => {
    const { resources } = stack === "prod" ? prod : testnet;
    const renamed = resources.filter((r) => legacyUrn(r.urn) !== r.urn);
    expect(renamed.length).toBeGreaterThan(stack === "prod" ? 10 : 5);
    for (const record of renamed) expect({ urn: record.urn, aliases: record.aliases ?? [] }).toEqual({ urn: record.urn, aliases: expect.arrayContaining([legacyUrn(record.urn)]) });
  });

  it("the URNs of a stack deployed before the rename are among the aliases (seed pool and its node pool, as in the old prod export)", () => {
    const aliases = prod.resources.flatMap((r) => r.aliases ?? []);
    expect(aliases).toEqual(
      expect.arrayContaining([
        "urn:pulumi:prod::relay-budget::relay-budget:prod:SeedNodePool::seed-node-pool",
        "urn:pulumi:prod::relay-budget::relay-budget:prod:SeedNodePool$gcp:container/nodePool:NodePool::seeds",
        "urn:pulumi:prod::relay-budget::relay-budget:prod:BlockchainNodeDisks$gcp:compute/disk:Disk::geth-mainnet-data",
      ]),
    );
  });
});

describe("the private @pulumi/pulumi surface the recorder needs (URN, parent, protect, dependencies, aliases, component outputs)", () => {
  // Verified against this version's runtime/mocks.js; an upgrade must re-check the recorder's hooks.
  const VERIFIED_SDK = "3.270.0";

  it(`is the SDK version the hooks were checked against (${VERIFIED_SDK}): re-verify offline/recordStack.ts before changing this`, () => {
    const installed = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "package.json"), "utf8")).version;
    expect(`@pulumi/pulumi ${installed}`).toBe(`@pulumi/pulumi ${VERIFIED_SDK}`);
  });

  it("MockMonitor has newUrn, registerResource and registerResourceOutputs, and calls newResource synchronously from registerResource", async () => {
    const calls: string[] = [];
    await pulumi.runtime.setMocks({ newResource: (args) => (calls.push(`newResource ${args.name}`), { id: "id", state: {} }), call: () => ({}) }, "surface", "check", false);
    const monitor = privateMockMonitor();
    expect(monitor.newUrn(undefined, "a:b:C", "n")).toBe("urn:pulumi:check::surface::a:b:C::n");
    expect(monitor.newUrn("urn:pulumi:check::surface::a:b:C::n", "x:y:Z", "m")).toBe("urn:pulumi:check::surface::a:b:C$x:y:Z::m");
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      calls.push(`register ${req.getName()} parent=${req.getParent()} protect=${req.getProtect()} deps=${req.getDependenciesList().length} aliases=${req.getAliasesList().length}`);
      const result = register(req, callback);
      calls.push(`returned ${req.getName()}`);
      return result;
    };
    const parent = new pulumi.ComponentResource("a:b:C", "n", {}, { aliases: [{ type: "a:old:C" }] });
    // CustomResource is abstract in its type declarations; a provider's resource class is a subclass.
    class ProviderResource extends pulumi.CustomResource {}
    new ProviderResource("x:y:Z", "m", { v: 1 }, { parent, protect: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toEqual([
      "register n parent= protect=false deps=0 aliases=1",
      "newResource n",
      "returned n",
      "register m parent=urn:pulumi:check::surface::a:b:C::n protect=true deps=0 aliases=0",
      "newResource m",
      "returned m",
    ]);
  });
});

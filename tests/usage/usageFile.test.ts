/**
 * The usage file: each key priced, internet tier boundaries, the per-account tier rule, wildcard
 * precedence (type default < wildcard < exact), and the one-line errors. Graphs are the committed
 * baselines plus a component carrying stated demand, as the program records it.
 */
import * as path from "path";
import { loadCatalog } from "../../catalog/catalog";
import { priceResources } from "../../cost/engine";
import { readStackExport } from "../../cost/sources/stackExport";
import type { ResourceRecord } from "../../graph/resourceRecord";
import type { StatedDemand } from "../../graph/statedPodGroup";
import { parseUsageFile } from "../../usage/readUsageFile";
import { priceUsage, tieredCost } from "../../usage/priceUsage";
import { expectGoldenFile } from "../golden";

const catalog = loadCatalog();
const root = path.join(__dirname, "..", "..");
const golden = (name: string) => path.join(__dirname, "golden", `${name}.json`);

const demand: StatedDemand = {
  "pocket-core": [
    {
      name: "pocket-validators",
      namespace: "pocket",
      replicas: 20,
      requests: { cpu: 0.5, memoryGiB: 0.5 },
      onePerNode: false,
      volumeClaims: [{ name: "data", sizeGiB: 60, storageClass: "ssd", diskType: "pd-ssd", configKey: "poolWorkloads.pocket-core[0].volumeClaims[0]" }],
      source: "test manifest",
      configKey: "poolWorkloads.pocket-core[0]",
    },
  ],
};
const component: ResourceRecord = { urn: "urn:pulumi:prod::relay-budget::relay-budget:gke:GkeCluster::prod", type: "relay-budget:gke:GkeCluster", name: "prod", custom: false, inputs: { statedDemand: demand }, outputs: {} } as ResourceRecord;

function side(stack: string, extra: ResourceRecord[] = []) {
  const records = [...readStackExport(path.join(root, "baselines", `${stack}.json`)).resources, ...extra];
  return { records, priced: priceResources(records, catalog) };
}

function usageOf(document: unknown, shown = "usage.prod.yml") {
  return { file: shown, shown, usage: parseUsageFile(document, shown) };
}

function price(stacks: { stack: string; usage?: unknown; account?: string }[]) {
  return priceUsage(
    stacks.map(({ stack, usage }) => ({ stack, usageFile: usage ? usageOf(usage, `usage.${stack}.yml`) : undefined, before: null, after: side(stack, stack === "prod" ? [component] : []) })),
    catalog,
  );
}

const inferred = "test figure";

describe("usage keys", () => {
  it("prices each key with its source", () => {
    const [prod] = price([
      {
        stack: "prod",
        usage: {
          version: 0.1,
          resource_usage: {
            seeds: { nodes: 6, inferred },
            "pocket-core/pocket-validators": {
              same_zone_egress_gb: 100,
              inter_zone_egress_gb: 100,
              inter_region_north_america_egress_gb: 100,
              internet_egress_gb: { north_america: 100, china: 10, australia: 10 },
              load_balancer_data_gb: 100,
              cloud_nat_data_gb: 100,
              source: "billing export 202106",
            },
          },
        },
      },
    ]);
    expectGoldenFile(golden("each-key"), prod);
    const byKey = Object.fromEntries(prod.lines.map((l) => [l.key, l]));
    expect(byKey.inter_zone_egress_gb.monthly).toBeCloseTo(1.0, 6);
    expect(byKey.inter_region_north_america_egress_gb.monthly).toBeCloseTo(2.0, 6);
    expect(byKey.load_balancer_data_gb.monthly).toBeCloseTo(0.8, 6);
    expect(byKey.same_zone_egress_gb.monthly).toBe(0);
    expect(byKey["volumeClaims.data"].monthly).toBeCloseTo(20 * 60 * catalog.disks["pd-ssd"]["us-east1"], 6);
    expect(byKey.nodes.source).toBe("inferred: test figure (usage.prod.yml resource_usage.seeds)");
  });

  it("prices storage_gb on a snapshot and monthly_ingress_data_gb on a load balancer of the program", async () => {
    const { recordStack } = require("../../offline/recordStack") as typeof import("../../offline/recordStack");
    const prod = await recordStack("prod");
    const after = { records: prod.resources, priced: priceResources(prod.resources, catalog) };
    const usage = usageOf({
      version: 0.1,
      resource_usage: { "geth-mainnet-data-to-pd-balanced": { storage_gb: 3674, inferred }, "blockchain-proxy": { monthly_ingress_data_gb: 1000, inferred } },
    });
    const [lines] = priceUsage([{ stack: "prod", usageFile: usage, before: null, after }], catalog);
    const byKey = Object.fromEntries(lines.lines.map((l) => [l.key, l]));
    expect(byKey.storage_gb.monthly).toBeCloseTo(-3674 * catalog.disks.snapshot["us-east1"], 6);
    expect(byKey.monthly_ingress_data_gb.monthly).toBeCloseTo(1000 * catalog.usage.loadBalancerDataGib, 6);
    expectGoldenFile(golden("snapshot-and-load-balancer"), lines.lines.filter((l) => l.category !== "stated volumes"));
  }, 60_000);
});

describe("a stated figure the resource's price cannot carry", () => {
  it("is said among what is not priced, never dropped", () => {
    const records = readStackExport(path.join(root, "baselines", "prod.json")).resources.map((r) =>
      r.type === "gcp:container/nodePool:NodePool" && r.name === "seeds" ? { ...r, inputs: { ...r.inputs, nodeConfig: { ...(r.inputs.nodeConfig as object), machineType: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }, outputs: {} } : r,
    );
    const [prod] = priceUsage([{ stack: "prod", usageFile: usageOf({ version: 0.1, resource_usage: { seeds: { nodes: 3, inferred } } }), before: null, after: { records, priced: priceResources(records, catalog) } }], catalog);
    expect(prod.lines.filter((l) => l.key === "nodes")).toEqual([]);
    expect(prod.notStated).toContainEqual(expect.objectContaining({ resource: "seeds", reason: expect.stringMatching(/^nodes stated, but the resource is not priced \(.*machineType/) }));
  });
});

describe("internet egress tiers", () => {
  const tiers = catalog.usage.internetEgress.worldwide["us-east1"];
  it.each([
    [1024, 1024 * 0.12],
    [1025, 1024 * 0.12 + 0.11],
    [10240, 1024 * 0.12 + 9216 * 0.11],
    [10241, 1024 * 0.12 + 9216 * 0.11 + 0.08],
  ])("%d GiB cost the tiers' sum", (gib, usd) => {
    expect(tieredCost(tiers, gib)).toBeCloseTo(usd, 6);
  });

  it("tiers on the billing account's month, across stacks", () => {
    const entry = (gb: number) => ({ version: 0.1, billing_account: "one", resource_usage: { "pocket-core": { internet_egress_gb: { europe: gb }, inferred } } });
    const together = price([{ stack: "prod", usage: entry(800) }, { stack: "testnet", usage: entry(800) }]);
    const apart = price([{ stack: "prod", usage: { ...entry(800), billing_account: "a" } }, { stack: "testnet", usage: { ...entry(800), billing_account: "b" } }]);
    const total = (stacks: typeof together) => stacks.flatMap((s) => s.lines).filter((l) => l.key.startsWith("internet_egress_gb")).reduce((sum, l) => sum + l.monthly, 0);
    expect(total(apart)).toBeCloseTo(1600 * 0.12, 2);
    expect(total(together)).toBeCloseTo(1024 * 0.12 + 576 * 0.11, 2);
    expectGoldenFile(golden("per-account-tier"), { together, apart });
  });
});

describe("precedence", () => {
  it("type default < wildcard < exact", () => {
    const [prod] = price([
      {
        stack: "prod",
        usage: {
          version: 0.1,
          resource_type_default_usage: { "gcp:container/nodePool:NodePool": { inter_zone_egress_gb: 1, inferred: "default" } },
          resource_usage: { "s*": { inter_zone_egress_gb: 2, inferred: "wildcard" }, system: { inter_zone_egress_gb: 3, inferred: "exact" } },
        },
      },
    ]);
    const figure = (pool: string) => prod.lines.find((l) => l.resource === pool && l.key === "inter_zone_egress_gb")!.quantity;
    expect([figure("pocket-core"), figure("seeds"), figure("system")]).toEqual([1, 2, 3]);
    expectGoldenFile(golden("precedence"), prod.lines.filter((l) => l.key === "inter_zone_egress_gb"));
  });

  it("says which resources have no usage stated", () => {
    const [prod] = price([{ stack: "prod" }]);
    expect(prod.notStated.map((n) => n.resource)).toEqual(expect.arrayContaining(["seeds", "pocket-core/pocket-validators"]));
    expect(prod.totals.after).toBeCloseTo(20 * 60 * catalog.disks["pd-ssd"]["us-east1"], 2);
  });
});

describe("bad usage files", () => {
  const problem = (document: unknown) => {
    try {
      price([{ stack: "prod", usage: document }]);
      return "accepted";
    } catch (err) {
      return (err as Error).message;
    }
  };
  it.each([
    [{ version: 0.1, resource_usage: { "no-such-pool": { nodes: 1, inferred } } }, /^usage\.prod\.yml: resource_usage\.no-such-pool: is not a resource of the stack/],
    [{ version: 0.1, resource_usage: { "zz-*": { nodes: 1, inferred } } }, /^usage\.prod\.yml: resource_usage\.zz-\*: the wildcard matches no resource of the stack$/],
    [{ version: 0.1, resource_usage: { seeds: { egress: 1, inferred } } }, /^usage\.prod\.yml: resource_usage\.seeds: unknown key "egress" \(allowed: nodes, /],
    [{ version: 0.1, resource_usage: { seeds: { inter_zone_egress_gb: -1, inferred } } }, /^usage\.prod\.yml: resource_usage\.seeds\.inter_zone_egress_gb: -1 must be 0 or more GB$/],
    [{ version: 0.1, resource_usage: { seeds: { inter_zone_egress_gb: "a lot", inferred } } }, /^usage\.prod\.yml: resource_usage\.seeds\.inter_zone_egress_gb: "a lot" must be a number of GB$/],
    [{ version: 0.1, resource_usage: { seeds: { inter_zone_egress_gb: 1 } } }, /exactly one of source: or inferred:$/],
    [{ version: 0.1, resource_usage: { seeds: { storage_gb: 1, inferred } } }, /^usage\.prod\.yml: resource_usage\.seeds\.storage_gb: does not apply to gcp:container\/nodePool:NodePool seeds \(applies to: snapshot\)$/],
    [{ version: 0.2 }, /^usage\.prod\.yml: version: 0\.2 must be 0\.1$/],
  ])("%j", (document, message) => {
    expect(problem(document)).toMatch(message);
  });
});

describe("the committed usage files", () => {
  it("parse (their addresses are checked against the stacks by every review)", () => {
    const { readUsageFile } = require("../../usage/readUsageFile") as typeof import("../../usage/readUsageFile");
    for (const stack of ["prod", "testnet"]) expect(readUsageFile(path.join(root, `usage.${stack}.yml`)).version).toBe(0.1);
  });
});

describe("the README's example usage file", () => {
  it("is valid and every address is a resource of prod", async () => {
    const fs = require("fs") as typeof import("fs");
    const { parse } = require("yaml") as typeof import("yaml");
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## The usage file"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const { recordStack } = require("../../offline/recordStack") as typeof import("../../offline/recordStack");
    const prod = await recordStack("prod");
    const [usage] = priceUsage([{ stack: "prod", usageFile: usageOf(parse(example)), before: null, after: { records: prod.resources, priced: priceResources(prod.resources, catalog) } }], catalog);
    const keys = new Set(usage.lines.map((l) => l.key.split(".")[0]));
    for (const key of ["nodes", "storage_gb", "monthly_ingress_data_gb", "same_zone_egress_gb", "inter_zone_egress_gb", "inter_region_north_america_egress_gb", "internet_egress_gb", "load_balancer_data_gb", "cloud_nat_data_gb"]) expect(keys).toContain(key);
  }, 60_000);
});

describe("infra-cost review --usage", () => {
  it("refuses a usage file naming an unknown resource: one line, exit 2, nothing on stdout", async () => {
    const fs = require("fs") as typeof import("fs");
    const os = require("os") as typeof import("os");
    const { runCli } = require("../cost/runCli") as typeof import("../cost/runCli");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "usage-")), "usage.yml");
    fs.writeFileSync(file, "version: 0.1\nresource_usage:\n  no-such-pool:\n    nodes: 1\n    inferred: x\n");
    const { code, stdout, stderr } = await runCli(["review", "--stack", "prod", "--usage", file]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(new RegExp(`^infra-cost: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: resource_usage\\.no-such-pool: is not a resource of the stack`));
    expect(stderr.trim().split("\n")).toHaveLength(1);
  }, 60_000);

  it("shows usage lines with their sources and both headline figures", async () => {
    const { runCli } = require("../cost/runCli") as typeof import("../cost/runCli");
    const { code, stdout } = await runCli(["review", "--stack", "all"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Declared resources: \$[\d,.]+ -> \$[\d,.]+ \(.*\); with usage: \$[\d,.]+ -> \$[\d,.]+ \(.*\) a month$/m);
    expect(stdout).toMatch(/usage \(usage\.prod\.yml\)/);
    // The ceiling judges the declared resources; usage stands beside it, by category, with its file.
    expect(stdout).toMatch(
      /monthly-budget-ceiling: budget ceiling: .* Usage-based, not counted against the ceiling: \$[\d,.]+ a month from usage\.prod\.yml \(network usage \$[\d,.]+, stated volumes \$[\d,.]+, \d+ of \d+ lines inferred.*\)\./,
    );
    expect(stdout).toMatch(/^    before blockchain-nodes\/geth-mainnet: internet_egress_gb\.north_america 600 GB at \$0\.\d{4}, .* = \$[\d,.]+; inferred: /m);
  }, 60_000);
});

describe("the README's figures with and without usage", () => {
  it("are the review's", async () => {
    const fs = require("fs") as typeof import("fs");
    const { buildReview } = require("../../review/buildReview") as typeof import("../../review/buildReview");
    const { money } = require("../../cost/money") as typeof import("../../cost/money");
    const { review } = await buildReview({ stack: "all" });
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const t = review.totals;
    const u = review.withUsage!;
    expect(readme).toContain(`declared resources\n${money(t.before)} before and ${money(t.after)} after (${money(-t.delta)} a month saved); with usage ${money(u.before)} before and\n${money(u.after)} after (${money(-u.delta)} a month saved`);
    expect(readme).toContain(`Declared resources: ${money(t.before)} -> ${money(t.after)} (-${money(-t.delta)}); with usage: ${money(u.before)} -> ${money(u.after)} (-${money(-u.delta)}) a month`);
  }, 120_000);
});

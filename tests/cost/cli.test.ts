/** The infra-cost CLI: JSON contract, formats, atomic --out, and one-line errors with exit 2 on bad input. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "./runCli";

const FIXTURES = path.join(__dirname, "../fixtures/pulumi");

const run = runCli;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-cost-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe("estimate", () => {
  test("--state --format json prints exactly the contract", async () => {
    const { code, stdout, stderr } = await run(["estimate", "--state", path.join(FIXTURES, "stack-export-pulumi-gcp-cluster.json"), "--format", "json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(["version", "currency", "hoursPerMonth", "catalog", "resources", "unpriced", "totals"]);
    expect(report).toMatchObject({ version: 1, currency: "USD", hoursPerMonth: 730, catalog: { date: "2026-07-30" } });
    for (const r of report.resources) {
      expect(Object.keys(r)).toEqual(["urn", "type", "name", "before", "after", "components"]);
      expect(r.before).toBeNull();
      for (const c of r.components) expect(Object.keys(c)).toEqual(["name", "quantity", "unit", "unitPrice", "monthly"]);
    }
    expect(report.totals).toEqual({ before: 0, after: 147.03, delta: 147.03 });
  });

  test("--preview on an AWS preview: unpriced with reasons, table format", async () => {
    const { code, stdout } = await run(["estimate", "--preview", path.join(FIXTURES, "preview-infracost-aws-ts-ebs-preview-existing.json")]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Not priced:/);
    expect(stdout).toMatch(/aws resources are outside the GCP price catalog/);
  });
});

describe("bad input: one line on stderr, exit 2, nothing on stdout", () => {
  const cases: [string, () => string[], RegExp][] = [
    ["truncated JSON", () => ["estimate", "--preview", write("truncated.json", '{"steps": [{"op": "create"')], /^infra-cost: truncated\.json: not valid JSON \(/],
    ["a random JSON document as a preview", () => ["estimate", "--preview", write("random.json", '{"hello": [1, 2, 3]}')], /^infra-cost: random\.json: steps: not a pulumi preview --json document \(no "steps" array\)$/],
    ["a random JSON document as a state", () => ["estimate", "--state", write("random2.json", "[1, 2]")], /^infra-cost: random2\.json: not a pulumi stack export document/],
    ["a missing file", () => ["estimate", "--state", path.join(dir, "nope.json")], /^infra-cost: nope\.json: cannot read: no such file$/],
    [
      "a fractional node count",
      () => ["estimate", "--preview", write("machine.json", JSON.stringify({ steps: [{ op: "create", urn: "urn:pulumi:s::p::gcp:container/nodePool:NodePool::pool", newState: { urn: "urn:pulumi:s::p::gcp:container/nodePool:NodePool::pool", type: "gcp:container/nodePool:NodePool", custom: true, inputs: { location: "us-east1-b", nodeCount: 2.5, nodeConfig: { machineType: "n1-standard-4" } } } }] }))],
      /^infra-cost: machine\.json: steps\[0\]\.newState\.inputs\.nodeCount: 2\.5 is not a possible node count per zone/,
    ],
    ["both inputs", () => ["estimate", "--preview", "a.json", "--state", "b.json"], /^infra-cost: estimate: give --preview FILE \(once per stack\) or --state FILE, not both and not neither$/],
    ["a bad flag", () => ["estimate", "--bogus"], /^infra-cost: unknown option '--bogus'$/],
    ["a bad choice", () => ["review", "--stack", "staging"], /^infra-cost: option '--stack <stack>' argument 'staging' is invalid\. Allowed choices are prod, testnet, all\.$/],
    ["no command", () => [], /^infra-cost: missing command/],
    ["an unreadable baseline", () => ["review", "--stack", "prod", "--baseline", write("base.json", "{")], /^infra-cost: base\.json: not valid JSON/],
  ];
  test.each(cases)("%s", async (_label, args, message) => {
    const { code, stdout, stderr } = await run(args());
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trimEnd()).toMatch(message);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  test("a secret-wrapped value is never echoed: not in the error, not in the unpriced reasons", async () => {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "n1-secret-machine-7" };
    const state = (machineType: unknown) => ({ urn: "urn:pulumi:s::p::gcp:container/nodePool:NodePool::pool", type: "gcp:container/nodePool:NodePool", custom: true, inputs: { location: "us-east1-b", nodeCount: 2, nodeConfig: { machineType } } });
    const preview = write("secret-machine.json", JSON.stringify({ steps: [{ op: "create", urn: state(secret).urn, newState: state(secret) }] }));
    // No machine type stops the estimate: the pool is unpriced, and its reason shows the type as [secret].
    for (const format of ["table", "json", "markdown"]) {
      const { code, stdout, stderr } = await run(["estimate", "--preview", preview, "--format", format]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/unknown machine type \\?"\[secret\]\\?"/);
      expect(stdout + stderr).not.toContain("n1-secret-machine-7");
    }
  });

  test("nothing is written on error", async () => {
    const out = path.join(dir, "never.md");
    const { code } = await run(["review", "--stack", "prod", "--baseline", path.join(dir, "missing.json"), "--format", "markdown", "--out", out]);
    expect(code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes("never"))).toEqual([]);
  });
});

describe("review", () => {
  test("--format json: contract plus per-stack totals; savings in both stacks once prod's disk migration is over", async () => {
    const { code, stdout, stderr } = await run(["review", "--stack", "all", "--format", "json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(["version", "currency", "hoursPerMonth", "catalog", "resources", "unpriced", "totals", "stacks", "totalsWithUsage", "usage"]);
    // Usage is apart from the declared totals: with usage = declared + each stack's usage lines.
    const usageAfter = Object.values(report.usage as Record<string, { totals: { after: number } }>).reduce((sum, u) => sum + u.totals.after, 0);
    expect(report.totalsWithUsage.after).toBeCloseTo(report.totals.after + usageAfter, 2);
    expect(Object.keys(report.stacks)).toEqual(["prod", "testnet"]);
    expect(report.stacks.testnet.delta).toBeLessThan(0);
    // Prod's disk migration is at step copy: the old disk and the snapshot bill beside the new disk
    // until it is over, so prod saves only without them.
    const temporary = report.resources
      .filter((r: { urn: string }) => /Disk::geth-mainnet-data$|Snapshot::geth-mainnet-data-to-pd-balanced$/.test(r.urn))
      .reduce((sum: number, r: { after: number }) => sum + r.after, 0);
    expect(temporary).toBeGreaterThan(0);
    expect(report.stacks.prod.delta - temporary).toBeLessThan(0);
    const sum = report.stacks.prod.delta + report.stacks.testnet.delta;
    expect(report.totals.delta).toBeCloseTo(sum, 1);
    // the seed pool: 10 x n1-standard-4 (970.89 + 40 boot) before
    const seeds = report.resources.find((r: { urn: string }) => r.urn.endsWith("NodePool::seeds"));
    expect(seeds.before).toBeCloseTo(1010.89, 2);
  });

  test("--format markdown --out writes the comment and an SVG chart beside it", async () => {
    const out = path.join(dir, "review.md");
    const { code, stdout } = await run(["review", "--stack", "prod", "--format", "markdown", "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    const markdown = fs.readFileSync(out, "utf8");
    // At step copy of prod's disk migration the bill is briefly higher; the review says so and why.
    expect(markdown).toMatch(/Monthly cost will increase by \$[\d,.]+ \(\+[\d.]+ %\)/);
    expect(markdown).toMatch(/#### In progress \(prod\)\n\n- prod geth-mainnet-data pd-ssd -> pd-balanced \(new disk geth-mainnet-data-pd-balanced\): in progress, at step copy; saves \$514\.36 a month once over/);
    expect(markdown).toMatch(/n1-standard-4 x10 -> n1-standard-2 x4/);
    expect(markdown).toMatch(/<details>/);
    expect(markdown).toMatch(/!\[Monthly cost before and after, by component\]\(review\.svg\)/);
    expect(markdown).toMatch(/2026-07-30/);
    const svg = fs.readFileSync(path.join(dir, "review.svg"), "utf8");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toMatch(/compute/);
  });
});

/**
 * The PR comment (`estimate --preview prod --preview testnet --format markdown`), the
 * --fail-above guardrails, and what `estimate`/`--help` never load (a Pulumi SDK; DuckDB without a bill;
 * YAML and zod without a usage file).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "./runCli";
import { COMMENT_LIMIT } from "../../cli/renderPullRequestComment";
import { digest, state, step } from "./previewDigest";

const POOL = "gcp:container/nodePool:NodePool";
const DISK = "gcp:compute/disk:Disk";

const run = runCli;
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-cost-comment-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
function write(name: string, document: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(document));
  return file;
}

const pool = (stack: string, name: string, machineType: string, nodeCount: number) =>
  state(stack, POOL, name, { cluster: stack, location: "us-east1-b", nodeCount, nodeConfig: { machineType, diskType: "pd-standard", diskSizeGb: 100 } });
// prod: seeds 10 -> 4 n1-standard-4: (97.089489 + 4) x 10 = 1010.89 -> x4 = 404.36
const prod = digest("prod", [step("update", pool("prod", "seeds", "n1-standard-4", 10), pool("prod", "seeds", "n1-standard-4", 4))]);
// testnet: a new 100 GiB pd-ssd disk (17.00), a pool with a secret count, and 3 unchanged resources left out
const testnet = digest(
  "testnet",
  [
    step("create", undefined, state("testnet", DISK, "scratch", { zone: "us-east1-b", type: "pd-ssd", size: 100 })),
    step("update", pool("testnet", "hidden", "n1-standard-4", 1), { ...pool("testnet", "hidden", "n1-standard-4", 1), inputs: { ...pool("testnet", "hidden", "n1-standard-4", 1).inputs, nodeCount: "[secret]" } }),
  ],
  { omittedSames: 3 },
);

describe("one comment for both stacks", () => {
  test("cross-stack total, same headings per stack, changes-only label, unpriced count, policies, an inline chart", async () => {
    const { code, stdout, stderr } = await run(["estimate", "--preview", write("preview-prod.json", prod), "--preview", write("preview-testnet.json", testnet), "--format", "markdown"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    // before 1010.89 + 0 (hidden unpriced) = 1010.89; after 404.36 + 17 = 421.36; delta -589.53
    expect(stdout).toMatch(/\*\*Monthly cost will decrease by \$589\.53 \(-58\.3 %\); 1 resource not priced\*\* \(changed resources only in `testnet`: not the bill\)/);
    expect(stdout).toMatch(/\| \*\*All stacks\*\* \| \| \*\*\$1,010\.89\*\* \| \*\*\$421\.36\*\* \| \*\*-\$589\.53 \(-58\.3 %\)\*\* \| \*\*1\*\* \|/);
    expect(stdout).toMatch(/### Stack `prod`: Monthly cost will decrease by \$606\.53/);
    expect(stdout).toMatch(/### Stack `testnet`: Monthly cost will increase by \$17\.00 \(new\); 1 resource not priced/);
    expect(stdout).toMatch(/\| testnet \| changes only \(3 unchanged resources not in the preview\) \|/);
    expect(stdout).toMatch(/Before \(changed resources\)/);
    expect(stdout).toMatch(/`hidden` \(NodePool\): not priced: nodeCount is a secret the document does not reveal/);
    // policy verdicts from the pack's checks on the after-states, per stack
    expect(stdout.match(/#### Policies/g)).toHaveLength(2);
    expect(stdout).toMatch(/\| monthly-budget-ceiling \| mandatory \| pass \| budget ceiling: \$404\.36 of/);
    // seeds x4 = $404.36 is over prod's committed per-pool ceiling: the verdict says which policy failed
    expect(stdout).toMatch(/\| nodepool-budget-ceiling \| mandatory \| \*\*FAIL\*\* \| node pool seeds/);
    // the chart renders in a comment: a text block, no image path
    expect(stdout).toMatch(/```text\nMonthly cost by category/);
    expect(stdout).not.toMatch(/!\[/);
  });

  test("a huge change stays under GitHub's limit, with a note saying what was left out", async () => {
    const steps = Array.from({ length: 4000 }, (_, i) => step("create", undefined, state("prod", DISK, `disk-with-a-rather-long-name-${i}`, { zone: "us-east1-b", type: "pd-ssd", size: 10 + i })));
    const { code, stdout } = await run(["estimate", "--preview", write("huge.json", digest("prod", steps)), "--format", "markdown"]);
    expect(code).toBe(0);
    expect(stdout.length).toBeLessThan(COMMENT_LIMIT);
    expect(stdout).toMatch(/trimmed to stay under GitHub's 65,536-character limit/);
  });
});

test("a failed preview of one stack: the comment says so beside the other stack's estimate, exit 4", async () => {
  const failed = { diagnostics: [{ message: "running program: boom", severity: "error" }], duration: 1, changeSummary: {} };
  const out = path.join(dir, "failed-comment.md");
  const { code, stderr } = await run(["estimate", "--preview", write("preview-prod.json", prod), "--preview", write("preview-testnet.json", failed), "--format", "markdown", "--out", out]);
  expect(code).toBe(4);
  expect(stderr).toMatch(/^infra-cost: preview-testnet\.json: the preview failed/);
  const comment = fs.readFileSync(out, "utf8");
  expect(comment).toMatch(/A preview failed, so its stack is not in these figures:\*\* preview-testnet\.json: the preview failed .*running program: boom/);
  expect(comment).toMatch(/### Stack `prod`: Monthly cost will decrease by \$606\.53/);
});

describe("--fail-above guardrails", () => {
  // testnet's increase: +17.00 over a $0.00 before
  test.each([
    [["--fail-above", "10"], 3, /testnet: monthly cost increase \$17\.00 is above --fail-above 10/],
    [["--fail-above", "20"], 0, /^$/],
    [["--fail-above-percent", "50"], 3, /testnet: monthly cost increase from \$0\.00 is above --fail-above-percent 50/],
  ])("%j exits %i; the estimate is still written", async (flags, expected, message) => {
    const out = path.join(dir, `comment-${expected}-${flags.join("")}.md`);
    const { code, stderr } = await run(["estimate", "--preview", write("t.json", testnet), "--format", "markdown", "--out", out, ...(flags as string[])]);
    expect(code).toBe(expected);
    expect(stderr.trimEnd()).toMatch(message);
    expect(fs.readFileSync(out, "utf8")).toMatch(/## Infra cost estimate/);
  });

  test("a decrease never trips the percentage; prod -60 % passes --fail-above-percent 0", async () => {
    const { code } = await run(["estimate", "--preview", write("p.json", prod), "--fail-above-percent", "0", "--fail-above", "0"]);
    expect(code).toBe(0);
  });

  test("a bad threshold is bad input", async () => {
    const { code, stderr } = await run(["estimate", "--preview", write("p2.json", prod), "--fail-above", "-3"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--fail-above <usd>.*not a non-negative number/);
  });
});

/** What a process loaded, by package: the Pulumi SDKs, DuckDB (a native binding), and the usage file's YAML parser and schema library. */
const HEAVY_PACKAGES = /node_modules[\\\\/](@pulumi[\\\\/](?:pulumi|gcp|kubernetes|policy)|@duckdb[\\\\/][^\\\\/]+|zod|yaml)[\\\\/]/;

/** Runs the CLI with `args` in a process of its own: its exit code and the heavy packages it loaded, sorted. */
function loadedBy(args: string[]): { code: number; loaded: string[] } {
  const script = `
    const { main } = require(${JSON.stringify(path.join(__dirname, "../../cli/infra-cost"))});
    main(${JSON.stringify(args)}, { stdout: () => {}, stderr: (t) => process.stderr.write(t) }).then((code) => {
      const loaded = [...new Set(Object.keys(require.cache).map((f) => ${HEAVY_PACKAGES}.exec(f)?.[1]).filter(Boolean).map((name) => name.replace(/\\\\/g, "/")))].sort();
      process.stdout.write(JSON.stringify({ code, loaded }));
    });`;
  const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { encoding: "utf8", cwd: path.join(__dirname, "../..") });
  expect(child.stderr).toBe("");
  return JSON.parse(child.stdout);
}

describe("estimate and --help never load a Pulumi SDK, nor DuckDB without a bill, nor YAML and zod without a usage file", () => {
  test.each([
    // prod has usage.prod.yml beside Pulumi.prod.yaml: its parser and schema load, nothing else.
    ["estimate --preview (prod, with its usage file)", (file: string) => ["estimate", "--preview", file, "--format", "markdown"], "prod", ["yaml", "zod"]],
    // A stack of another project: no usage file to read, so start-up is the engine's alone (bench/cost.ts (c)).
    ["estimate --preview (a stack without a usage file)", (file: string) => ["estimate", "--preview", file, "--format", "markdown"], "elsewhere", []],
    ["--help", () => ["--help"], "prod", []],
  ])("%s", (_label, args, stack, expected) => {
    const file = write("sdk.json", stack === "prod" ? prod : digest(stack, [step("update", pool(stack, "seeds", "n1-standard-4", 10), pool(stack, "seeds", "n1-standard-4", 4))]));
    expect(loadedBy(args(file))).toEqual({ code: 0, loaded: expected });
  });

  test("estimate --prices-from-billing loads DuckDB, to read the bill", () => {
    const bill = path.join(__dirname, "../fixtures/billing-export/detailed-202106.json");
    const { code, loaded } = loadedBy(["estimate", "--preview", write("billed.json", prod), "--prices-from-billing", bill, "--format", "json"]);
    expect({ code, duckdb: loaded.some((name) => name.startsWith("@duckdb/")) }).toEqual({ code: 0, duckdb: true });
  });
});

/**
 * The policy pack on its own, as `pulumi policy publish` ships it and as a CI job that has only
 * policies/ would run it: the folder copied to an empty temp directory (no project above it, so
 * nothing can find Pulumi.yaml, the catalog file or the project's node_modules), its dependencies
 * installed from its own package.json and lock file, then started by the run-policy-pack of its own
 * @pulumi/pulumi and driven over the Analyzer gRPC protocol.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../../program/projectRoot";
import { buildPolicyPack, POLICY_PACK_DIR } from "../../scripts/buildPolicyPack";
import { RunningPolicyPack } from "./analyzerHarness";
import { oldSeedPoolOverride, recordedStack } from "./util";

const INSTALL_TIMEOUT_MS = 240_000;

/** policies/ copied without node_modules (a fresh checkout has none there). */
function copyPackAlone(): string {
  const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lone-policy-pack-")), "policies");
  fs.cpSync(POLICY_PACK_DIR, target, { recursive: true, filter: (source) => path.basename(source) !== "node_modules" });
  // The committed config names the stack's usage file beside the pack's folder, where a project keeps it.
  fs.copyFileSync(path.join(PROJECT_ROOT, "usage.prod.yml"), path.join(path.dirname(target), "usage.prod.yml"));
  return target;
}

describe("the policy pack copied alone to an empty folder", () => {
  let packDir: string;
  let pack: RunningPolicyPack;

  beforeAll(async () => {
    buildPolicyPack();
    packDir = copyPackAlone();
    // From the pack's own lock file; the npm registry is reachable, the cache keeps a repeat quick.
    execFileSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error"], {
      cwd: packDir,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: INSTALL_TIMEOUT_MS,
    });
    pack = await RunningPolicyPack.start({ stack: "prod", project: "relay-budget", packDir });
  }, INSTALL_TIMEOUT_MS + 120_000);
  afterAll(async () => {
    await pack?.stop();
    if (packDir) fs.rmSync(path.dirname(packDir), { recursive: true, force: true });
  });

  it("has no project above it and runs compiled JavaScript, with the SDK versions the project is tested with", () => {
    for (let dir = path.dirname(packDir); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
      expect(fs.existsSync(path.join(dir, "Pulumi.yaml"))).toBe(false);
      expect(fs.existsSync(path.join(dir, "node_modules"))).toBe(false);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8"));
    expect(manifest.main).toMatch(/\.js$/);
    expect(fs.existsSync(path.join(packDir, manifest.main))).toBe(true);
    for (const sdk of ["@pulumi/policy", "@pulumi/pulumi"]) {
      const installed = JSON.parse(fs.readFileSync(path.join(packDir, "node_modules", sdk, "package.json"), "utf8")).version.replace(/^v/, "");
      const project = (require(`${sdk}/package.json`) as { version: string }).version.replace(/^v/, "");
      expect(`${sdk}@${installed}`).toBe(`${sdk}@${project}`);
    }
  });

  it("advertises its policies and accepts the stack's committed config", async () => {
    const info = await pack.getAnalyzerInfo();
    expect(info.name).toBe("relay-budget");
    expect(info.version).toBe(JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")).version);
    expect(info.policies.map((p) => p.name)).toContain("monthly-budget-ceiling");
    await pack.configure(path.join(packDir, "config", "prod.json"));
  });

  it("passes the committed prod stack and refuses the seed pool at its old size, pricing with the catalog it carries", async () => {
    await pack.configure(path.join(packDir, "config", "prod.json"));
    const { resources } = await recordedStack("prod");
    expect(await pack.analyzeStack(resources)).toEqual([]);
    const oversized = await recordedStack("prod", oldSeedPoolOverride());
    const ceiling = (await pack.analyzeStack(oversized.resources)).find((d) => d.policyName === "monthly-budget-ceiling");
    expect(ceiling).toEqual(expect.objectContaining({ enforcementLevel: "mandatory" }));
    const configured = JSON.parse(fs.readFileSync(path.join(packDir, "config", "prod.json"), "utf8"))["monthly-budget-ceiling"].maxMonthlyCost as number;
    const dollars = (amount: number) => `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(ceiling!.message).toMatch(new RegExp(`estimated \\$[\\d,]+\\.\\d\\d a month exceeds the ceiling of \\${dollars(configured)}`));
    expect(ceiling!.message).toContain("seeds (n1-standard-4 x10)");
    expect(ceiling!.message).toMatch(/Usage-based, not counted against the ceiling: \$[\d,.]+ a month from usage\.prod\.yml \(/);
  });
});

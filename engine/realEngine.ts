/**
 * `npm run test:engine`: the program, the policy pack and the cost review run by the real Pulumi
 * CLI (built by engine/build.sh), offline. In a temporary folder it makes a copy of the project
 * with copies of both stack files (import ids left out: an import needs a Read from GCP;
 * `secure:` placeholders replaced by passphrase secrets set with `pulumi config set --secret`),
 * a file:// backend, and a prod stack whose outputs are seeded with `pulumi stack import` for
 * testnet's StackReference; then runs the real `pulumi preview --json --show-sames --policy-pack
 * policies --policy-pack-config policies/config/<stack>.json` for both stacks and checks what the
 * issue lists. Last line: `real engine: N checks passed, M failed`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT, StackName } from "../config";
import { money, roundMoney } from "../cost/money";
import { recordStack, RecordedStack } from "../offline/recordStack";
import { PROJECT_ROOT } from "../program/projectRoot";
import { SECRET_SIG_KEY } from "../graph/resourceRecord";
import { STACKS } from "../program/stacks";
import { CheckTally, engineDir, engineWorkspace, infraCost, initStacks } from "./engineProject";

interface Versions {
  cli: { version: string };
  kubernetes: { pluginVersion: string };
  gcp: { pluginVersion: string };
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

const tally = new CheckTally();
const check = (name: string, ok: boolean, detail = ""): boolean => tally.check(name, ok, detail);

async function main(): Promise<void> {
  const started = Date.now();
  const dir = engineDir();
  const versions = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "engine", "versions.json"), "utf8")) as Versions;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "relay-budget-engine-"));
  const keep = process.env.RELAY_BUDGET_ENGINE_KEEP === "1";
  try {
    await run(dir, versions, tmp);
  } catch (err) {
    check("the real-engine run completed", false, (err as Error).message.split("\n")[0]);
  } finally {
    if (keep) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`took ${Math.round((Date.now() - started) / 1000)} s`);
  tally.finish("real engine");
}

async function run(dir: string, versions: Versions, tmp: string): Promise<void> {
  const { project, env: baseEnv } = engineWorkspace(dir, tmp);
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    // No cluster: the Kubernetes provider previews without one.
    KUBECONFIG: path.join(tmp, "no-kubeconfig"),
  };
  const secretArgs = new Set<string>();
  // Everything the CLI prints, searched for secret values at the end.
  const cliOutputs: string[] = [];
  const pulumi = (args: string[], input?: string): Run => {
    const start = Date.now();
    const result = spawnSync(path.join(dir, "bin", "pulumi"), [...args, "--color", "never"], {
      cwd: project,
      env,
      input,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      timeout: 20 * 60 * 1000,
    });
    if (result.error) throw new Error(`pulumi ${args[0]}: ${result.error.message}`);
    cliOutputs.push(result.stdout, result.stderr);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (Date.now() - start) / 1000 };
  };
  const must = (args: string[], input?: string): Run => {
    const result = pulumi(args, input);
    // Only the command's words: its arguments may hold a secret value.
    if (result.status !== 0) throw new Error(`pulumi ${args.filter((a) => !secretArgs.has(a)).join(" ")} exited ${result.status}: ${(result.stderr || result.stdout).trim().split("\n").slice(-1)[0]}`);
    return result;
  };

  console.log(`engine: ${dir}`);
  console.log(`engine: ${must(["version"]).stdout.trim()} (built from ${versions.cli.version}); gcp provider: the project's stand-in, the real one is not served here (engine/versions.json)`);

  // The plugins installed are the versions the npm SDKs ask for.
  for (const [pkg, want] of [["@pulumi/kubernetes", versions.kubernetes.pluginVersion], ["@pulumi/gcp", versions.gcp.pluginVersion]] as const) {
    const sdk = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string };
    check(`${pkg} ${sdk.version} asks for the plugin version engine/versions.json installs`, sdk.version === want, `installed ${want}`);
  }

  const secretValues = initStacks(project, must, (value) => secretArgs.add(value));
  check("the stack copies have their secrets set with pulumi config set --secret", secretValues.length > 0 && secretValues.every((v) => !fs.readFileSync(path.join(project, "Pulumi.prod.yaml"), "utf8").includes(v) && !fs.readFileSync(path.join(project, "Pulumi.testnet.yaml"), "utf8").includes(v)), `${secretValues.length} secrets`);

  // The mocked recording of the same stack copies: what the real engine must agree with.
  const recorded: Partial<Record<StackName, RecordedStack>> = {};
  recorded.prod = await recordStack("prod", { stackFile: path.join(project, "Pulumi.prod.yaml") });
  recorded.testnet = await recordStack("testnet", { stackFile: path.join(project, "Pulumi.testnet.yaml"), prod: recorded.prod });

  // prod's outputs, seeded for testnet's StackReference with `pulumi stack import`.
  const exported = JSON.parse(must(["stack", "export", "--stack", "prod"]).stdout) as { version: number; deployment: Record<string, unknown> };
  const plainOutputs = Object.fromEntries(
    Object.entries(recorded.prod.outputs).filter(([, value]) => !JSON.stringify(value ?? null).includes(SECRET_SIG_KEY)),
  );
  exported.deployment.resources = [
    { urn: `urn:pulumi:prod::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-prod`, custom: false, type: "pulumi:pulumi:Stack", outputs: plainOutputs },
  ];
  const importFile = path.join(tmp, "prod-outputs.json");
  fs.writeFileSync(importFile, JSON.stringify(exported));
  must(["stack", "import", "--stack", "prod", "--file", importFile]);
  check("prod's outputs are seeded on the backend for testnet's StackReference", "proxyUrls" in plainOutputs, Object.keys(plainOutputs).join(", "));

  // The real previews, with the policy pack.
  const documents: Record<string, string> = {};
  for (const stack of STACKS) {
    // --save-plan adds nothing to the preview but a plan file: the stack's outputs are there
    // (the --json document has the root stack's step from before the program registered them).
    const planFile = path.join(tmp, `${stack}-plan.json`);
    const preview = pulumi([...previewArgs(stack), "--save-plan", planFile]);
    const ok = check(`pulumi preview --json of ${stack} with the policy pack succeeds`, preview.status === 0, `exit ${preview.status} in ${preview.seconds.toFixed(0)} s${preview.status === 0 ? "" : `: ${lastLines(preview)}`}`);
    if (!ok) continue;
    const file = path.join(tmp, `${stack}-preview.json`);
    fs.writeFileSync(file, preview.stdout);
    documents[stack] = file;
    documents[`${stack}-plan`] = planFile;
    compareWithRecording(stack, JSON.parse(preview.stdout), JSON.parse(fs.readFileSync(planFile, "utf8")), recorded[stack]!);
  }

  // The cost review: estimate on the real documents against the offline review.
  for (const stack of STACKS) {
    const file = documents[stack];
    if (!file) continue;
    const offline = infraCost(["review", "--stack", stack, "--format", "json"]);
    const estimate = infraCost(["estimate", "--preview", file, "--format", "json"]);
    if (!offline.ok || !estimate.ok) {
      check(`infra-cost estimate of ${stack}'s real preview equals the offline review`, false, (offline.ok ? estimate : offline).text.trim().split("\n")[0]);
      continue;
    }
    const want = (JSON.parse(offline.text) as { stacks: Record<string, { after: number }> }).stacks[stack].after;
    const got = (JSON.parse(estimate.text) as { totals: { after: number } }).totals.after;
    check(`infra-cost estimate of ${stack}'s real preview equals the offline review's after-side total`, roundMoney(want) === roundMoney(got), `estimate ${money(got)}, review ${money(want)}`);
  }

  // The pack, loaded by the real CLI, stops an over-budget prod.
  const prodConfig = recorded.prod.config;
  if (!("seedPool" in prodConfig)) throw new Error("prod's recorded config has no seedPool");
  const seedPool = prodConfig.seedPool;
  const prodFile = path.join(project, "Pulumi.prod.yaml");
  const prodSaved = fs.readFileSync(prodFile, "utf8");
  const overBudget = (seedPool.nodeCount ?? 4) * 10;
  must(["config", "set", "--stack", "prod", "--path", "seedPool.nodeCount", String(overBudget)]);
  const over = pulumi(previewArgs("prod").filter((a) => a !== "--json"));
  const overText = `${over.stdout}\n${over.stderr}`;
  check(
    `an over-budget prod (${overBudget} seed nodes) fails the real preview with a mandatory monthly-budget-ceiling violation`,
    over.status !== 0 && /\[mandatory\]\s+monthly-budget-ceiling/.test(overText),
    `exit ${over.status}; ${(() => {
      // The policy's line and the two after it: a violation's message, or the error the pack threw.
      const lines = overText.split("\n");
      const at = lines.findIndex((l) => l.includes("monthly-budget-ceiling"));
      return at < 0 ? "no monthly-budget-ceiling line" : lines.slice(at, at + 3).map((l) => l.trim()).join(" ");
    })()}`,
  );

  // What the pack prices beside and against prod's ceiling under the real CLI is what the review
  // prices: a policy config whose ceiling every estimate exceeds makes the pack show both.
  fs.writeFileSync(prodFile, prodSaved);
  comparePackWithReview(pulumi, project, tmp);

  // A bad config value stops the real preview with the program's one-line message.
  const bad = "n1-bogus-7";
  fs.writeFileSync(prodFile, prodSaved);
  must(["config", "set", "--stack", "prod", "--path", "seedPool.machineType", bad]);
  let expected = "";
  try {
    await recordStack("prod", { stackFile: path.join(project, "Pulumi.prod.yaml") });
  } catch (err) {
    expected = (err as Error).message;
  }
  const badRun = pulumi(previewArgs("prod"));
  // With --json the program's error is a diagnostic of the document (JSON-escaped in the raw text).
  let diagnostics: string[] = [];
  try {
    diagnostics = ((JSON.parse(badRun.stdout) as { diagnostics?: { message?: string }[] }).diagnostics ?? []).map((d) => d.message ?? "");
  } catch {
    diagnostics = [];
  }
  const badText = [badRun.stdout, badRun.stderr, ...diagnostics].join("\n");
  const errorLines = diagnostics.filter((m) => m.startsWith("error:"));
  check(
    `a bad config value (seedPool.machineType ${bad}) stops the real preview with the program's one-line message, no stack trace`,
    expected !== "" && badRun.status !== 0 && errorLines.length === 1 && errorLines[0].trim() === `error: ${expected}` && !/^\s+at .+[(:]\d+/m.test(badText),
    `exit ${badRun.status}; ${errorLines.map((l) => l.trim()).join(" | ") || `no error diagnostic (expected ${JSON.stringify(expected)})`}`,
  );

  // No secret value in the documents or anything the CLI printed.
  const everything = [...Object.values(documents).map((f) => fs.readFileSync(f, "utf8")), ...cliOutputs].join("\n");
  const leaked = secretValues.filter((v) => everything.includes(v) || everything.includes(Buffer.from(v).toString("base64")));
  check("no secret value appears in the preview documents, their plans or the CLI's output", leaked.length === 0, `${secretValues.length} secrets looked for in ${cliOutputs.length / 2} CLI runs`);
}

/** The review's figures the pack's ceiling message names: its estimate, its usage total and each usage category, as money. */
interface CeilingFigures {
  estimate?: string;
  usage?: string;
  categories: Record<string, string>;
}

/**
 * prod previewed by the real CLI with its committed config and a $1 ceiling: the pack's violation
 * names its estimate and the usage beside it (usage.prod.yml, as policies/config/prod.json names
 * it). Both must be `infra-cost review --stack prod`'s: its ceiling estimate and its after-side usage,
 * in total and per category. Computed from both outputs, never typed in.
 */
function comparePackWithReview(pulumi: (args: string[]) => Run, project: string, tmp: string): void {
  const committed = JSON.parse(fs.readFileSync(path.join(project, "policies", "config", "prod.json"), "utf8")) as Record<string, Record<string, unknown>>;
  const lowCeiling = path.join(tmp, "prod-policy-config-ceiling-1.json");
  fs.writeFileSync(lowCeiling, JSON.stringify({ ...committed, "monthly-budget-ceiling": { ...committed["monthly-budget-ceiling"], maxMonthlyCost: 1 } }));
  const run = pulumi(["preview", "--stack", "prod", "--policy-pack", "policies", "--policy-pack-config", lowCeiling]);
  const text = `${run.stdout}\n${run.stderr}`.replace(/\s+/g, " ");
  const usageNote = /Usage-based, not counted against the ceiling: (\$[\d,.]+) a month from usage\.prod\.yml \(([^)]*)\)/.exec(text);
  const pack: CeilingFigures = {
    estimate: /estimated (\$[\d,.]+) a month exceeds the ceiling of \$1\.00/.exec(text)?.[1],
    usage: usageNote?.[1],
    categories: Object.fromEntries(
      (usageNote?.[2] ?? "")
        .split(", ")
        .map((part) => /^([a-z ]+) (\$[\d,.]+)$/.exec(part))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => [match[1], match[2]]),
    ),
  };
  const offline = infraCost(["review", "--stack", "prod", "--format", "json"]);
  if (!offline.ok) {
    check("the pack's ceiling estimate and usage of prod under the real CLI are infra-cost review's", false, offline.text.trim().split("\n")[0]);
    return;
  }
  const document = JSON.parse(offline.text) as {
    usage: Record<string, { totals: { after: number }; lines: { side: string; category: string; monthly: number }[] }>;
    stacks: Record<string, { policies: { policyName: string; message: string }[] }>;
  };
  const categories: Record<string, number> = {};
  const linesPerCategory: Record<string, number> = {};
  for (const line of document.usage.prod.lines.filter((l) => l.side === "after")) {
    categories[line.category] = (categories[line.category] ?? 0) + line.monthly;
    linesPerCategory[line.category] = (linesPerCategory[line.category] ?? 0) + 1;
  }
  const ceilingMessage = document.stacks.prod.policies.find((p) => p.policyName === "monthly-budget-ceiling")?.message ?? "";
  const review: CeilingFigures = {
    estimate: /budget ceiling: (\$[\d,.]+) of/.exec(ceilingMessage)?.[1],
    usage: money(document.usage.prod.totals.after),
    categories: Object.fromEntries(Object.entries(categories).map(([category, monthly]) => [category, money(monthly)])),
  };
  const shown = (figures: CeilingFigures) => `estimate ${figures.estimate ?? "none"}, usage ${figures.usage ?? "none"} (${Object.entries(figures.categories).map(([c, m]) => `${c} ${m}`).join(", ")})`;
  // The review's JSON gives each line in cents: a category summed from them may differ from the pack's (summed before rounding) by half a cent a line.
  const dollars = (text: string | undefined) => Number((text ?? "NaN").replace(/[$,]/g, ""));
  const sameCategories =
    JSON.stringify(Object.keys(pack.categories).sort()) === JSON.stringify(Object.keys(review.categories).sort()) &&
    Object.keys(review.categories).every((category) => Math.abs(dollars(pack.categories[category]) - categories[category]) <= 0.005 * (linesPerCategory[category] + 1));
  check(
    "the pack's usage beside prod's ceiling under the real CLI is infra-cost review's after-side usage: its total, and each category to the review's rounding",
    run.status !== 0 && pack.usage !== undefined && pack.usage === review.usage && sameCategories,
    `pack: ${shown(pack)}; review: ${shown(review)}`,
  );
  check("the pack's ceiling estimate of prod under the real CLI is infra-cost review's", pack.estimate !== undefined && pack.estimate === review.estimate, `pack ${pack.estimate ?? "none"}, review ${review.estimate ?? "none"}`);
}

function previewArgs(stack: StackName): string[] {
  return ["preview", "--stack", stack, "--json", "--show-sames", "--policy-pack", "policies", "--policy-pack-config", `policies/config/${stack}.json`];
}

function lastLines(run: Run): string {
  return `${run.stdout}\n${run.stderr}`.trim().split("\n").filter((l) => l.trim()).slice(-3).join(" | ");
}

interface PlanDocument {
  resourcePlans?: Record<string, { state?: Record<string, unknown> }>;
}

interface PreviewDocument {
  steps?: { op: string; urn: string; newState?: { type: string; parent?: string; protect?: boolean } }[];
}

/** Same URNs, types, parents and protect flags as the mocked recording, and the same stack outputs. */
function compareWithRecording(stack: StackName, document: PreviewDocument, plan: PlanDocument, recording: RecordedStack): void {
  // The engine adds what a mocked run has no part in: the root stack resource (the parent of
  // every resource without one) and the default providers.
  const rootUrn = `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`;
  const engineOwned = (urn: string) => urn === rootUrn || /::pulumi:providers:[^:]+::default/.test(urn);
  // A StackReference is read (ReadResource), which the mocked recording does not record.
  const reads = (document.steps ?? []).filter((s) => s.op === "read").map((s) => s.urn);
  const real = new Map((document.steps ?? []).filter((s) => !engineOwned(s.urn) && s.op !== "read").map((s) => [s.urn, s]));
  const mocked = new Map(recording.resources.map((r) => [r.urn, r]));
  const missing = [...mocked.keys()].filter((urn) => !real.has(urn));
  const extra = [...real.keys()].filter((urn) => !mocked.has(urn));
  check(`${stack}: the real preview has the recording's ${mocked.size} resources, same URNs`, missing.length === 0 && extra.length === 0, [
    missing.length ? `missing ${missing.join(", ")}` : "",
    extra.length ? `extra ${extra.join(", ")}` : "",
  ].filter(Boolean).join("; ") || `${real.size} resources`);
  if (recording.config.stack === "testnet") {
    const reference = `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:StackReference::${recording.config.validators.proxyStack}`;
    check(`${stack}: the real preview reads the StackReference ${recording.config.validators.proxyStack}`, reads.includes(reference), `reads: ${reads.join(", ") || "none"}`);
  }
  const differing: string[] = [];
  for (const [urn, record] of mocked) {
    const state = real.get(urn)?.newState;
    if (!state) continue;
    if (state.type !== record.type) differing.push(`${urn} type ${state.type}`);
    if ((state.parent === rootUrn ? undefined : state.parent || undefined) !== record.parent) differing.push(`${urn} parent ${state.parent}`);
    if (Boolean(state.protect) !== Boolean(record.protect)) differing.push(`${urn} protect ${state.protect}`);
  }
  check(`${stack}: types, parents and protect flags are the recording's`, differing.length === 0, differing.slice(0, 3).join("; ") || `${mocked.size} compared`);
  const realOutputs = Object.keys(plan.resourcePlans?.[rootUrn]?.state ?? {}).sort();
  const mockedOutputs = Object.keys(recording.outputs).sort();
  check(`${stack}: the stack outputs are the recording's`, JSON.stringify(realOutputs) === JSON.stringify(mockedOutputs), `real [${realOutputs.join(", ")}], recorded [${mockedOutputs.join(", ")}]`);
}


void main();

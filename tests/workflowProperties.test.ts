/**
 * CI/CD properties that must hold across every workflow in .github/workflows/, on the parsed YAML:
 * real GCP/GKE authentication with a read-only identity for previews and the deploy identity only
 * in protected environments, stacks named with their organization, the Pulumi CLI pinned to the
 * SDK, Node 22 from one pinned version, the tests before any deploy, prod before testnet,
 * `!cancelled()` rather than `always()`, and an explicit neutral result for fork pull requests.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT } from "../config";
import { readStackConfig } from "../offline/stackConfig";

const ROOT = path.join(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const files = fs.readdirSync(WORKFLOWS).filter((file) => file.endsWith(".yml"));
const texts: Record<string, string> = Object.fromEntries(files.map((file) => [file, fs.readFileSync(path.join(WORKFLOWS, file), "utf8")]));
const workflows: Record<string, any> = Object.fromEntries(files.map((file) => [file, parse(texts[file])]));
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const nodeVersion = fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim();
const ciRun = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");

interface Job {
  file: string;
  id: string;
  job: any;
}
const jobs: Job[] = files.flatMap((file) => Object.entries<any>(workflows[file].jobs).map(([id, job]) => ({ file, id, job })));
const steps = (job: any): any[] => job.steps ?? [];
/** The action a `uses:` names, without the commit it is pinned to. */
const actionOf = (uses: string | undefined): string => (uses ?? "").split("@")[0];
const runText = (job: any): string => steps(job).map((step) => (step.run ?? "").replace(/\\\n\s*/g, "")).join("\n");
const runsPulumi = (job: any): boolean => /\bpulumi (preview|up)\b/.test(runText(job));
const pulumiJobs = jobs.filter(({ job }) => runsPulumi(job));
const triggers = (file: string): string[] => Object.keys(workflows[file].on);

test("the workflows this test reads exist", () => {
  expect(files.sort()).toEqual(["cost-review.yml", "deploy.yml", "fork-pull-request.yml", "reconcile.yml", "test.yml"]);
  expect(pulumiJobs.map(({ file, id }) => `${file}:${id}`).sort()).toEqual(["cost-review.yml:preview", "deploy.yml:up-prod", "deploy.yml:up-testnet"]);
});

describe("authentication", () => {
  test.each(pulumiJobs)("$file $id authenticates with Workload Identity Federation and installs gke-gcloud-auth-plugin before Pulumi runs", ({ job }) => {
    const uses = steps(job).map((step) => actionOf(step.uses));
    const auth = uses.indexOf("google-github-actions/auth");
    const gcloud = uses.indexOf("google-github-actions/setup-gcloud");
    const pulumi = steps(job).findIndex((step) => /\bpulumi (preview|up)\b/.test(step.run ?? ""));
    expect(auth).toBeGreaterThan(-1);
    expect(gcloud).toBeGreaterThan(auth);
    expect(pulumi).toBeGreaterThan(gcloud);
    expect(Object.keys(steps(job)[auth].with).sort()).toEqual(["service_account", "workload_identity_provider"]);
    expect(steps(job)[gcloud].with.install_components).toBe("gke-gcloud-auth-plugin");
    // The OIDC token Workload Identity Federation exchanges.
    expect(job.permissions["id-token"]).toBe("write");
  });

  test("no workflow holds a long-lived GCP key", () => {
    for (const text of Object.values(texts)) expect(text).not.toMatch(/GOOGLE_CREDENTIALS|credentials_json/);
  });

  test("only `up` jobs in a protected environment get the deploy identity; previews get the read-only one", () => {
    for (const { file, id, job } of jobs) {
      const text = JSON.stringify(job);
      const auth = steps(job).find((step) => actionOf(step.uses) === "google-github-actions/auth");
      if (/\bpulumi up\b/.test(runText(job))) {
        expect([file, id, job.environment]).toEqual([file, id, job.env.STACK]);
        expect(triggers(file)).toEqual(["push"]);
        expect(auth.with.service_account).toBe("${{ secrets.GCP_DEPLOY_SERVICE_ACCOUNT }}");
        expect(job.env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_DEPLOY_ACCESS_TOKEN }}");
      } else {
        expect([file, id, text]).toEqual([file, id, expect.not.stringMatching(/DEPLOY/)]);
        expect(job.environment).toBeUndefined();
      }
      if (/\bpulumi preview\b/.test(runText(job))) {
        expect(auth.with.service_account).toBe("${{ secrets.GCP_PREVIEW_SERVICE_ACCOUNT }}");
        expect(job.env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_PREVIEW_ACCESS_TOKEN }}");
      }
    }
  });

  test("stacks are named with their organization: the org of testnet's validators.proxyStack", () => {
    const proxyStack: string = (readStackConfig("testnet").values[`${PROJECT}:validators`] as any).proxyStack;
    const [org, project, stack] = proxyStack.split("/");
    expect([project, stack]).toEqual([PROJECT, "prod"]);
    for (const { file, job } of pulumiJobs) {
      expect(workflows[file].env.PULUMI_ORG).toBe(org);
      const stackArguments = [...runText(job).matchAll(/^\s*pulumi (?:preview|up)\b[^\n]*?--stack (\S+)/gm)].map((m) => m[1]);
      expect(stackArguments.length).toBeGreaterThan(0);
      for (const argument of stackArguments) expect(argument).toBe('"$PULUMI_ORG/$STACK"');
    }
  });
});

describe("pinned and supported", () => {
  test("every Pulumi CLI install is pinned to the @pulumi/pulumi version in package-lock.json", () => {
    const sdk = lock.packages["node_modules/@pulumi/pulumi"].version;
    const installs = jobs.flatMap(({ job }) => steps(job).filter((step) => String(step.uses).startsWith("pulumi/actions@")));
    expect(installs.length).toBe(pulumiJobs.length);
    for (const step of installs) expect(step.with["pulumi-version"]).toBe(sdk);
  });

  test("Node 22 is the floor everywhere, from the one exact version in .nvmrc", () => {
    expect(nodeVersion).toMatch(/^22\.\d+\.\d+$/);
    expect(packageJson.engines.node).toBe(">=22");
    expect(fs.readFileSync(path.join(ROOT, ".npmrc"), "utf8")).toMatch(/^engine-strict=true$/m);
    expect(lock.packages["node_modules/@types/node"].version).toMatch(/^22\./);
    const setupNodes = jobs.flatMap(({ job }) => steps(job).filter((step) => String(step.uses).startsWith("actions/setup-node@")));
    // Every Pulumi job sets Node up (the cost comment job does too, to run infra-cost), always from .nvmrc.
    for (const { job } of pulumiJobs) expect(steps(job).some((step) => String(step.uses).startsWith("actions/setup-node@"))).toBe(true);
    for (const step of setupNodes) expect(step.with).toEqual({ "node-version-file": ".nvmrc", cache: "npm" });
    for (const text of Object.values(texts)) expect(text).not.toMatch(/node-version:/);
    expect(workflows["test.yml"].jobs.test.container.image).toBe(`node:${nodeVersion}-bookworm`);
    // .ci/run installs that version from the npm registry when the machine's node is older.
    expect(ciRun).toContain("node_version=$(tr -d '[:space:]' < .nvmrc)");
    expect(ciRun).toMatch(/npm install -g [^\n]*--prefix "\$node_prefix" "node-linux-\$node_arch@\$node_version"/);
    expect(ciRun.indexOf('export PATH="$node_prefix/bin:$PATH"')).toBeLessThan(ciRun.indexOf("\nnpm ci --no-audit --no-fund"));
  });

  test("no experimental CLI features (update plans need PULUMI_EXPERIMENTAL in the pinned CLI)", () => {
    for (const text of Object.values(texts)) expect(text).not.toMatch(/PULUMI_EXPERIMENTAL|--save-plan|--plan\b/);
  });
});

describe("actions pinned by commit", () => {
  const usesLines = Object.entries(texts).flatMap(([file, text]) => [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(.+)$/gm)].map((m) => ({ file, line: m[1].trim() })));

  test("every action is pinned to a full commit SHA with its version in a comment (local workflows aside)", () => {
    expect(usesLines.length).toBeGreaterThan(20);
    for (const { file, line } of usesLines) {
      if (line.startsWith("./")) continue;
      expect([file, line]).toEqual([file, expect.stringMatching(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)]);
    }
  });

  test("one action, one pin: the same commit and version everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const { line } of usesLines.filter(({ line }) => !line.startsWith("./"))) {
      const [action, pin] = line.split("@");
      pins.set(action, new Set([...(pins.get(action) ?? []), pin]));
    }
    for (const [action, set] of pins) expect([action, set.size]).toEqual([action, 1]);
  });

  test("a tag instead of a commit is caught", () => {
    expect("actions/checkout@v4").not.toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    expect("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1").not.toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test("Dependabot keeps the actions and the npm dependencies current", () => {
    const dependabot = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8"));
    expect(dependabot.version).toBe(2);
    expect(dependabot.updates.map((update: any) => [update["package-ecosystem"], update.directory]).sort()).toEqual([
      ["github-actions", "/"],
      ["npm", "/"],
    ]);
  });
});

describe("reconcile.yml", () => {
  const reconcile = () => workflows["reconcile.yml"];
  const job = () => reconcile().jobs.reconcile;

  test("runs monthly and by hand, one run at a time, with the read-only billing identity", () => {
    expect(Object.keys(reconcile().on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(reconcile().on.schedule).toEqual([{ cron: "0 6 5 * *" }]);
    expect(reconcile().permissions).toEqual({ contents: "read" });
    expect(job().permissions).toEqual({ contents: "read", "id-token": "write", issues: "write" });
    const auth = steps(job()).find((step) => actionOf(step.uses) === "google-github-actions/auth");
    expect(auth.with).toEqual({ workload_identity_provider: "${{ secrets.GCP_WORKLOAD_IDENTITY_PROVIDER }}", service_account: "${{ secrets.GCP_BILLING_READER_SERVICE_ACCOUNT }}" });
    expect(JSON.stringify(job())).not.toMatch(/DEPLOY/);
  });

  test("reconciles the month just invoiced from BigQuery with the drift threshold, keeping the report even past it", () => {
    const commands = runText(job());
    expect(commands).toContain('date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y%m');
    expect(commands).toMatch(/npx infra-cost reconcile --bigquery "\$BILLING_EXPORT_TABLE" --month "\$MONTH"\s+--format markdown --out reconcile\.md --fail-above-drift-percent "\$DRIFT_PERCENT"/);
    expect(commands).toContain('if [ "$code" != 0 ] && [ "$code" != 3 ]; then exit "$code"; fi');
    const names = steps(job()).map((step) => step.name ?? actionOf(step.uses));
    expect(names.indexOf("actions/upload-artifact")).toBeGreaterThan(names.indexOf("reconcile"));
    expect(steps(job()).find((step) => actionOf(step.uses) === "actions/upload-artifact").with.path).toBe("reconcile.md");
    expect(steps(job()).find((step) => step.name === "open or update the drift issue").if).toBe("steps.reconcile.outputs.exit-code == '3'");
  });

  test("the month step computes the previous month and refuses a bad one", () => {
    const script: string = steps(job()).find((step) => step.id === "month").run;
    const { execFileSync } = require("child_process") as typeof import("child_process");
    const run = (requested: string) => {
      const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "month-"));
      const output = path.join(dir, "out");
      try {
        execFileSync("bash", ["-c", script], { env: { ...process.env, REQUESTED: requested, GITHUB_OUTPUT: output }, stdio: "pipe" });
        return fs.readFileSync(output, "utf8").trim();
      } catch (err) {
        return `exit ${(err as { status: number }).status}`;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    expect(run("202105")).toBe("month=202105");
    expect(run("2021-05")).toBe("exit 2");
    const now = new Date();
    const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    expect(run("")).toBe(`month=${previous.getUTCFullYear()}${String(previous.getUTCMonth() + 1).padStart(2, "0")}`);
  });

  test("opens one issue, then updates it", async () => {
    const script: string = steps(job()).find((step) => step.name === "open or update the drift issue").with.script;
    const issues: { number: number; body: string; title: string; pull_request?: object }[] = [{ number: 1, body: "unrelated", title: "x" }];
    const comments: { issue: number; body: string }[] = [];
    const github = {
      paginate: async (method: any, params: any) => method(params),
      rest: {
        issues: {
          listForRepo: async () => issues.map((issue) => ({ ...issue })),
          create: async ({ title, body }: any) => issues.push({ number: issues.length + 1, title, body }),
          update: async ({ issue_number, body }: any) => (issues.find((issue) => issue.number === issue_number)!.body = body),
          createComment: async ({ issue_number, body }: any) => comments.push({ issue: issue_number, body }),
        },
      },
    };
    const context = { serverUrl: "https://github.com", repo: { owner: "o", repo: "r" }, runId: 9 };
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "drift-issue-"));
    const cwd = process.cwd();
    const env = { ...process.env };
    try {
      process.chdir(dir);
      Object.assign(process.env, { MONTH: "202106", DRIFT_PERCENT: "10" });
      fs.writeFileSync("reconcile.md", "testnet blockchain-nodes +100 %");
      await new AsyncFunction("github", "context", "require", script)(github, context, require);
      fs.writeFileSync("reconcile.md", "testnet blockchain-nodes +120 %");
      await new AsyncFunction("github", "context", "require", script)(github, context, require);
    } finally {
      process.chdir(cwd);
      process.env = env;
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const drift = issues.filter((issue) => issue.body.includes("<!-- infra-cost-reconcile -->"));
    expect(drift).toHaveLength(1);
    expect(drift[0].body).toContain("+120 %");
    expect(drift[0].body).toContain("invoice month 202106");
    expect(comments).toEqual([{ issue: drift[0].number, body: expect.stringContaining("Invoice month 202106 reconciled again") }]);
  });
});

describe("tests, order and cancellation", () => {
  test("test.yml runs .ci/run (apt packages with nginx, npm ci, npm test) on pull requests, fork ones included, and for deploys", () => {
    const test = workflows["test.yml"];
    expect(Object.keys(test.on).sort()).toEqual(["pull_request", "workflow_call"]);
    expect(test.jobs.test.if).toBeUndefined();
    expect(steps(test.jobs.test).map((step) => step.run).filter(Boolean)).toEqual([".ci/run"]);
    expect(fs.readFileSync(path.join(ROOT, ".ci", "apt-packages.txt"), "utf8")).toMatch(/^nginx(=\S+)?$/m);
    expect(ciRun.indexOf("apt-get install")).toBeLessThan(ciRun.indexOf("\nnpm ci --no-audit --no-fund"));
    expect(ciRun.indexOf("\nnpm ci --no-audit --no-fund")).toBeLessThan(ciRun.indexOf("\nnpm test"));
  });

  test("deploys run the tests, then prod, then testnet", () => {
    const deploy = workflows["deploy.yml"].jobs;
    expect(deploy.test.uses).toBe("./.github/workflows/test.yml");
    // Follow `needs` from each up job back to the start: the order the jobs can run in.
    const chain = (id: string): string[] => {
      const needs = deploy[id].needs;
      return needs ? [...chain(needs), id] : [id];
    };
    expect(chain("up-testnet")).toEqual(["test", "up-prod", "up-testnet"]);
    expect(deploy["up-prod"].env.STACK).toBe("prod");
    expect(deploy["up-testnet"].env.STACK).toBe("testnet");
    expect(workflows["deploy.yml"].concurrency["cancel-in-progress"]).toBe(false);
  });

  test("conditions use !cancelled(), never always() (a cancelled, superseded run must not post)", () => {
    for (const text of Object.values(texts)) expect(text).not.toContain("always()");
    const conditions = jobs.flatMap(({ job }) => [job.if, ...steps(job).map((step) => step.if)]).filter(Boolean);
    expect(conditions.filter((c) => c.includes("!cancelled()")).length).toBeGreaterThanOrEqual(3);
  });
});

describe("fork pull requests", () => {
  const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";

  test("the cost review's jobs need secrets, so they run for same-repository pull requests only", () => {
    for (const job of Object.values<any>(workflows["cost-review.yml"].jobs)) expect(job.if).toContain(sameRepo);
  });

  test("forks get an explicit neutral cost-review check, from a workflow that never runs their code", async () => {
    const fork = workflows["fork-pull-request.yml"];
    expect(Object.keys(fork.on)).toEqual(["pull_request_target"]);
    expect(fork.permissions).toEqual({});
    const [job] = Object.values<any>(fork.jobs);
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name != github.repository");
    expect(job.permissions).toEqual({ checks: "write" });
    expect(steps(job).map((step) => actionOf(step.uses))).toEqual(["actions/github-script"]);
    const script: string = steps(job)[0].with.script;
    expect(script).not.toMatch(/\$\{\{/);

    // Run the script as github-script would.
    const created: any[] = [];
    const github = { rest: { checks: { create: async (params: any) => created.push(params) } } };
    const context = { repo: { owner: "o", repo: "r" }, payload: { pull_request: { head: { sha: "f00d" } } } };
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    await new AsyncFunction("github", "context", script)(github, context);
    expect(created).toEqual([
      expect.objectContaining({ owner: "o", repo: "r", name: "cost-review", head_sha: "f00d", status: "completed", conclusion: "neutral" }),
    ]);
    expect(created[0].output.title).toBe("Not previewed: pull request from a fork");
  });
});

describe("README", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const ci = readme.slice(readme.indexOf("## CI and deploys"), readme.indexOf("\n## ", readme.indexOf("## CI and deploys") + 1));

  test("its CI section names every workflow, every secret they read and the pinned versions", () => {
    expect(ci.length).toBeGreaterThan(500);
    for (const file of files) expect(ci).toContain(`\`${file}\``);
    const secrets = new Set(Object.values(texts).flatMap((text) => [...text.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1])));
    expect(secrets.size).toBeGreaterThanOrEqual(5);
    for (const secret of secrets) expect(ci).toContain(`\`${secret}\``);
    expect(ci).toContain(lock.packages["node_modules/@pulumi/pulumi"].version);
    expect(ci).toContain(".nvmrc");
    expect(ci).toContain("PULUMI_EXPERIMENTAL");
  });
});

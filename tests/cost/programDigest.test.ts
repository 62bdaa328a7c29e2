/**
 * End to end on this project's own resources: the program run offline, written as the preview
 * digest `pulumi preview --json --show-sames` would print for a first `up` (adopted resources as
 * `import` steps, the rest `create`, every secret as "[secret]"), estimated as the PR comment. Its
 * after side must equal what `review` computes for the same program, and every policy must pass,
 * as they do in `review`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "./runCli";
import { redactSecrets } from "../../graph/resourceRecord";
import { recordStack } from "../../offline/recordStack";
import { buildReview } from "../../review/buildReview";

const run = runCli;

test("both stacks as real-shaped digests: after totals equal review's, all policies pass", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "program-digest-"));
  try {
    const files: string[] = [];
    for (const stack of ["prod", "testnet"] as const) {
      const recorded = await recordStack(stack);
      const steps = recorded.resources.map((r) => {
        const newState = {
          urn: r.urn, custom: r.custom, type: r.type, inputs: redactSecrets(r.inputs), outputs: redactSecrets(r.outputs ?? r.inputs),
          ...(r.parent ? { parent: r.parent } : {}), ...(r.provider ? { provider: r.provider } : {}), ...(r.protect ? { protect: true } : {}),
          ...(r.importId ? { importID: r.importId } : {}), dependencies: r.dependencies ?? [],
        };
        return { op: r.importId ? "import" : "create", urn: r.urn, newState, detailedDiff: null };
      });
      const file = path.join(dir, `preview-${stack}.json`);
      fs.writeFileSync(file, JSON.stringify({ config: {}, steps, duration: 1, changeSummary: { create: steps.length } }));
      files.push("--preview", file);
    }
    const { code, stdout, stderr } = await run(["estimate", ...files, "--format", "json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const estimate = JSON.parse(stdout);
    const { review } = await buildReview({ stack: "all" });
    for (const s of review.stacks) expect(estimate.stacks[s.stack].totals.after).toBeCloseTo(s.comparison.totals.after, 2);

    const comment = await run(["estimate", ...files, "--format", "markdown"]);
    expect(comment.code).toBe(0);
    expect(comment.stdout).not.toMatch(/\*\*FAIL\*\*/);
    expect(comment.stdout.match(/All 7 policies pass on the preview's after-state/g)).toHaveLength(2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

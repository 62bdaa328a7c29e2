/**
 * Every step op of a real-shaped `pulumi preview --json` digest priced by what it does to the bill;
 * secrets ("[secret]") and unknowns in any field; impossible input refused; failed previews;
 * stack exports with plaintext/ciphertext secrets and an interrupted replace. Figures from
 * catalog/gcp-prices.json (2026-07-30), 730 hours a month.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "./runCli";
import { UNKNOWN, SECRET_SIG, SECRET_SIG_KEY } from "../../graph/resourceRecord";
import { digest, rootStep, state, step, urnOf } from "./previewDigest";

const DISK = "gcp:compute/disk:Disk";
const POOL = "gcp:container/nodePool:NodePool";
const FIXTURES = path.join(__dirname, "..", "fixtures", "pulumi");

const run = runCli;

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-cost-steps-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
function write(name: string, document: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(document, null, 4));
  return file;
}
async function estimateJson(document: unknown, name = "preview.json") {
  const { code, stdout, stderr } = await run(["estimate", "--preview", write(name, document), "--format", "json"]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return JSON.parse(stdout);
}
const disk = (name: string, type: string, size: unknown) => state("prod", DISK, name, { name, zone: "us-east1-b", type, size });
const pool = (name: string, extra: Record<string, unknown>) =>
  state("prod", POOL, name, { cluster: "prod", location: "us-east1-b", nodeConfig: { machineType: "n1-standard-4", diskType: "pd-standard", diskSizeGb: 100 }, ...extra });

describe("every op of a real digest", () => {
  const sameDisk = disk("kept", "pd-ssd", 100);
  const refreshOnly = [disk("drifted", "pd-balanced", 40), disk("drifted", "pd-balanced", 50)];
  const refreshThenUpdate = [disk("grown", "pd-balanced", 30), disk("grown", "pd-balanced", 40), disk("grown", "pd-balanced", 60)];
  const imported = disk("adopted", "pd-standard", 300);
  const external = disk("others", "pd-ssd", 1000);
  const document = digest("prod", [
    step("same", sameDisk, sameDisk),
    step("create", undefined, disk("new", "pd-balanced", 10)),
    step("update", pool("seeds", { nodeCount: 10 }), pool("seeds", { nodeCount: 3 })),
    step("create-replacement", undefined, disk("data", "pd-ssd", 200)),
    step("replace", disk("data", "pd-ssd", 100), disk("data", "pd-ssd", 200)),
    step("delete-replaced", disk("data", "pd-ssd", 100), undefined),
    // delete-before-replace: the pair comes the other way round
    step("delete-replaced", disk("swapped", "pd-balanced", 10), undefined),
    step("replace", disk("swapped", "pd-balanced", 10), disk("swapped", "pd-balanced", 30)),
    step("create-replacement", undefined, disk("swapped", "pd-balanced", 30)),
    step("delete", disk("old", "pd-balanced", 20), undefined),
    step("read", undefined, external),
    step("discard", disk("gone-read", "pd-ssd", 500), undefined),
    step("refresh", refreshOnly[0], refreshOnly[1]),
    step("refresh", refreshThenUpdate[0], refreshThenUpdate[1]),
    step("update", refreshThenUpdate[1], refreshThenUpdate[2]),
    step("import", undefined, imported),
    step("remove-pending-replace", disk("pending", "pd-ssd", 100), undefined),
  ]);

  test("each op's before and after are what bills before and after pulumi up", async () => {
    const report = await estimateJson(document);
    const byName = Object.fromEntries(report.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.kept).toMatchObject({ before: 17, after: 17 }); // same: pd-ssd 0.17 x 100
    expect(byName.new).toMatchObject({ before: null, after: 1 }); // create: pd-balanced 0.10 x 10
    expect(byName.seeds).toMatchObject({ before: 1010.89, after: 303.27 }); // update: 10 -> 3 x (97.089489 + 4)
    expect(byName.data).toMatchObject({ before: 17, after: 34 }); // replace (create-before-delete), once
    expect(byName.swapped).toMatchObject({ before: 1, after: 3 }); // replace (delete-before-replace), once
    expect(byName.old).toMatchObject({ before: 2, after: null }); // delete
    expect(byName.drifted).toMatchObject({ before: 5, after: 5 }); // refresh: the refreshed 50 GiB bills on both sides
    expect(byName.grown).toMatchObject({ before: 4, after: 6 }); // refresh then update: after is the update's 60 GiB
    expect(byName.adopted).toMatchObject({ before: 12, after: 12 }); // import = adoption: pd-standard 0.04 x 300, no change
    for (const free of ["others", "gone-read", "pending"]) expect(byName[free]).toBeUndefined(); // read/discard: another stack's; pending: already gone
    // before 17+1010.89489+17+1+2+5+4+12 = 1068.89489; after 17+1+303.268467+34+3+5+6+12 = 381.268467
    expect(report.totals).toEqual({ before: 1068.89, after: 381.27, delta: -687.62 });
    expect(report.coverage).toEqual({ complete: true, omittedSames: 0, errors: [] });
  });

  test("the real all-ops fixture (non-GCP resources) reads every op without error", async () => {
    const report = await estimateJson(JSON.parse(fs.readFileSync(path.join(FIXTURES, "preview-drift-adopter-all-ops.json"), "utf8")), "all-ops.json");
    expect(report.totals).toEqual({ before: 0, after: 0, delta: 0 });
    // changeSummary.same is 7 while one same step (the root stack) is shown: sames were left out
    expect(report.coverage).toMatchObject({ complete: false, omittedSames: 6 });
  });
});

describe('"[secret]" and the unknown sentinel in any field', () => {
  const document = digest("prod", [
    step("create", undefined, pool("secret-machine", { nodeCount: 2, nodeConfig: { machineType: "[secret]", diskSizeGb: 100 } })),
    step("create", undefined, pool("secret-count", { nodeCount: "[secret]" })),
    step("create", undefined, pool("unknown-count", { nodeCount: UNKNOWN })),
    step("create", undefined, disk("unknown-size", "pd-ssd", UNKNOWN)),
    step("create", undefined, disk("secret-type", "[secret]", 100)),
    step("create", undefined, disk("fine", "pd-ssd", 100)),
  ]);

  test("each such resource is unpriced with the reason; the rest priced; exit 0", async () => {
    const report = await estimateJson(document);
    const reasons = Object.fromEntries(report.unpriced.map((u: { urn: string; reason: string }) => [u.urn.split("::").pop(), u.reason]));
    expect(reasons).toEqual({
      "secret-machine": "not priced: nodeConfig.machineType is a secret the document does not reveal",
      "secret-count": "not priced: nodeCount is a secret the document does not reveal",
      "unknown-count": "not priced: nodeCount is unknown until apply",
      "unknown-size": "not priced: size is unknown until apply",
      "secret-type": "not priced: type is a secret the document does not reveal",
    });
    expect(report.resources.map((r: { name: string }) => r.name)).toEqual(["fine"]);
    expect(report.totals.after).toBe(17);
  });

  test("the comment counts them in the headline, never 'will not change'", async () => {
    const unchangedButHidden = digest("prod", [step("same", pool("p", { nodeCount: "[secret]" }), pool("p", { nodeCount: "[secret]" }))]);
    const { code, stdout } = await run(["estimate", "--preview", write("hidden.json", unchangedButHidden), "--format", "markdown"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 resource not priced/);
    expect(stdout).not.toMatch(/will not change/);
  });
});

describe("impossible input is refused: exit 2, one line naming file and JSON path, nothing on stdout", () => {
  const one = (s: unknown) => digest("prod", [s as ReturnType<typeof step>]);
  const wrongType = { ...disk("d", "pd-ssd", 10), type: "gcp:compute/snapshot:Snapshot" };
  const cases: [string, unknown, RegExp][] = [
    ["a negative disk size", one(step("create", undefined, disk("d", "pd-ssd", -5))), /^infra-cost: bad\.json: steps\[1\]\.newState\.inputs\.size: -5 is not a possible persistent disk size/],
    ["a fractional node count", one(step("create", undefined, pool("p", { nodeCount: 2.5 }))), /^infra-cost: bad\.json: steps\[1\]\.newState\.inputs\.nodeCount: 2\.5 is not a possible node count per zone/],
    ["a non-finite count", one(step("create", undefined, pool("p", { nodeCount: "Infinity" }))), /steps\[1\]\.newState\.inputs\.nodeCount: "Infinity" is not a possible node count/],
    ["a count beyond GKE's limit", one(step("create", undefined, pool("p", { nodeCount: 5000 }))), /steps\[1\]\.newState\.inputs\.nodeCount: 5000 .*at most 1,000 nodes per node pool per zone/],
    ["a disk beyond 64 TB in the old state's outputs", one(step("delete", state("prod", DISK, "d", { zone: "us-east1-b", type: "pd-ssd" }, { size: 100000 }), undefined)), /steps\[1\]\.oldState\.outputs\.size: 100000 is not a possible persistent disk size/],
    ["a URN with two types", one(step("create", undefined, wrongType as never)), /^infra-cost: bad\.json: steps\[1\]\.newState\.type: "gcp:compute\/snapshot:Snapshot" is not the type its URN names \("gcp:compute\/disk:Disk"\)/],
    ["an unknown op", one({ ...step("create", undefined, disk("d", "pd-ssd", 1)), op: "frobnicate" }), /^infra-cost: bad\.json: steps\[1\]\.op: "frobnicate" is not a step op \(allowed: same, create/],
    ["a resource without a type", one(step("create", undefined, { ...disk("d", "pd-ssd", 1), type: undefined } as never)), /^infra-cost: bad\.json: steps\[1\]\.newState\.type: expected a type token string/],
  ];
  test.each(cases)("%s", async (_label, document, message) => {
    const { code, stdout, stderr } = await run(["estimate", "--preview", write("bad.json", document)]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trimEnd()).toMatch(message);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("a failed preview is said to have failed, not priced as $0.00", () => {
  const diagnostics = [
    { message: "running program: TypeError: cannot read properties of undefined\n    at index.ts:12", severity: "error" },
    { message: "some stderr", severity: "info#err" },
  ];
  test.each([
    ["root stack only", { ...digest("prod", [], { diagnostics }) }],
    ["no steps at all (omitted when empty)", { diagnostics, duration: 1, changeSummary: {} }],
  ])("%s: exit 4, one line", async (_label, document) => {
    const { code, stdout, stderr } = await run(["estimate", "--preview", write("failed.json", document), "--format", "json"]);
    expect(code).toBe(4);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^infra-cost: failed\.json: the preview failed \(1 error diagnostic, no resource steps\), nothing to estimate: running program: TypeError/);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("pulumi stack export", () => {
  const secretPlain = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) });
  const secretCipher = { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: "v1:9sK2...AAAB" };
  const resource = (name: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const s = state("prod", POOL, name, inputs, inputs, extra) as Record<string, unknown>;
    return s;
  };
  const exported = {
    version: 3,
    deployment: {
      manifest: { time: "2026-11-30T00:00:00Z", magic: "x", version: "v3.200.0" },
      secrets_providers: { type: "passphrase", state: { salt: "v1:x" } },
      resources: [
        rootStep("prod").newState,
        resource("plain", { cluster: "prod", location: "us-east1-b", nodeCount: secretPlain(3), nodeConfig: { machineType: "n1-standard-4", diskType: "pd-standard", diskSizeGb: 100 } }),
        resource("cipher", { cluster: "prod", location: "us-east1-b", nodeCount: 1, nodeConfig: { machineType: secretCipher } }),
        // an interrupted replace: the old copy (delete: true) and the new one, same URN; both exist and bill
        { ...state("prod", DISK, "data", { zone: "us-east1-b", type: "pd-ssd", size: 100 }), delete: true },
        state("prod", DISK, "data", { zone: "us-east1-b", type: "pd-ssd", size: 200 }),
      ],
    },
  };

  test("plaintext secrets read; ciphertext unpriced; one URN twice billed twice", async () => {
    const { code, stdout, stderr } = await run(["estimate", "--state", write("state.json", exported), "--format", "json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const byName = Object.fromEntries(report.resources.map((r: { name: string }) => [r.name, r]));
    // 3 x (97.089489 + 0.04 x 100) = 303.268467
    expect(byName.plain.after).toBe(303.27);
    expect(report.unpriced).toEqual([expect.objectContaining({ urn: urnOf("prod", POOL, "cipher"), reason: "not priced: nodeConfig.machineType is a secret the document does not reveal" })]);
    // pd-ssd 0.17: old copy 100 GiB = 17.00, new 200 GiB = 34.00
    expect(byName["data (old copy pending delete)"].after).toBe(17);
    expect(byName.data.after).toBe(34);
    expect(report.totals.after).toBe(354.27);
  });
});

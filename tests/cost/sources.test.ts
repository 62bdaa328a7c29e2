/** The three readers: preview documents (every op, replacement pairs once), stack exports, and every fixture in tests/fixtures/pulumi. */
import * as fs from "fs";
import * as path from "path";
import { loadCatalog } from "../../catalog/catalog";
import { compareChanges, compareCosts } from "../../cost/costComparison";
import { costReportDocument } from "../../cost/costReport";
import { parsePreviewDocument, readPreviewDocument } from "../../cost/sources/previewDocument";
import { parseStackExport, readStackExport } from "../../cost/sources/stackExport";
import { InputError } from "../../cost/sources/inputError";

const FIXTURES = path.join(__dirname, "../fixtures/pulumi");
const catalog = loadCatalog();

function state(urn: string, type: string, inputs: Record<string, unknown>) {
  return { urn, type, custom: true, inputs, outputs: inputs };
}

describe("pulumi preview --json", () => {
  const disk = (size: number) => state("urn:pulumi:dev::p::gcp:compute/disk:Disk::data", "gcp:compute/disk:Disk", { zone: "us-east1-b", type: "pd-ssd", size });
  const pool = (count: number) => state("urn:pulumi:dev::p::gcp:container/nodePool:NodePool::seeds", "gcp:container/nodePool:NodePool", { location: "us-east1-b", nodeCount: count, nodeConfig: { machineType: "n1-standard-4", diskType: "pd-standard", diskSizeGb: 100 } });
  const address = state("urn:pulumi:dev::p::gcp:compute/address:Address::ip", "gcp:compute/address:Address", { region: "us-east1", addressType: "INTERNAL" });
  const created = state("urn:pulumi:dev::p::gcp:compute/disk:Disk::new", "gcp:compute/disk:Disk", { zone: "us-east1-b", type: "pd-balanced", size: 10 });
  const deleted = state("urn:pulumi:dev::p::gcp:compute/disk:Disk::old", "gcp:compute/disk:Disk", { zone: "us-east1-b", type: "pd-balanced", size: 20 });
  const document = {
    steps: [
      { op: "same", urn: address.urn, oldState: address, newState: address },
      { op: "create-replacement", urn: disk(0).urn, newState: disk(200) },
      { op: "replace", urn: disk(0).urn, oldState: disk(100), newState: disk(200) },
      { op: "delete-replaced", urn: disk(0).urn, oldState: disk(100) },
      { op: "update", urn: pool(0).urn, oldState: pool(10), newState: pool(3) },
      { op: "create", urn: created.urn, newState: created },
      { op: "delete", urn: deleted.urn, oldState: deleted },
    ],
  };

  test("a replacement's steps count once; before = oldState, after = newState", () => {
    const preview = parsePreviewDocument(document, "preview.json");
    expect(preview.changes).toHaveLength(5);
    const report = costReportDocument(compareChanges(preview.changes, catalog), catalog);
    const byName = Object.fromEntries(report.resources.map((r) => [r.name, r]));
    // disk pd-ssd 0.17: 100 GiB = 17.00 -> 200 GiB = 34.00
    expect(byName.data).toMatchObject({ before: 17, after: 34 });
    // n1-standard-4 x10 + 1000 GiB pd-standard = 970.89 + 40 = 1010.89 -> x3: 291.27 + 12 = 303.27
    expect(byName.seeds).toMatchObject({ before: 1010.89, after: 303.27 });
    // create: before null; delete: after null. pd-balanced 0.10: 10 GiB = 1.00, 20 GiB = 2.00
    expect(byName.new).toMatchObject({ before: null, after: 1 });
    expect(byName.old).toMatchObject({ before: 2, after: null });
    expect(report.resources.find((r) => r.name === "ip")).toBeUndefined(); // free: left out
    expect(report.totals).toEqual({ before: 1029.89, after: 338.27, delta: -691.62 });
  });

  test("not a preview: one error naming the field", () => {
    expect(() => parsePreviewDocument({ hello: 1 }, "x.json")).toThrow('x.json: steps: not a pulumi preview --json document (no "steps" array)');
    expect(() => parsePreviewDocument({ version: 3, deployment: {} }, "x.json")).toThrow(/use --state/);
    expect(() => parsePreviewDocument({ steps: [{ op: 1 }] }, "x.json")).toThrow(InputError);
  });
});

describe("pulumi stack export", () => {
  test("resources with inputs and outputs; importID read", () => {
    const graph = parseStackExport({ version: 3, deployment: { manifest: {}, resources: [{ urn: "urn:pulumi:s::p::gcp:compute/disk:Disk::d", type: "gcp:compute/disk:Disk", custom: true, importID: "d", outputs: { size: 10 } }] } }, "s.json");
    expect(graph.resources[0]).toMatchObject({ name: "d", importId: "d", inputs: {}, outputs: { size: 10 } });
  });

  test("wrong version or shape: errors naming the field", () => {
    expect(() => parseStackExport({ version: 2, deployment: {} }, "s.json")).toThrow("s.json: version: unsupported stack export version 2 (allowed: 3)");
    expect(() => parseStackExport({ steps: [] }, "s.json")).toThrow(/use --preview/);
    expect(() => parseStackExport({ version: 3, deployment: { resources: [{ type: "x" }] } }, "s.json")).toThrow("s.json: deployment.resources[0].urn:");
  });
});

describe("every fixture in tests/fixtures/pulumi estimates without error", () => {
  const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".json"));
  test.each(files)("%s", (file) => {
    const full = path.join(FIXTURES, file);
    const comparison = file.startsWith("preview")
      ? compareChanges(readPreviewDocument(full).changes, catalog)
      : compareCosts(null, readStackExport(full).resources, catalog);
    const report = costReportDocument(comparison, catalog);
    for (const u of report.unpriced) expect(u.reason).not.toHaveLength(0);
    if (file.includes("aws")) {
      expect(report.unpriced.filter((u) => u.type.startsWith("aws:")).every((u) => /aws resources are outside/.test(u.reason))).toBe(true);
    }
    if (file === "stack-export-pulumi-gcp-cluster.json") {
      // cluster fee 73.00 + e2-medium spot us-central1 0.020106 x 730 x 3 nodes (1 per zone, 3 zones) = 44.03214
      // + boot disk pd-balanced 0.10 x 100 x 3 = 30.00  => 147.03
      expect(report.totals.after).toBeCloseTo(147.03, 2);
      expect(report.unpriced).toEqual([]);
    }
  });
});

/**
 * What the cost review makes of every real Pulumi document in tests/fixtures/pulumi, as golden
 * files in tests/cost/golden/fixtures/ (one per fixture, same name): the JSON review of
 * `infra-cost estimate --preview FILE --format json` (or `--state FILE` for a stack export), and
 * the verdict of every resource on both sides, since the review leaves free resources out.
 * A fixture without a golden fails (UPDATE_GOLDEN=1 writes it); so does a golden without a fixture.
 */
import * as fs from "fs";
import * as path from "path";
import { loadCatalog } from "../../catalog/catalog";
import { compareChanges, compareCosts, CostComparison } from "../../cost/costComparison";
import { readPreviewDocument } from "../../cost/sources/previewDocument";
import { readStackExport } from "../../cost/sources/stackExport";
import { expectGoldenFile } from "../golden";
import { runCli } from "./runCli";

const FIXTURES = path.join(__dirname, "..", "fixtures", "pulumi");
const GOLDEN = path.join(__dirname, "golden", "fixtures");
const catalog = loadCatalog();

const fixtures = fs.readdirSync(FIXTURES).filter((file) => file.endsWith(".json")).sort();

/** How the CLI reads a fixture, from the name the fixture's README gives each kind of document. */
function documentKind(file: string): "--preview" | "--state" {
  if (file.startsWith("preview-")) return "--preview";
  if (file.startsWith("stack-export-")) return "--state";
  throw new Error(`tests/fixtures/pulumi/${file}: name it preview-*.json (pulumi preview --json) or stack-export-*.json (pulumi stack export)`);
}

function comparisonOf(file: string): CostComparison {
  const full = path.join(FIXTURES, file);
  return documentKind(file) === "--preview" ? compareChanges(readPreviewDocument(full).changes, catalog) : compareCosts(null, readStackExport(full).resources, catalog);
}

describe("every fixture in tests/fixtures/pulumi has a golden review", () => {
  test("there are fixtures to review", () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  test.each(fixtures)("%s", async (file) => {
    const { code, stdout, stderr } = await runCli(["estimate", documentKind(file), path.join(FIXTURES, file), "--format", "json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const verdicts = comparisonOf(file).lines.map((line) => ({
      type: line.type,
      name: line.name,
      before: line.before?.status ?? null,
      after: line.after?.status ?? null,
    }));
    expectGoldenFile(path.join(GOLDEN, file), { review: JSON.parse(stdout), verdicts });
  });

  test("no golden review is left without its fixture", () => {
    const orphans = fs.existsSync(GOLDEN) ? fs.readdirSync(GOLDEN).filter((golden) => !fixtures.includes(golden)) : [];
    expect(orphans).toEqual([]);
  });
});

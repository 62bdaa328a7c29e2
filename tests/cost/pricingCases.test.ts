/**
 * The reader and pricer cases, laid out as Infracost lays out its testdata: one folder per
 * resource type under tests/cost/cases/, one folder per case holding its input (`case.yaml`: the
 * resources of the graph, the one under test and the context its reader needs) and its golden
 * output (`golden.json`). This one runner finds every case, prices it with the engine and checks
 * the golden (tests/golden.ts: a missing one fails, `UPDATE_GOLDEN=1` writes it) and the figures
 * worked out by hand in the case's `expect`. tests/cost/cases/README.md says how to add a case.
 */
import * as fs from "fs";
import * as path from "path";
import { loadCatalog } from "../../catalog/catalog";
import { compareChanges } from "../../cost/costComparison";
import { priceResources } from "../../cost/engine";
import { expectGoldenFile } from "../golden";
import { caseFolderOf, expectAbsentFields, expectation, pricingCaseDirs, readPricingCase, recordsOf } from "./pricingCases";

const catalog = loadCatalog();

describe("reader and pricer cases (tests/cost/cases/<type>/<case>/)", () => {
  const cases = pricingCaseDirs();

  test("there are cases, each with its input and golden output", () => {
    expect(cases.length).toBeGreaterThan(0);
    const incomplete = cases.filter(({ dir }) => !fs.existsSync(path.join(dir, "case.yaml")) || (!fs.existsSync(path.join(dir, "golden.json")) && process.env.UPDATE_GOLDEN !== "1"));
    expect(incomplete.map(({ typeFolder, caseName }) => `${typeFolder}/${caseName}`)).toEqual([]);
  });

  test.each(cases.map((c) => [`${c.typeFolder}/${c.caseName}`, c] as const))("%s", (_name, { typeFolder, dir }) => {
    const pricingCase = readPricingCase(dir);
    expect(pricingCase.description).toEqual(expect.any(String));
    let result: unknown;
    if (pricingCase.compare) {
      const before = recordsOf(pricingCase.compare.before);
      const after = recordsOf(pricingCase.compare.after);
      const urns = [...new Set([...before, ...after].map((r) => r.urn))];
      result = compareChanges(
        urns.map((urn) => ({ before: before.find((r) => r.urn === urn), after: after.find((r) => r.urn === urn) })),
        catalog,
      );
      expect([...before, ...after].some((r) => caseFolderOf(r.type) === typeFolder)).toBe(true);
    } else {
      const records = recordsOf(pricingCase.resources ?? []);
      const priced = priceResources(records, catalog);
      const names = pricingCase.check ?? records.filter((r) => caseFolderOf(r.type) === typeFolder).map((r) => r.name);
      const checked = names.map((name) => {
        const found = priced.find((p) => p.name === name);
        if (!found) throw new Error(`${dir}: check names ${name}, which the case does not declare`);
        return found;
      });
      // A case lives in the folder of the type it tests (beside it, others its result depends on).
      expect(checked.some((p) => caseFolderOf(p.type) === typeFolder)).toBe(true);
      result = checked.length === 1 ? checked[0] : checked;
      if (pricingCase.expect) {
        const byName = Object.fromEntries(checked.map((p) => [p.name, p]));
        for (const [name, expected] of Object.entries(pricingCase.expect)) {
          expect(byName[name]).toBeDefined();
          expect(byName[name]).toMatchObject(expectation(expected) as Record<string, unknown>);
          expectAbsentFields(byName[name], expected, name);
        }
      }
    }
    if (pricingCase.compare && pricingCase.expect) expect(result).toMatchObject(expectation(pricingCase.expect) as Record<string, unknown>);
    expectGoldenFile(path.join(dir, "golden.json"), result);
  });
});

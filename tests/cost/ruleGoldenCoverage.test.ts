/**
 * Every pricing rule has a golden case. The rules are read from the engine's registry
 * (cost/readers/index.ts: RESOURCE_READERS, and the fallback `readerForType` uses for every other type), so
 * a rule registered without a golden file fails here. The goldens are the reader and pricer cases'
 * (tests/cost/cases/<type>/<case>/golden.json, each checked by the one runner, pricingCases.test.ts)
 * and those of tests/cost/golden/, which count only while a test still writes them
 * (`expectGolden("name", ...)`): a golden left behind by a deleted test covers nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { RESOURCE_READERS } from "../../cost/readers";
import { CASES_DIR, pricingCaseDirs } from "./pricingCases";

const GOLDEN_DIR = path.join(__dirname, "golden");
const TESTS_DIR = path.join(__dirname, "..");

interface GoldenEntry {
  golden: string;
  type: string;
  status: string;
}

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "fixtures" ? [] : testSources(full);
    return entry.name.endsWith(".test.ts") ? [fs.readFileSync(full, "utf8")] : [];
  });
}

/** The golden names the tests compare against: the first argument of each `expectGolden("...")`. */
function goldensWrittenByTests(): Set<string> {
  const names = new Set<string>();
  for (const source of testSources(TESTS_DIR)) {
    for (const match of source.matchAll(/expectGolden\(\s*"([^"]+)"/g)) names.add(match[1]);
  }
  return names;
}

/** The priced resources (objects with urn, type and status) a golden file holds, at any depth. */
function pricedResourcesIn(value: unknown, golden: string, into: GoldenEntry[] = []): GoldenEntry[] {
  if (Array.isArray(value)) {
    for (const element of value) pricedResourcesIn(element, golden, into);
  } else if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record.urn === "string" && typeof record.type === "string" && typeof record.status === "string") {
      into.push({ golden, type: record.type, status: record.status });
    }
    for (const child of Object.values(record)) pricedResourcesIn(child, golden, into);
  }
  return into;
}

const ruleGoldens = fs.readdirSync(GOLDEN_DIR).filter((file) => file.endsWith(".json")).map((file) => file.replace(/\.json$/, ""));

function goldenEntries(): GoldenEntry[] {
  const caseGoldens = pricingCaseDirs()
    .map(({ dir }) => path.join(dir, "golden.json"))
    .filter((file) => fs.existsSync(file));
  return [
    ...ruleGoldens.flatMap((name) => pricedResourcesIn(JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, `${name}.json`), "utf8")), name)),
    ...caseGoldens.flatMap((file) => pricedResourcesIn(JSON.parse(fs.readFileSync(file, "utf8")), path.relative(CASES_DIR, file))),
  ];
}

/** The types of `ruledTypes` that no golden entry covers. */
function typesWithoutGolden(ruledTypes: string[], entries: GoldenEntry[]): string[] {
  const covered = new Set(entries.map((entry) => entry.type));
  return ruledTypes.filter((type) => !covered.has(type));
}

describe("every pricing rule has a golden case", () => {
  const ruledTypes = Object.keys(RESOURCE_READERS);
  const entries = goldenEntries();

  test("every golden file in tests/cost/golden is written by a test", () => {
    const written = goldensWrittenByTests();
    expect(ruleGoldens.filter((name) => !written.has(name))).toEqual([]);
  });

  test("every type registered in cost/readers/index.ts has one", () => {
    expect(ruledTypes.length).toBeGreaterThan(0);
    expect(typesWithoutGolden(ruledTypes, entries)).toEqual([]);
  });

  test("a rule registered without a golden case is reported", () => {
    expect(typesWithoutGolden([...ruledTypes, "gcp:compute/newThing:NewThing"], entries)).toEqual(["gcp:compute/newThing:NewThing"]);
  });

  test("the fallback for types without a rule has a golden case of each outcome, free and unpriced", () => {
    const unruled = entries.filter((entry) => !(entry.type in RESOURCE_READERS));
    expect([...new Set(unruled.map((entry) => entry.status))].sort()).toEqual(["free", "unpriced"]);
  });

  test("some golden case holds each outcome a rule can give: priced, free and unpriced", () => {
    const ruled = entries.filter((entry) => entry.type in RESOURCE_READERS);
    expect([...new Set(ruled.map((entry) => entry.status))].sort()).toEqual(["free", "priced", "unpriced"]);
  });
});

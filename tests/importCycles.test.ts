/**
 * No import cycles outside tests (STYLE.md): madge reads the project's import graph the way
 * `npx madge --circular --extensions ts --exclude '(node_modules|dist|tests)/' .` does, and any
 * cycle fails the test with its path spelled out. Type-only imports count too: a cycle of types
 * is still two modules that cannot be understood, moved or published one without the other.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import madge from "madge";

const PROJECT_ROOT = path.join(__dirname, "..");

// The TypeScript parser madge uses warns about its own use of a deprecated AST field on every file.
process.noDeprecation = true;

/** madge over a folder, as the CLI command above runs it. */
function importGraph(root: string): ReturnType<typeof madge> {
  return madge(root, {
    baseDir: root,
    fileExtensions: ["ts"],
    excludeRegExp: [/(^|\/)(node_modules|dist|tests)\//],
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
}

describe("import graph", () => {
  test("madge finds a cycle when there is one (the check below can fail)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-cycle-"));
    try {
      fs.writeFileSync(path.join(dir, "a.ts"), 'import type { B } from "./b";\nexport interface A { b?: B }\n');
      fs.writeFileSync(path.join(dir, "b.ts"), 'import type { A } from "./a";\nexport interface B { a?: A }\n');
      const graph = await importGraph(dir);
      expect(graph.circular()).toEqual([["a.ts", "b.ts"]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  let graph: Awaited<ReturnType<typeof madge>>;
  /** Modules that import the config only to name the config key a proposed change edits. */
  const CONFIG_KEY_ADVICE = [
    "opportunities/analyse.ts",
    "opportunities/configKeys.ts",
    "opportunities/diskOptions.ts",
    "opportunities/diskTypes.ts",
    "opportunities/familySwap.ts",
    "opportunities/orphans.ts",
    "opportunities/rightsizing.ts",
    "opportunities/spotPools.ts",
  ];
  beforeAll(async () => {
    graph = await importGraph(PROJECT_ROOT);
  });

  test("no module outside tests is part of an import cycle", () => {
    const modules = Object.keys(graph.obj());
    // The graph really is the project's: the engine, its rules and the CLI are in it, no test file is.
    expect(modules).toEqual(expect.arrayContaining(["cost/engine.ts", "cost/readers/nodePool.ts", "cost/pricers/machineGroup.ts", "cli/infra-cost.ts", "policies/index.ts"]));
    expect(modules.filter((file) => file.startsWith("tests/") || file.includes("node_modules/"))).toEqual([]);
    const cycles = graph.circular().map((cycle) => cycle.join(" > "));
    expect(cycles).toEqual([]);
  });

  // The report and the commands run the program (offline/recordStack.ts) on purpose; what reads its graph does not.
  test("the readers of a graph (cost engine, catalog, policy pack, savings analyses) never load a component (and so the Pulumi SDK)", () => {
    const dependencies = graph.obj();
    const reachesComponents = (start: string): string | undefined => {
      const seen = new Set<string>();
      const walk = (file: string, trail: string[]): string | undefined => {
        if (file.startsWith("components/")) return [...trail, file].join(" > ");
        if (seen.has(file)) return undefined;
        seen.add(file);
        for (const next of dependencies[file] ?? []) {
          const found = walk(next, [...trail, file]);
          if (found) return found;
        }
        return undefined;
      };
      return walk(start, []);
    };
    const readers = Object.keys(dependencies).filter((file) => /^(cost|catalog|policies|opportunities)\//.test(file));
    expect(readers.length).toBeGreaterThan(10);
    expect(readers.map(reachesComponents).filter(Boolean)).toEqual([]);
  });

  // The graph is the only source: what the program declares reaches the investigation and the report
  // as component inputs. The opportunities' advice names config keys (configKeys.ts), the only reason to know the config.
  test("the review, the budget report and the savings analyses do not read the stack config for figures", () => {
    const dependencies = graph.obj();
    const configReaders = Object.entries(dependencies)
      .filter(([file]) => /^(report|review|opportunities)\//.test(file))
      .filter(([, imports]) => imports.some((imported) => imported.startsWith("config/")))
      .map(([file]) => file)
      .sort();
    expect(configReaders).toEqual(CONFIG_KEY_ADVICE);
  });

  test("command code stays in cli/: the engine, catalog, policies, investigation, review, report, config and offline renderer never import it", () => {
    const dependencies = graph.obj();
    const inward = Object.entries(dependencies)
      .filter(([file]) => /^(cost|catalog|policies|opportunities|report|review|graph|charts|components|offline|config)\//.test(file))
      .flatMap(([file, imports]) => imports.filter((imported) => imported.startsWith("cli/")).map((imported) => `${file} > ${imported}`));
    expect(inward).toEqual([]);
  });

  // Issue 18: the bill is its own module beside cost/: it imports the graph and the engine, never imported by them;
  // the commands use it, and so do the budget report's billed side and the review the bill calibrates.
  test("billing/ is imported only by cli/, report/ and review/, and imports no command code", () => {
    const dependencies = graph.obj();
    const intoBilling = Object.entries(dependencies)
      .filter(([file]) => !/^(billing|cli|report|review|scripts|bench)\//.test(file))
      .flatMap(([file, imports]) => imports.filter((imported) => imported.startsWith("billing/")).map((imported) => `${file} > ${imported}`));
    expect(intoBilling).toEqual([]);
    const outOfBilling = Object.entries(dependencies)
      .filter(([file]) => file.startsWith("billing/"))
      .flatMap(([file, imports]) => imports.filter((imported) => /^(cli|components|report|review)\//.test(imported)).map((imported) => `${file} > ${imported}`));
    expect(outOfBilling).toEqual([]);
    expect(Object.keys(dependencies).filter((file) => file.startsWith("billing/")).length).toBeGreaterThan(5);
  });
});

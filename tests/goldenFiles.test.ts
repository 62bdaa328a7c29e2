/** The golden-file mechanism (tests/golden.ts) the cost rule tests rely on. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectGoldenFile, normaliseForGolden } from "./golden";

/** Every golden file the repository holds (any `golden/` folder under tests/). */
function committedGoldenFiles(dir = __dirname): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (!entry.isDirectory()) return full.split(path.sep).includes("golden") && entry.name.endsWith(".json") ? [full] : [];
    return entry.name === "fixtures" ? [] : committedGoldenFiles(full);
  });
}

const tempFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "golden-")), "scenario.json");

describe("golden files", () => {
  it("a missing golden file fails, naming the file and the flag that writes it, and writes nothing", () => {
    const file = tempFile();
    expect(() => expectGoldenFile(file, { monthly: 1 }, false)).toThrow(/golden file .*scenario\.json is missing: run the test with UPDATE_GOLDEN=1/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("the update flag writes it; a later run compares against it and fails on a change", () => {
    const file = tempFile();
    expectGoldenFile(file, { monthly: 10.5 }, true);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ monthly: 10.5 });
    expectGoldenFile(file, { monthly: 10.5 }, false);
    expect(() => expectGoldenFile(file, { monthly: 11 }, false)).toThrow();
  });

  it("keeps money to cents and other fractions free of float noise; rates keep their precision", () => {
    expect(
      normaliseForGolden({
        monthly: 1010.8948899999999,
        components: [{ unitPrice: 0.1329993, quantity: 2920.0000000000005, monthly: 73.3775049 }],
        totals: { before: 3785.2244, delta: -778.4700000000001 },
        nodes: 4,
      }),
    ).toEqual({
      monthly: 1010.89,
      components: [{ unitPrice: 0.1329993, quantity: 2920, monthly: 73.38 }],
      totals: { before: 3785.22, delta: -778.47 },
      nodes: 4,
    });
  });

  it("no committed golden file holds float noise or money finer than cents", () => {
    const files = committedGoldenFiles();
    expect(files.length).toBeGreaterThan(0);
    const noisy = files.filter((file) => {
      const content = JSON.parse(fs.readFileSync(file, "utf8"));
      return JSON.stringify(normaliseForGolden(content)) !== JSON.stringify(content);
    });
    expect(noisy.map((file) => path.relative(__dirname, file))).toEqual([]);
  });
});

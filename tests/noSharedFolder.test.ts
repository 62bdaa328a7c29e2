/**
 * The tests run from a clone of the project alone: no test reads the shared folder (../shared);
 * what they need from it is copied into tests/fixtures/ (see its README).
 */
import * as fs from "fs";
import * as path from "path";

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "fixtures" ? [] : sourcesUnder(full);
    return entry.name.endsWith(".ts") && full !== __filename ? [full] : [];
  });
}

/** A path into the shared folder: `../shared/...` in a string, or a `"shared"` segment passed to path.join. */
const SHARED_PATH = /\.\.\/shared\b|["']shared["']/;

it("no test reads ../shared", () => {
  const readers = sourcesUnder(__dirname).filter((file) => SHARED_PATH.test(fs.readFileSync(file, "utf8")));
  expect(readers.map((file) => path.relative(__dirname, file))).toEqual([]);
});

it("the check recognises both ways of naming the shared folder", () => {
  expect(SHARED_PATH.test('path.join(__dirname, "..", "..", "..", "shared", "fixtures")')).toBe(true);
  expect(SHARED_PATH.test('path.join(__dirname, "../../../shared/schemas")')).toBe(true);
  expect(SHARED_PATH.test("authentication before any shared limit")).toBe(false);
});

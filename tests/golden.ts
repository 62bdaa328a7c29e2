/**
 * Golden files: the expected output of a scenario, checked in as readable JSON so a price or rule
 * change shows up as a diff. A missing golden file fails the test; `UPDATE_GOLDEN=1 npx jest ...`
 * (the explicit update flag) writes or rewrites it, to be reviewed and committed.
 *
 * Values are normalised before they are written and before they are compared: money (a key that
 * names an amount: monthly, cost, delta, total, saving, ...) is rounded to cents, and every other
 * fraction to 10 significant digits, so a golden file holds figures, not float noise
 * (1010.8948899999999 is 1010.89).
 */
import * as fs from "fs";
import * as path from "path";

/** Keys naming an amount of money. A rate per unit (`unitPrice`, USD per GiB-month or per hour) is not one: it keeps its catalog precision. */
const MONEY_KEY = /monthly|cost|delta|total|saving|amount/i;

export function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A copy of `value` as a golden file holds it (see the module comment); what sits under a money key (`totals: {before, after}`) is money too. */
export function normaliseForGolden(value: unknown, key = "", underMoneyKey = false): unknown {
  const money = underMoneyKey || MONEY_KEY.test(key);
  if (typeof value === "number") {
    if (Number.isInteger(value) || !Number.isFinite(value)) return value;
    return money ? roundCents(value) : Number(value.toPrecision(10));
  }
  if (Array.isArray(value)) return value.map((element) => normaliseForGolden(element, key, underMoneyKey));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseForGolden(v, k, money)]));
  }
  return value;
}

/**
 * Compares `actual` with the golden file `file` (JSON). Without the file: fails, unless
 * UPDATE_GOLDEN=1, which writes it (and rewrites an existing one).
 */
export function expectGoldenFile(file: string, actual: unknown, update = process.env.UPDATE_GOLDEN === "1"): void {
  const normalised = normaliseForGolden(JSON.parse(JSON.stringify(actual)));
  const relative = path.relative(path.join(__dirname, ".."), file);
  if (update) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(normalised, null, 2) + "\n");
  } else if (!fs.existsSync(file)) {
    throw new Error(`golden file ${relative} is missing: run the test with UPDATE_GOLDEN=1 to write it, then review and commit it`);
  }
  expect(normalised).toEqual(JSON.parse(fs.readFileSync(file, "utf8")));
}

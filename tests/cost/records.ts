/** Builds ResourceRecords for the cost tests the way the program run records them. */
import * as fs from "fs";
import * as path from "path";
import { ResourceRecord, SECRET_SIG, SECRET_SIG_KEY } from "../../graph/resourceRecord";
import { PricedResource } from "../../cost/engine";

export function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ResourceRecord> = {}): ResourceRecord {
  return { urn: `urn:pulumi:test::cost::${type}::${name}`, type, name, custom: true, inputs, ...extra };
}

export function secret(value: unknown): unknown {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

const GOLDEN_DIR = path.join(__dirname, "golden");

/**
 * Compares a priced resource with its checked-in golden file (a readable diff when a price or rule
 * changes); UPDATE_GOLDEN=1 rewrites the file.
 */
export function expectGolden(name: string, priced: PricedResource | PricedResource[]): void {
  const file = path.join(GOLDEN_DIR, `${name}.json`);
  const actual = JSON.parse(JSON.stringify(priced));
  if (process.env.UPDATE_GOLDEN === "1" || !fs.existsSync(file)) {
    fs.writeFileSync(file, JSON.stringify(actual, null, 2) + "\n");
  }
  expect(actual).toEqual(JSON.parse(fs.readFileSync(file, "utf8")));
}

/** Builds ResourceRecords for the cost tests the way the program run records them. */
import * as path from "path";
import { ResourceRecord, SECRET_SIG, SECRET_SIG_KEY } from "../../graph/resourceRecord";
import type { PricedResource } from "../../cost/model";
import { expectGoldenFile } from "../golden";

export function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ResourceRecord> = {}): ResourceRecord {
  return { urn: `urn:pulumi:test::cost::${type}::${name}`, type, name, custom: true, inputs, ...extra };
}

export function secret(value: unknown): unknown {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

const GOLDEN_DIR = path.join(__dirname, "golden");

/** Compares a priced resource with its checked-in golden file (tests/golden.ts: missing fails, UPDATE_GOLDEN=1 writes). */
export function expectGolden(name: string, priced: PricedResource | PricedResource[]): void {
  expectGoldenFile(path.join(GOLDEN_DIR, `${name}.json`), priced);
}

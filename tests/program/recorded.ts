/** Shared helpers of the program tests: find recorded resources and read their wire-format inputs. */
import { isSecretValue, ResourceRecord } from "../../graph/resourceRecord";

export function find(resources: ResourceRecord[], type: string, name?: string): ResourceRecord {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
  return found[0];
}

export function all(resources: ResourceRecord[], type: string): ResourceRecord[] {
  return resources.filter((r) => r.type === type);
}

/** The plain value of a wire secret; fails the test when the value is not a secret. */
export function secretValue(value: unknown): any {
  if (!isSecretValue(value)) throw new Error(`expected a Pulumi secret, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value.value;
}

/** Every string anywhere in a value that is not inside a secret. */
export function plainStrings(value: unknown, out: string[] = []): string[] {
  if (isSecretValue(value)) return out;
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => plainStrings(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => plainStrings(v, out));
  return out;
}

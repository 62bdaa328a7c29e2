/** Reading plain values out of a resource record's inputs, the way the placement analysis needs them. */
import { isSecretValue } from "../graph/resourceRecord";

/** Plain value at a dotted path of a record's inputs (secrets revealed for matching only, never shown). */
export function read(root: unknown, path: string): unknown {
  let current = root;
  for (const segment of path.split(".")) {
    if (isSecretValue(current)) current = current.value;
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return isSecretValue(current) ? current.value : current;
}

/** The string-valued entries of a label or selector map. */
export function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

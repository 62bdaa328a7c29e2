/**
 * Reads a stack's committed config file (Pulumi.<stack>.yaml) the way the Pulumi CLI hands config
 * to a program: a flat map of `namespace:key` to value. `secure:` values cannot be decrypted
 * without the stack's secrets provider, so offline runs get a stable placeholder that stays a secret.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, PROJECT } from "../config";
import { PROJECT_ROOT } from "../program/projectRoot";


export interface RawStackConfig {
  /** `namespace:key` -> value (objects as objects). */
  values: Record<string, unknown>;
  /** Keys holding a secret anywhere in their value. */
  secretKeys: string[];
}

export function stackConfigPath(stack: string, dir = PROJECT_ROOT): string {
  return path.join(dir, `Pulumi.${stack}.yaml`);
}

export function readStackConfig(stack: string, file: string = stackConfigPath(stack)): RawStackConfig {
  let document: unknown;
  try {
    document = parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`${stack}: cannot read ${path.basename(file)}: ${(err as Error).message.split("\n")[0]}`);
  }
  const config = (document as { config?: unknown } | null)?.config;
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new ConfigError(`${stack}: ${path.basename(file)} has no config map`);
  }
  const values: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(config as Record<string, unknown>)) {
    // Pulumi lets a project's own keys omit the namespace.
    const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
    let secret = false;
    values[key] = replaceSecure(value, `${stack}:${key}`, () => (secret = true));
    if (secret) secretKeys.push(key);
  }
  return { values, secretKeys };
}

function replaceSecure(value: unknown, where: string, onSecret: () => void): unknown {
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${where}[${i}]`, onSecret));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") {
      onSecret();
      return offlinePlaceholderSecret(where);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, replaceSecure(v, `${where}.${k}`, onSecret)]));
  }
  return value;
}

/** A stable stand-in for a secret the offline run cannot decrypt. */
export function offlinePlaceholderSecret(where: string): string {
  return `offline-${crypto.createHash("sha256").update(where).digest("hex").slice(0, 24)}`;
}

/**
 * Which figures of a usage file apply to each resource, by Infracost's precedence: the type's
 * default, then wildcard addresses, then the exact name or URN, key by key. The file is checked
 * against the stack at the same time: an address that is no resource of either side, a wildcard
 * matching nothing, a key that applies to none of the resources it reaches are one-line errors.
 */
import { InputError } from "../cost/sources/inputError";
import type { UsageEntry, UsageFile } from "./usageFileSchema";
import { USAGE_KEYS, type UsageKey } from "./usageKeys";
import { KEYS_BY_KIND, UsageTarget, kindOfType } from "./usageTargets";

/** One stated figure and where it comes from. */
export interface ResolvedFigure {
  value: number | Record<string, number | undefined>;
  /** "source: ..." or "inferred: ...", with the file and key stating it. */
  source: string;
}

export type ResolvedUsage = Map<UsageTarget, Partial<Record<UsageKey, ResolvedFigure>>>;

const WILDCARD = "*";

function globPattern(address: string): RegExp {
  return new RegExp(`^${address.split(WILDCARD).map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

function sourceOf(entry: UsageEntry, file: string, key: string): string {
  const why = entry.source !== undefined ? `source: ${entry.source}` : `inferred: ${entry.inferred}`;
  return `${why} (${file} ${key})`;
}

function statedKeys(entry: UsageEntry): UsageKey[] {
  return USAGE_KEYS.filter((key) => entry[key] !== undefined);
}

/** Each key of an entry must apply to at least one resource the entry reaches. */
function checkKeysApply(file: string, where: string, entry: UsageEntry, reached: UsageTarget[]): void {
  for (const key of statedKeys(entry)) {
    if (reached.some((target) => KEYS_BY_KIND[target.kind].includes(key))) continue;
    const kinds = [...new Set(reached.map((t) => `${t.type} ${t.address}`))].slice(0, 3).join(", ");
    const appliesTo = Object.entries(KEYS_BY_KIND).filter(([, keys]) => keys.includes(key)).map(([kind]) => kind).join(", ");
    throw new InputError(file, `${where}.${key}`, `does not apply to ${kinds} (applies to: ${appliesTo})`);
  }
}

/**
 * The figures for every target of both sides. `sides` are the stack's usage targets before and
 * after; an address need only name a resource of one side (a chain deleted by the change has usage before only).
 * `partial`: the sides hold only part of the stack (a preview of the changes, or what a policy pack
 * sees, where a Service's type may still be unknown), so an address they lack, or a key none of the
 * resources they hold takes, is not checked: the full review checks both.
 */
export function resolveUsage(usage: UsageFile, file: string, sides: UsageTarget[][], partial = false): ResolvedUsage {
  const all = sides.flat();
  const resolved: ResolvedUsage = new Map(all.map((target) => [target, {}]));
  const apply = (target: UsageTarget, entry: UsageEntry, key: string) => {
    const figures = resolved.get(target)!;
    for (const usageKey of statedKeys(entry)) {
      if (!KEYS_BY_KIND[target.kind].includes(usageKey)) continue;
      figures[usageKey] = { value: entry[usageKey] as ResolvedFigure["value"], source: sourceOf(entry, file, key) };
    }
  };

  for (const [type, entry] of Object.entries(usage.resource_type_default_usage)) {
    const kind = kindOfType(type);
    const where = `resource_type_default_usage.${type}`;
    if (kind === undefined) throw new InputError(file, where, "is not a type usage applies to (allowed: gcp:container/cluster:Cluster, gcp:container/nodePool:NodePool, poolWorkload, kubernetes:apps/v1:StatefulSet, kubernetes:apps/v1:Deployment, gcp:compute/forwardingRule:ForwardingRule, kubernetes:core/v1:Service, gcp:compute/snapshot:Snapshot)");
    checkKeysApply(file, where, entry, [{ address: type, type, kind, region: "" }]);
    for (const target of all) if (target.type === type) apply(target, entry, where);
  }

  const entries = Object.entries(usage.resource_usage);
  const wildcards = entries.filter(([address]) => address.includes(WILDCARD));
  const exact = entries.filter(([address]) => !address.includes(WILDCARD));
  for (const [address, entry] of wildcards) {
    const pattern = globPattern(address);
    const reached = all.filter((target) => pattern.test(target.address) || (target.urn !== undefined && pattern.test(target.urn)));
    const where = `resource_usage.${address}`;
    // A preview without --show-sames holds only the changed resources: an address it lacks is no error.
    if (reached.length === 0 && partial) continue;
    if (reached.length === 0) throw new InputError(file, where, "the wildcard matches no resource of the stack");
    if (!partial) checkKeysApply(file, where, entry, reached);
    for (const target of reached) apply(target, entry, where);
  }
  for (const [address, entry] of exact) {
    const reached = all.filter((target) => target.address === address || target.urn === address);
    const where = `resource_usage.${address}`;
    if (reached.length === 0 && partial) continue;
    if (reached.length === 0) {
      const known = [...new Set(all.map((t) => t.address))];
      throw new InputError(file, where, `is not a resource of the stack usage applies to (e.g. ${known.slice(0, 6).join(", ")}${known.length > 6 ? ", ..." : ""}; a stated workload is <pool>/<workload>)`);
    }
    if (!partial) checkKeysApply(file, where, entry, reached);
    for (const target of reached) apply(target, entry, where);
  }
  return resolved;
}

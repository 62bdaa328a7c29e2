/**
 * What bills by use, named beside the monthly ceiling and never counted against it: the ceiling
 * judges the declared resources; traffic, data processed and stated sizes are the stack's usage
 * file's (usage/), priced by the pricing the review uses, once per stack check.
 */
import * as path from "path";
import { loadCatalog } from "../catalog/catalog";
import { money } from "../cost/money";
import type { PricedResource } from "../cost/model";
import type { ResourceRecord } from "../graph/resourceRecord";
import { priceUsage } from "../usage/priceUsage";
import { ReadUsageFile, readUsageFile } from "../usage/readUsageFile";
import type { StackUsage } from "../usage/usageModel";

/**
 * The usage file last read: the Pulumi CLI starts the pack for one preview, so it is parsed once,
 * not on every check of the session.
 */
let lastRead: ReadUsageFile | undefined;

/**
 * The usage file the policy config names: a relative path is from `directory` (the policy pack's:
 * the Pulumi CLI runs the pack there). A named file that cannot be read or is invalid is an error
 * naming the file and the key, as `review --usage FILE` is.
 */
export function readConfiguredUsageFile(usageFile: string, directory: string): ReadUsageFile {
  const file = path.resolve(directory, usageFile);
  if (lastRead?.file === file) return lastRead;
  const shown = path.basename(file);
  lastRead = { file, shown, usage: readUsageFile(file, shown) };
  return lastRead;
}

/** The usage lines of a stack's declared resources (`priced`: the engine's price of each record, same order). */
export function priceStackUsage(usageFile: ReadUsageFile, records: ResourceRecord[], priced: PricedResource[]): StackUsage {
  // The pack sees one side (the stack as it will be), so a usage address it lacks is not an error: partial.
  return priceUsage([{ stack: "", usageFile, before: null, after: { records, priced }, partial: true }], loadCatalog())[0];
}

/**
 * The ceiling's note on usage: its monthly total, by category, with its file named and how many of
 * its lines are inferred rather than measured; "usage not stated" without a usage file.
 */
export function usageBesideCeiling(usage: StackUsage | undefined): string {
  const label = "Usage-based, not counted against the ceiling:";
  if (!usage?.file) return `${label} usage not stated (no usage file).`;
  const lines = usage.lines.filter((line) => line.side === "after");
  const byCategory = new Map<string, number>();
  for (const line of lines) byCategory.set(line.category, (byCategory.get(line.category) ?? 0) + line.monthly);
  const categories = [...byCategory].map(([category, monthly]) => `${category} ${money(monthly)}`);
  const inferred = lines.filter((line) => line.source.startsWith("inferred")).length;
  const notStated = usage.notStated.filter((n) => n.sides.includes("after")).length;
  // No semicolon inside: the ceiling's message separates its contributors with them.
  const details = [
    ...categories,
    `${inferred} of ${lines.length} line${lines.length === 1 ? "" : "s"} inferred`,
    ...(notStated ? [`usage not stated for ${notStated} resource${notStated === 1 ? "" : "s"}`] : []),
  ];
  return `${label} ${money(usage.totals.after)} a month from ${usage.file} (${details.join(", ")}).`;
}

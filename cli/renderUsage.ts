/**
 * The usage-based part of a review, for the terminal and for markdown: the headline that keeps the
 * declared resources and the figure with usage apart, each usage line with its source, and the
 * resources whose usage nobody stated (never a silent $0).
 */
import type { CostReview } from "../cost/costReview";
import { money, signedMoney } from "../cost/money";
import type { StackUsage, UsageLine } from "../usage/usageModel";

/** "declared resources: $X -> $Y; with usage: $X' -> $Y'" */
export function usageHeadline(review: CostReview): string | undefined {
  if (!review.withUsage) return undefined;
  const t = review.totals;
  const u = review.withUsage;
  return `Declared resources: ${money(t.before)} -> ${money(t.after)} (${signedMoney(t.delta)}); with usage: ${money(u.before)} -> ${money(u.after)} (${signedMoney(u.delta)}) a month`;
}

/** Nothing to say: no usage file, no stated volume, nothing that could bill for use. */
function empty(usage: StackUsage | undefined): usage is undefined {
  return !usage || (usage.file === undefined && usage.lines.length === 0 && usage.notStated.length === 0);
}

function lineText(line: UsageLine): string {
  const quantity = `${Number(line.quantity.toFixed(2)).toLocaleString("en-US")} ${line.unit}`;
  const rate = line.category === "usage adjustment" ? "" : ` at $${line.unitPrice.toFixed(4)}/${line.unit}`;
  return `${line.side} ${line.resource} ${line.key}: ${line.description}, ${quantity}${rate} = ${money(line.monthly)}; ${line.source}`;
}

/** Resources whose every line states 0: one mention instead of a $0.00 line each. */
function zeroOnlyText(usage: StackUsage): string | undefined {
  const named = (line: UsageLine) => `${line.side} ${line.resource}`;
  const withFigures = new Set(usage.lines.filter((line) => line.quantity !== 0).map(named));
  const zero = [...new Set(usage.lines.filter((line) => line.quantity === 0).map(named))].filter((name) => !withFigures.has(name));
  return zero.length ? zero.join(", ") : undefined;
}

function notStatedText(usage: StackUsage): string {
  return usage.notStated.map((n) => `${n.resource} (${n.type.split(":").pop()}, ${n.sides.join(" and ")}${n.reason ? `: ${n.reason}` : ""})`).join(", ");
}

export function usageTableLines(stack: string, usage: StackUsage | undefined): string[] {
  if (empty(usage)) return [];
  const out = [`  usage (${usage.file ?? "no usage file"}): ${money(usage.totals.before)} before, ${money(usage.totals.after)} after`];
  // One line per resource, side and source in the terminal: its figures, their sum, where they come from.
  const groups = new Map<string, UsageLine[]>();
  for (const line of usage.lines.filter((l) => l.quantity !== 0)) {
    const key = `${line.side}\u0000${line.resource}\u0000${line.type}\u0000${line.source}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  for (const lines of groups.values()) {
    const first = lines[0];
    const figures = lines.map((l) => `${l.key} ${Number(l.quantity.toFixed(2)).toLocaleString("en-US")} ${l.unit}${l.category === "usage adjustment" ? "" : ` at $${l.unitPrice.toFixed(4)}`}`).join(", ");
    out.push(`    ${first.side} ${first.resource}: ${figures} = ${money(lines.reduce((sum, l) => sum + l.monthly, 0))}; ${first.source}`);
  }
  const zero = zeroOnlyText(usage);
  if (zero) out.push(`    stated as 0: ${zero}`);
  if (usage.notStated.length > 0) out.push(`    not priced, usage not stated: ${notStatedText(usage)}`);
  return out;
}

export function usageMarkdownLines(stack: string, usage: StackUsage | undefined, cell: (text: string) => string): string[] {
  if (empty(usage)) return [];
  const out = [`#### Usage (${stack}, ${usage.file ? `\`${usage.file}\`` : "no usage file"}): ${money(usage.totals.before)} before, ${money(usage.totals.after)} after`, ""];
  const priced = usage.lines.filter((l) => l.quantity !== 0);
  if (priced.length > 0) {
    out.push("| Side | Resource | Usage | Quantity | USD / month | Source |", "|---|---|---|---:|---:|---|");
    for (const line of priced) {
      out.push(`| ${line.side} | ${cell(line.resource)} | ${cell(`${line.key}: ${line.description}`)} | ${Number(line.quantity.toFixed(2)).toLocaleString("en-US")} ${line.unit} | ${money(line.monthly)} | ${cell(line.source)} |`);
    }
    out.push("");
  }
  const zero = zeroOnlyText(usage);
  if (zero) out.push(`Stated as 0: ${cell(zero)}.`, "");
  if (usage.notStated.length > 0) out.push(`Usage not stated (not priced, not $0): ${cell(notStatedText(usage))}.`, "");
  return out;
}

/** The PR comment's usage part: totals in the open, the priced lines (at most `limit`) folded. */
export function usageCommentLines(usage: StackUsage | undefined, cell: (text: string) => string, limit: number): string[] {
  if (empty(usage)) return [];
  const priced = usage.lines.filter((line) => line.quantity !== 0);
  const out = [`#### Usage (${usage.file ? `\`${usage.file}\`` : "no usage file"}): ${money(usage.totals.before)} -> ${money(usage.totals.after)}, apart from the resources' totals`, ""];
  if (priced.length > 0) {
    out.push("<details>", `<summary>${priced.length} usage line${priced.length === 1 ? "" : "s"}, each with its source</summary>`, "");
    for (const line of priced.slice(0, limit)) out.push(`- ${cell(lineText(line))}`);
    if (priced.length > limit) out.push(`- _${priced.length - limit} more left out (size limit)_`);
    out.push("", "</details>", "");
  }
  if (usage.notStated.length > 0) out.push(`Usage not stated (not priced, not $0): ${cell(notStatedText(usage))}.`, "");
  return out;
}

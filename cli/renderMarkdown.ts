/**
 * The review as a pull-request comment in the manner of Infracost's: a headline, a table per
 * stack, collapsible per-resource detail, notes, and a link to the SVG chart written beside it.
 */
import { CostComparison, assumptionNotes } from "../cost/costComparison";
import { CostReview } from "../cost/costReview";
import { headline, percentChange, resourceChanges, shortType } from "./costFormatting";
import { money, signedMoney } from "../cost/money";
import { usageHeadline, usageMarkdownLines } from "./renderUsage";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function stackSection(name: string, comparison: CostComparison, baselineFile: string, afterSource = "the program run offline"): string[] {
  const t = comparison.totals;
  const out = [`### ${name}: ${money(t.before)} -> ${money(t.after)} (${signedMoney(t.delta)}, ${percentChange(t.before, t.after)})`, ""];
  out.push("| Resource | Type | Before | After | Change |", "|---|---|---:|---:|---:|");
  const changes = resourceChanges(comparison);
  for (const line of comparison.lines) {
    const before = line.before?.status === "priced" ? line.before.monthly : 0;
    const after = line.after?.status === "priced" ? line.after.monthly : 0;
    if (line.before?.status !== "priced" && line.after?.status !== "priced") continue;
    out.push(`| ${cell(line.name)} | ${cell(shortType(line.type))} | ${money(before)} | ${money(after)} | ${signedMoney(after - before)} |`);
  }
  out.push(`| **Total** | | **${money(t.before)}** | **${money(t.after)}** | **${signedMoney(t.delta)}** |`, "");
  out.push("<details>", `<summary>${changes.length} resource${changes.length === 1 ? "" : "s"} changing cost in ${name}</summary>`, "");
  for (const c of changes) out.push(`- \`${cell(c.line.name)}\` (${shortType(c.line.type)}): ${c.shape}: ${money(c.before)} -> ${money(c.after)} (${signedMoney(c.delta)})`);
  out.push("", `Before: ${baselineFile.includes(" ") ? baselineFile : `\`${baselineFile}\``}; after: ${afterSource}.`, "", "</details>", "");
  return out;
}

export function renderReviewMarkdown(review: CostReview, chartFile?: string): string {
  const withUsage = usageHeadline(review);
  const out: string[] = ["## Infra cost review", "", `**${headline(review.totals.before, review.totals.after)}**`, "", ...(withUsage ? [withUsage, ""] : [])];
  out.push("| Stack | Before | After | Change |", "|---|---:|---:|---:|");
  for (const s of review.stacks) {
    const t = s.comparison.totals;
    out.push(`| ${s.stack} | ${money(t.before)} | ${money(t.after)} | ${signedMoney(t.delta)} (${percentChange(t.before, t.after)}) |`);
  }
  const t = review.totals;
  out.push(`| **Total** | **${money(t.before)}** | **${money(t.after)}** | **${signedMoney(t.delta)} (${percentChange(t.before, t.after)})** |`, "");
  if (chartFile) out.push(`![Monthly cost before and after, by component](${chartFile})`, "");

  for (const s of review.stacks) {
    out.push(...stackSection(s.stack, s.comparison, s.baselineFile, s.afterSource));
    out.push(...usageMarkdownLines(s.stack, s.usage, cell));
    if (s.inProgress && s.inProgress.length > 0) out.push(`#### In progress (${s.stack})`, "", ...s.inProgress.map((line) => `- ${cell(line)}`), "");
    if (s.policies && s.policies.length > 0) {
      out.push(`#### Policies (${s.stack})`, "", "| Policy | Level | Result | Message |", "|---|---|---|---|");
      for (const p of s.policies) out.push(`| ${cell(p.policyName)} | ${cell(p.enforcementLevel)} | ${p.passed ? "pass" : "**FAIL**"} | ${cell(p.message)} |`);
      out.push("");
    }
  }

  out.push("<details>", "<summary>Notes: assumptions, unpriced resources, prices</summary>", "");
  const notes = new Map<string, Set<string>>();
  for (const s of review.stacks) {
    for (const { note, resources } of assumptionNotes(s.comparison)) {
      const set = notes.get(note) ?? new Set<string>();
      resources.forEach((r) => set.add(`${s.stack}/${r}`));
      notes.set(note, set);
    }
  }
  for (const [note, resources] of notes) out.push(`- ${note} (${[...resources].join(", ")})`);
  const unpriced = review.stacks.flatMap((s) => s.comparison.unpriced.map((u) => ({ ...u, stack: s.stack })));
  out.push("", unpriced.length === 0 ? "Every cost-bearing resource was priced." : "**Not priced:**");
  for (const u of unpriced) out.push(`- ${u.stack}/\`${u.urn.split("::").pop()}\` (${u.type}): ${u.reason}`);
  out.push("", `Prices: ${review.catalog.source}, exported ${review.catalog.date}. USD per month of ${review.catalog.hoursPerMonth} hours.`, "", "</details>", "");
  return out.join("\n");
}

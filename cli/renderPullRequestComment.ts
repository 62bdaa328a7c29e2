/**
 * The pull-request comment of `estimate --preview ... --format markdown`: one comment for every
 * stack previewed, with a cross-stack total, each stack under the same headings, the count of
 * unpriced resources in the headline, a "changes only" label (never shown as the bill) when a
 * digest lacks --show-sames, each stack's policy verdicts, and a chart that renders inside a
 * GitHub comment (text bars, no image file). The body stays under GitHub's 65,536-character limit.
 */
import { PriceCatalog } from "../catalog/catalog";
import { CostComparison, assumptionNotes, costByCategory } from "../cost/costComparison";
import { EstimateCoverage, roundTotals } from "../cost/costReport";
import { PolicyResult } from "../cost/costReview";
import { headline, percentChange, resourceChanges, shortType } from "./costFormatting";
import { money, signedMoney } from "../cost/money";
import type { StackUsage } from "../usage/usageModel";
import { usageCommentLines } from "./renderUsage";

/** GitHub rejects an issue comment body above 65,536 characters; keep a margin for the workflow's footer. */
export const COMMENT_LIMIT = 65536;
const BODY_BUDGET = COMMENT_LIMIT - 1536;

export interface EstimatedStack {
  stack: string;
  /** The document's file name. */
  file: string;
  comparison: CostComparison;
  coverage: EstimateCoverage;
  /** The pack's verdicts on the preview's after-states; absent for a stack without a policy config. */
  policies?: PolicyResult[];
  /** Usage-based lines from the stack's usage file and stated volume claims, apart from the resources' totals. */
  usage?: StackUsage;
}

/** A preview that failed (error diagnostics, no resource steps): the comment says so in its place. */
export interface FailedStack {
  file: string;
  message: string;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** Whether a stack's figures are its bill or only its changed resources. */
function scopeOf(s: EstimatedStack): string {
  if (s.coverage.errors.length > 0) return "incomplete: the preview reported errors";
  return s.coverage.complete ? "whole stack" : `changes only (${plural(s.coverage.omittedSames, "unchanged resource")} not in the preview)`;
}

/** A text bar chart per cost category, before and after: renders in any GitHub comment. */
function chart(comparisons: CostComparison[]): string[] {
  const rows = costByCategory(comparisons).filter((row) => row.before > 0 || row.after > 0);
  if (rows.length === 0) return [];
  const largest = Math.max(...rows.flatMap((row) => [row.before, row.after]));
  const bar = (value: number) => "█".repeat(Math.round((value / largest) * 30)) || (value > 0 ? "▏" : "");
  const width = Math.max(...rows.map((row) => row.category.length));
  const out = ["```text", "Monthly cost by category, before -> after (USD)"];
  for (const row of rows) {
    out.push(`${row.category.padEnd(width)}  before ${bar(row.before).padEnd(30)} ${money(row.before)}`);
    out.push(`${"".padEnd(width)}  after  ${bar(row.after).padEnd(30)} ${money(row.after)}`);
  }
  out.push("```");
  return out;
}

function stackSection(s: EstimatedStack, detailLimit: number): { lines: string[]; trimmed: number } {
  const t = roundTotals(s.comparison.totals);
  const unpriced = s.comparison.unpriced.length;
  const out = [`### Stack \`${s.stack}\`: ${headline(t.before, t.after, unpriced)}`, ""];
  out.push(`Scope: ${scopeOf(s)}. Source: \`${s.file}\`.`, "");
  if (s.coverage.errors.length > 0) {
    out.push(`> [!WARNING]`, `> \`pulumi preview\` reported ${plural(s.coverage.errors.length, "error")}; the figures cover only the steps it reached. First: ${cell(s.coverage.errors[0].slice(0, 300))}`, "");
  }
  const label = s.coverage.complete ? "" : " (changed resources)";
  out.push(`| | Before${label} | After${label} | Change |`, "|---|---:|---:|---:|");
  out.push(`| Monthly | ${money(t.before)} | ${money(t.after)} | ${signedMoney(t.delta)} (${percentChange(t.before, t.after)}) |`, "");

  const changes = resourceChanges(s.comparison);
  const shown = changes.slice(0, detailLimit);
  out.push("<details>", `<summary>${plural(changes.length, "resource")} changing cost</summary>`, "");
  if (shown.length > 0) {
    out.push("| Resource | Type | Shape | Before | After | Change |", "|---|---|---|---:|---:|---:|");
    for (const c of shown) out.push(`| ${cell(c.line.name)} | ${cell(shortType(c.line.type))} | ${cell(c.shape)} | ${money(c.before)} | ${money(c.after)} | ${signedMoney(c.delta)} |`);
  }
  if (changes.length > shown.length) out.push("", `_${plural(changes.length - shown.length, "smaller change")} left out to keep this comment under GitHub's size limit; see the job's artifact._`);
  out.push("", "</details>", "");

  if (unpriced > 0) {
    out.push("<details>", `<summary>${plural(unpriced, "resource")} not priced</summary>`, "");
    const unpricedShown = s.comparison.unpriced.slice(0, detailLimit);
    for (const u of unpricedShown) out.push(`- \`${cell(u.urn.split("::").pop() ?? u.urn)}\` (${cell(shortType(u.type))}): ${cell(u.reason)}`);
    if (unpriced > unpricedShown.length) out.push(`- _${unpriced - unpricedShown.length} more left out (size limit)_`);
    out.push("", "</details>", "");
  }

  out.push(...usageCommentLines(s.usage, cell, detailLimit));
  out.push("#### Policies", "");
  if (!s.policies) {
    out.push(`Not evaluated: the policy pack has no config for stack \`${s.stack}\`.`, "");
  } else {
    const failed = s.policies.filter((p) => !p.passed);
    out.push(failed.length === 0 ? `All ${s.policies.length} ${s.policies.length === 1 ? "policy passes" : "policies pass"} on the preview's after-state.` : `**${failed.length} of ${s.policies.length} policies fail** on the preview's after-state.`, "");
    out.push("| Policy | Level | Result | Message |", "|---|---|---|---|");
    for (const p of s.policies) out.push(`| ${cell(p.policyName)} | ${cell(p.enforcementLevel)} | ${p.passed ? "pass" : "**FAIL**"} | ${cell(p.message.slice(0, 500))} |`);
    out.push("");
  }
  return { lines: out, trimmed: Math.max(0, changes.length - shown.length) + Math.max(0, unpriced - Math.min(unpriced, detailLimit)) };
}

function compose(stacks: EstimatedStack[], catalog: PriceCatalog, detailLimit: number, failed: FailedStack[]): { text: string; trimmed: number } {
  const totals = roundTotals({
    before: stacks.reduce((sum, s) => sum + s.comparison.totals.before, 0),
    after: stacks.reduce((sum, s) => sum + s.comparison.totals.after, 0),
    delta: 0,
  });
  const unpriced = stacks.reduce((sum, s) => sum + s.comparison.unpriced.length, 0);
  const partial = stacks.filter((s) => !s.coverage.complete);
  const out: string[] = ["## Infra cost estimate", ""];
  for (const f of failed) {
    out.push("> [!CAUTION]", `> **A preview failed, so its stack is not in these figures:** ${cell(f.message.slice(0, 600))}`, "");
  }
  const scope = partial.length > 0 ? ` (changed resources only in ${partial.map((s) => `\`${s.stack}\``).join(", ")}: not the bill)` : "";
  out.push(`**${headline(totals.before, totals.after, unpriced)}**${scope}`, "");
  out.push("| Stack | Scope | Before | After | Change | Not priced |", "|---|---|---:|---:|---:|---:|");
  for (const s of stacks) {
    const t = roundTotals(s.comparison.totals);
    out.push(`| ${cell(s.stack)} | ${cell(scopeOf(s))} | ${money(t.before)} | ${money(t.after)} | ${signedMoney(t.delta)} (${percentChange(t.before, t.after)}) | ${s.comparison.unpriced.length} |`);
  }
  if (stacks.length > 1) out.push(`| **All stacks** | | **${money(totals.before)}** | **${money(totals.after)}** | **${signedMoney(totals.delta)} (${percentChange(totals.before, totals.after)})** | **${unpriced}** |`);
  out.push("", ...chart(stacks.map((s) => s.comparison)), "");

  let trimmed = 0;
  for (const s of stacks) {
    const section = stackSection(s, detailLimit);
    out.push(...section.lines);
    trimmed += section.trimmed;
  }

  out.push("<details>", "<summary>Notes: assumptions and prices</summary>", "");
  const notes = new Map<string, Set<string>>();
  for (const s of stacks) {
    for (const { note, resources } of assumptionNotes(s.comparison)) {
      const set = notes.get(note) ?? new Set<string>();
      resources.forEach((r) => set.add(`${s.stack}/${r}`));
      notes.set(note, set);
    }
  }
  const noteLines = [...notes].map(([note, resources]) => {
    const list = [...resources];
    return `- ${note} (${list.slice(0, 5).join(", ")}${list.length > 5 ? `, +${list.length - 5} more` : ""})`;
  });
  out.push(...noteLines.slice(0, detailLimit * 2));
  if (noteLines.length > detailLimit * 2) {
    out.push(`- _${noteLines.length - detailLimit * 2} more notes left out (size limit)_`);
    trimmed += noteLines.length - detailLimit * 2;
  }
  out.push("", `Prices: ${catalog.source}, exported ${catalog.date}. USD per month of ${catalog.hoursPerMonth} hours.`, "", "</details>", "");
  return { text: out.join("\n"), trimmed };
}

/** The comment, with per-resource detail cut (and said so) until it fits GitHub's limit. */
export function renderPullRequestComment(stacks: EstimatedStack[], catalog: PriceCatalog, failed: FailedStack[] = []): string {
  let limit = 200;
  let result = compose(stacks, catalog, limit, failed);
  while (result.text.length > BODY_BUDGET && limit > 0) {
    limit = Math.floor(limit / 2);
    result = compose(stacks, catalog, limit, failed);
  }
  if (result.trimmed > 0) {
    result.text += `\n_This comment was trimmed to stay under GitHub's 65,536-character limit: ${plural(result.trimmed, "detail line")} left out. The full estimate is in the job's artifact (\`--format json\`)._\n`;
  }
  return result.text;
}

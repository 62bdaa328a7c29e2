/** The terminal rendering of a review and of an estimate: aligned columns, then notes. */
import { EstimateCoverage } from "../cost/costReport";
import { CostComparison, assumptionNotes } from "../cost/costComparison";
import { CostReview } from "../cost/costReview";
import { headline, percentChange, resourceChanges, shortType } from "./costFormatting";
import { money, signedMoney } from "../cost/money";
import { usageHeadline, usageTableLines } from "./renderUsage";

function columns(rows: string[][], rightAligned: number[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => row.map((cell, column) => (rightAligned.includes(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join("  ").trimEnd())
    .join("\n");
}

function notesSection(comparisons: CostComparison[], catalog: { source: string; date: string }): string[] {
  const out: string[] = [];
  const notes = new Map<string, string[]>();
  for (const comparison of comparisons) for (const { note, resources } of assumptionNotes(comparison)) notes.set(note, [...(notes.get(note) ?? []), ...resources]);
  if (notes.size > 0) {
    out.push("", "Assumptions:");
    for (const [note, resources] of notes) out.push(`  - ${note} (${[...new Set(resources)].join(", ")})`);
  }
  const unpriced = comparisons.flatMap((c) => c.unpriced);
  if (unpriced.length > 0) {
    out.push("", "Not priced:");
    for (const u of unpriced) out.push(`  - ${u.urn.split("::").pop()} (${u.type}): ${u.reason}`);
  }
  out.push("", `Prices: ${catalog.source}, exported ${catalog.date}; USD per month of 730 hours.`);
  return out;
}

export function renderReviewTable(review: CostReview): string {
  const withUsage = usageHeadline(review);
  const out: string[] = [headline(review.totals.before, review.totals.after), ...(withUsage ? [withUsage] : []), ""];
  const rows = [["STACK", "BEFORE", "AFTER", "CHANGE", "%"]];
  for (const s of review.stacks) {
    const t = s.comparison.totals;
    rows.push([s.stack, money(t.before), money(t.after), signedMoney(t.delta), percentChange(t.before, t.after)]);
  }
  rows.push(["TOTAL", money(review.totals.before), money(review.totals.after), signedMoney(review.totals.delta), percentChange(review.totals.before, review.totals.after)]);
  out.push(columns(rows, [1, 2, 3, 4]));

  for (const s of review.stacks) {
    const changes = resourceChanges(s.comparison);
    out.push("", `${s.stack}: ${changes.length === 0 ? "no cost changes" : "changes, biggest first"} (baseline ${s.baselineFile})`);
    if (changes.length > 0) {
      const changeRows = [["RESOURCE", "TYPE", "SHAPE", "BEFORE", "AFTER", "CHANGE"]];
      for (const c of changes) changeRows.push([c.line.name, shortType(c.line.type), c.shape, money(c.before), money(c.after), signedMoney(c.delta)]);
      out.push(columns(changeRows, [3, 4, 5]).replace(/^/gm, "  "));
    }
    if (s.inProgress && s.inProgress.length > 0) {
      out.push(`  in progress:`);
      for (const line of s.inProgress) out.push(`    ${line}`);
    }
    out.push(...usageTableLines(s.stack, s.usage));
    if (s.policies && s.policies.length > 0) {
      out.push(`  policies:`);
      for (const p of s.policies) out.push(`    ${p.passed ? "pass" : "FAIL"} [${p.enforcementLevel}] ${p.policyName}: ${p.message}`);
    }
  }
  out.push(...notesSection(review.stacks.map((s) => s.comparison), review.catalog));
  return out.join("\n") + "\n";
}

export function renderEstimateTable(comparison: CostComparison, catalog: { source: string; date: string }, hasBefore: boolean, coverage?: EstimateCoverage): string {
  const rows = [hasBefore ? ["RESOURCE", "TYPE", "SHAPE", "BEFORE", "AFTER", "CHANGE"] : ["RESOURCE", "TYPE", "SHAPE", "MONTHLY"]];
  for (const line of comparison.lines) {
    const priced = [line.after, line.before].find((side) => side?.status === "priced");
    if (!priced) continue;
    const before = line.before?.status === "priced" ? line.before.monthly : 0;
    const after = line.after?.status === "priced" ? line.after.monthly : 0;
    rows.push(hasBefore ? [line.name, shortType(line.type), priced.summary ?? "", money(before), money(after), signedMoney(after - before)] : [line.name, shortType(line.type), priced.summary ?? "", money(after)]);
  }
  const t = comparison.totals;
  rows.push(hasBefore ? ["TOTAL", "", "", money(t.before), money(t.after), signedMoney(t.delta)] : ["TOTAL", "", "", money(t.after)]);
  const unpricedCount = comparison.unpriced.length;
  const unpriced = !hasBefore && unpricedCount > 0 ? `; ${unpricedCount} resource${unpricedCount === 1 ? "" : "s"} not priced` : "";
  const scope = coverage && !coverage.state && coverage.omittedSames > 0 ? `Changed resources only (${coverage.omittedSames} unchanged left out: preview without --show-sames): ` : "";
  const failed = coverage && coverage.errors.length > 0 ? [`The preview reported ${coverage.errors.length} error(s): these figures cover only the steps it reached.`] : [];
  const out = [...failed, `${scope}${hasBefore ? headline(t.before, t.after, unpricedCount) : `Monthly cost: ${money(t.after)}`}${unpriced}`, "", columns(rows, hasBefore ? [3, 4, 5] : [3])];
  out.push(...notesSection([comparison], catalog));
  return out.join("\n") + "\n";
}

/**
 * The budget report's billed section (only with billing files): the seed pool and the testnet
 * node pools as billed before and after the change, the saving actually billed against the
 * estimate and the proposal's range, and what explains the difference.
 */
import { money } from "../cost/money";
import type { BilledComparison, BilledMonthFigures, BilledSide } from "./billedSide";

function cells(side: BilledMonthFigures | null): string[] {
  if (!side) return ["(none)", "-", "-", "-"];
  return [money(side.predicted), money(side.billedList), money(side.credits), money(side.billedNet)];
}

function comparisonRows(rows: BilledComparison[]): string[] {
  const lines = ["| pool | month | predicted | billed at list | credits | billed net |", "|---|---|---:|---:|---:|---:|"];
  for (const row of rows) {
    lines.push(`| ${row.name} | before | ${cells(row.before).join(" | ")} |`);
    lines.push(`| ${row.name} | after | ${cells(row.after).join(" | ")} |`);
  }
  return lines;
}

function net(rows: BilledComparison[], side: "before" | "after"): number {
  return rows.reduce((sum, row) => sum + (row[side]?.billedNet ?? 0), 0);
}

function signed(value: number): string {
  return `${value > 0 ? "+" : ""}${money(value)}`;
}

function coverage(value: number | null): string {
  return value === null ? "-" : `${(value * 100).toFixed(1)} %`;
}

/** `estimate`: the review's saving a month; `expected`: the proposal's range. */
export function renderBilledSection(billed: BilledSide, estimate: number, expected: { low: number; high: number }): string[] {
  const { before, after } = billed;
  const gap = billed.billedMonthlySaving - estimate;
  const explained = billed.differences.reduce((sum, d) => sum + d.monthly, 0);
  const forecastGap = billed.predictedMonthlySaving - estimate;
  const against =
    billed.billedMonthlySaving < expected.low
      ? `${money(expected.low - billed.billedMonthlySaving)} a month below its low end`
      : billed.billedMonthlySaving > expected.high
        ? `${money(billed.billedMonthlySaving - expected.high)} a month above its high end`
        : "within it";
  const lines = [
    `## 6. From the bill: ${before.month} (before) vs ${after.month} (after)`,
    "",
    `Read from ${billed.inputs.join(", ")}. Invoice month ${before.month} (${before.hours} hours) is reconciled against the baselines, ${after.month} (${after.hours} hours) against the program, ` +
      "exactly as `infra-cost reconcile` reconciles them: predicted is the engine's monthly price for the month's hours; billed net is cost plus credits; taxes, adjustments and rounding errors are left out.",
    "",
    "### Seed node pool, billed",
    "",
    ...comparisonRows([billed.seedPool]),
    "",
    `Billed net: ${money(net([billed.seedPool], "before"))} -> ${money(net([billed.seedPool], "after"))}.`,
    "",
    "### Testnet node pools, billed",
    "",
    ...comparisonRows(billed.testnetPools),
    "",
    `Billed net: ${money(net(billed.testnetPools, "before"))} -> ${money(net(billed.testnetPools, "after"))}.`,
    "",
    "### Each stack's usage, billed",
    "",
    "| stack | predicted before | billed net before | coverage before | predicted after | billed net after | coverage after |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...billed.perStack.map((s) => `| ${s.stack} | ${money(s.before.predicted)} | ${money(s.before.billedNet)} | ${coverage(s.coverageBefore)} | ${money(s.after.predicted)} | ${money(s.after.billedNet)} | ${coverage(s.coverageAfter)} |`),
    "",
    "### The saving actually billed",
    "",
    `Both stacks' usage, net of credits, each month scaled to ${730} hours as the estimate is: **${money(billed.billedMonthlySaving)} a month billed** against **${money(estimate)} estimated** ` +
      `(the review's saving; ${gap >= 0 ? "+" : ""}${money(gap)}), and against the proposal's ${money(expected.low)} to ${money(expected.high)}: ${against}.`,
    "",
  ];
  if (Math.abs(forecastGap) >= 0.01) {
    lines.push(`The reconciled predictions (the engine over the same baselines and program) save ${money(billed.predictedMonthlySaving)} a month, ${money(forecastGap)} from the review's estimate.`, "");
  }
  if (billed.differences.length === 0) {
    lines.push("What explains the difference: nothing; every declared resource was billed as predicted and the bill holds no line the program does not declare.", "");
  } else {
    lines.push(
      `What explains the ${money(billed.billedMonthlySaving - billed.predictedMonthlySaving)} between the saving billed and the saving predicted (USD a 730-hour month; positive adds to the billed saving; a line billed alike in both months cancels out):`,
      "",
      `| stack | what | in ${before.month} | in ${after.month} | on the saving |`,
      "|---|---|---:|---:|---:|",
      ...billed.differences.map((d) => `| ${d.stack} | ${d.what} | ${signed(d.before)} | ${signed(d.after)} | ${signed(d.monthly)} |`),
      `| | **total** | | | **${signed(explained)}** |`,
      "",
    );
  }
  const charges = billed.charges.filter((c) => c.net !== 0);
  if (charges.length > 0) lines.push(`Left out of the saving: taxes, adjustments and rounding errors (${charges.map((c) => `${c.month}: ${money(c.net)}`).join(", ")}).`, "");
  return lines;
}

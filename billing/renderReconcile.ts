/**
 * The drift report in its three forms: the JSON contract (docs/reconcile-json-contract.md), a
 * plain-text table and markdown. All three read the same ReconcileReport; none computes a figure.
 */
import { money, signedMoney } from "../cost/money";
import type { BilledAmounts, ReconcileReport, StackReconciliation } from "./reconcileReport";

export const RECONCILE_CONTRACT_VERSION = 1;

/** The JSON document `reconcile --format json` prints. */
export function reconcileDocument(report: ReconcileReport): object {
  return {
    version: RECONCILE_CONTRACT_VERSION,
    currency: "USD",
    engine: report.engine,
    inputs: report.inputs,
    converted: report.converted,
    listFromCost: report.listFromCost,
    months: report.months,
    otherProjects: report.otherProjects,
    ...(report.threshold ? { threshold: report.threshold } : {}),
  };
}

const percent = (value: number | null) => (value === null ? "n/a" : `${value > 0 ? "+" : ""}${value.toFixed(1)}%`);
const share = (value: number | null) => (value === null ? "n/a" : `${(value * 100).toFixed(1)}%`);

function notes(report: ReconcileReport): string[] {
  const lines = [
    "Months are invoice months (invoice.month / FOCUS BillingPeriodStart). Predicted = the engine's monthly price x the month's hours / 730.",
    "Billed net = cost + credits (credits netted per row); taxes, adjustments and rounding errors are shown apart and not in the drift.",
  ];
  if (report.converted.rows > 0) {
    lines.push(`${report.converted.rows} row(s) in ${report.converted.currencies.join(", ")} were converted to USD with their currency_conversion_rate.`);
  }
  if (report.listFromCost.rows > 0) {
    lines.push(`${report.listFromCost.rows} row(s) had no list cost (cost_at_list / ListCost): their cost before credits is counted as their list cost.`);
  }
  for (const other of report.otherProjects) lines.push(`${other.month}: ${money(other.billedNet)} net was billed to projects no reconciled stack declares (left out).`);
  return lines;
}

function pad(cells: string[][]): string {
  const widths = cells[0].map((_, index) => Math.max(...cells.map((row) => row[index].length)));
  return cells.map((row) => row.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]))).join("  ").trimEnd()).join("\n");
}

function amounts(value: BilledAmounts): string[] {
  return [money(value.billedList), money(value.credits), money(value.billedNet)];
}

function resourceRows(stack: StackReconciliation): string[][] {
  return [
    ...stack.resources.map((resource) => [`${resource.name} (${resource.kind})`, money(resource.predicted), ...amounts(resource), signedMoney(resource.driftUsd), percent(resource.driftPercent)]),
    ["not declared by the program", "", ...amounts(stack.undeclared), "", ""],
    ["stack usage", money(stack.predicted), ...amounts(stack), signedMoney(stack.driftUsd), percent(stack.driftPercent)],
  ];
}

export function renderReconcileTable(report: ReconcileReport): string {
  const out: string[] = [`Reconciliation with the bill (${report.engine}: ${report.inputs.join("; ")})`, ""];
  for (const month of report.months) {
    for (const stack of month.stacks) {
      out.push(`${month.month} ${stack.stack} (project ${stack.projectId}, cluster ${stack.cluster}; predicted from ${stack.predictedFrom}): coverage ${share(stack.coverage)}`);
      out.push(pad([["resource", "predicted", "billed list", "credits", "billed net", "drift", "drift %"], ...resourceRows(stack)]));
      if (stack.largestUndeclared.length > 0) {
        out.push("", "largest lines not declared by the program:");
        out.push(pad([["service / SKU", "billed net"], ...stack.largestUndeclared.map((line) => [`${line.service} / ${line.sku}`, money(line.billedNet)])]));
      }
      out.push(`apart from usage: tax ${money(stack.charges.tax)}, adjustments ${money(stack.charges.adjustment)}, rounding ${money(stack.charges.roundingError)}`, "");
    }
  }
  out.push(...notes(report));
  if (report.threshold) out.push(thresholdLine(report.threshold));
  return out.join("\n") + "\n";
}

export function renderReconcileMarkdown(report: ReconcileReport): string {
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const out: string[] = ["# Reconciliation with the bill", "", `Read by ${report.engine}: ${report.inputs.map((input) => `\`${input}\``).join(", ")}.`, ""];
  for (const month of report.months) {
    for (const stack of month.stacks) {
      out.push(`## ${month.month}: ${stack.stack}`, "");
      out.push(`Project \`${stack.projectId}\`, cluster \`${stack.cluster}\`, predicted from ${stack.predictedFrom}. Coverage: **${share(stack.coverage)}** of the stack's usage bill is explained by the program's resources.`, "");
      out.push(row(["resource", "predicted", "billed at list", "credits", "billed net", "drift", "drift %"]), row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]));
      for (const cells of resourceRows(stack)) out.push(row(cells));
      if (stack.largestUndeclared.length > 0) {
        out.push("", "Largest lines not declared by the program:", "", row(["service", "SKU", "billed net"]), row(["---", "---", "---:"]));
        for (const line of stack.largestUndeclared) out.push(row([line.service, line.sku, money(line.billedNet)]));
      }
      out.push("", `Apart from usage: tax ${money(stack.charges.tax)}, adjustments ${money(stack.charges.adjustment)}, rounding ${money(stack.charges.roundingError)}.`, "");
    }
  }
  out.push(...notes(report).map((line) => `- ${line}`));
  if (report.threshold) out.push(`- ${thresholdLine(report.threshold)}`);
  return out.join("\n") + "\n";
}

function thresholdLine(threshold: NonNullable<ReconcileReport["threshold"]>): string {
  if (threshold.exceeded.length === 0) return `No resource or stack drifts beyond ${threshold.percent}%.`;
  return `Drift beyond ${threshold.percent}%: ${threshold.exceeded.map((entry) => `${entry.month} ${entry.stack} ${entry.name ?? "(stack)"} ${percent(entry.driftPercent)}`).join(", ")}.`;
}

/**
 * The drift report: per invoice month and stack, each declared resource's predicted cost (the
 * engine's monthly figure scaled to the month's hours) beside what was billed for it, at list and
 * net of credits, the drift, and how much of the stack's bill the program's resources explain
 * (coverage). What the program does not declare follows, largest first, by service and SKU.
 * The JSON contract is docs/reconcile-json-contract.md.
 */
import { roundMoney } from "../cost/money";
import { InputError } from "../cost/sources/inputError";
import { attribute, type MatchRule } from "./attribution";
import type { BilledLine } from "./billedLine";
import type { BillableKind, DeclaredStack } from "./declaredResources";

/** The engine prices a month of 730 hours; an invoice month has its own. */
export const ENGINE_HOURS_PER_MONTH = 730;
/** How many undeclared lines each stack lists (the rest are still in its totals). */
export const LARGEST_UNDECLARED = 10;

export interface BilledAmounts {
  /** At list price (`cost_at_list`). */
  billedList: number;
  /** Before credits (`cost`). */
  billedCost: number;
  /** Credits (negative). */
  credits: number;
  /** What was paid: cost + credits. */
  billedNet: number;
}

export interface ResourceReconciliation extends BilledAmounts {
  /** The GCP name (the node pool's, the disk's). */
  name: string;
  type: string;
  kind: BillableKind;
  predicted: number;
  driftUsd: number;
  /** null when nothing was predicted (a resource the engine leaves unpriced). */
  driftPercent: number | null;
  matchedBy: MatchRule[];
  unpricedReason?: string;
}

export interface UndeclaredLine extends BilledAmounts {
  service: string;
  sku: string;
  skuId: string | null;
}

export interface StackReconciliation extends BilledAmounts {
  stack: string;
  projectId: string;
  cluster: string;
  /** Where the predicted side comes from: "program" (the stack as configured) or the baseline file. */
  predictedFrom: string;
  predicted: number;
  driftUsd: number;
  driftPercent: number | null;
  /** Share of the stack's usage bill (net) the declared resources explain; null when nothing was billed. */
  coverage: number | null;
  resources: ResourceReconciliation[];
  /** Undeclared usage in total, and its largest lines. */
  undeclared: BilledAmounts;
  largestUndeclared: UndeclaredLine[];
  /** `cost_type` other than regular, net, kept out of the usage figures. */
  charges: { tax: number; adjustment: number; roundingError: number };
}

export interface MonthReconciliation {
  month: string;
  hours: number;
  stacks: StackReconciliation[];
}

export interface ReconcileReport {
  engine: "DuckDB" | "BigQuery";
  inputs: string[];
  months: MonthReconciliation[];
  /** Rows in another currency, converted to USD with their `currency_conversion_rate`. */
  converted: { rows: number; currencies: string[] };
  /** Rows without a list cost of their own (`cost_at_list` / `ListCost` null or absent), counted at their cost before credits. */
  listFromCost: { rows: number };
  /** Net billed to projects no reconciled stack declares, per month. */
  otherProjects: { month: string; billedNet: number }[];
  /** Set with --fail-above-drift-percent: the threshold and what passed it. */
  threshold?: { percent: number; exceeded: { month: string; stack: string; name: string | null; driftPercent: number }[] };
}

export interface ReconcileInput {
  engine: ReconcileReport["engine"];
  inputs: string[];
  /** How the inputs are named in an error about them (the files, or the BigQuery table). */
  inputLabel: string;
  lines: BilledLine[];
  stacks: { declared: DeclaredStack; predictedFrom: string }[];
  /** YYYYMM; every invoice month in the lines when empty. */
  months: string[];
  failAboveDriftPercent?: number;
}

export function hoursInMonth(month: string): number {
  const year = Number(month.slice(0, 4));
  const monthIndex = Number(month.slice(4, 6));
  return new Date(Date.UTC(year, monthIndex, 0)).getUTCDate() * 24;
}

const zero = (): BilledAmounts => ({ billedList: 0, billedCost: 0, credits: 0, billedNet: 0 });
function add(into: BilledAmounts, line: BilledLine): void {
  into.billedList += line.costAtList;
  into.billedCost += line.cost;
  into.credits += line.credits;
  into.billedNet += line.cost + line.credits;
}
function rounded<T extends BilledAmounts>(amounts: T): T {
  return { ...amounts, billedList: roundMoney(amounts.billedList), billedCost: roundMoney(amounts.billedCost), credits: roundMoney(amounts.credits), billedNet: roundMoney(amounts.billedNet) };
}
function driftPercent(billed: number, predicted: number): number | null {
  return predicted > 0 ? Math.round(((billed - predicted) / predicted) * 10000) / 100 : null;
}

export function reconcile(input: ReconcileInput): ReconcileReport {
  const monthsInLines = [...new Set(input.lines.map((line) => line.invoiceMonth).filter((month): month is string => month !== null))].sort();
  const months = input.months.length > 0 ? [...input.months].sort() : monthsInLines;
  const declared = input.stacks.map((entry) => entry.declared);
  const attributed = input.lines.map((line) => ({ line, attribution: attribute(line, declared) }));

  const report: ReconcileReport = {
    engine: input.engine,
    inputs: input.inputs,
    months: [],
    converted: {
      rows: input.lines.reduce((sum, line) => sum + line.convertedRows, 0),
      currencies: [...new Set(input.lines.filter((line) => line.convertedRows > 0 && line.currency !== null).map((line) => line.currency as string))].sort(),
    },
    listFromCost: { rows: input.lines.reduce((sum, line) => sum + line.listFromCostRows, 0) },
    otherProjects: [],
  };

  for (const month of months) {
    const ofMonth = attributed.filter(({ line }) => line.invoiceMonth === month);
    const hours = hoursInMonth(month);
    const stacks = input.stacks.map(({ declared: stack, predictedFrom }) => {
      const ofStack = ofMonth.filter(({ attribution }) => attribution.kind !== "other project" && attribution.stack === stack);
      if (ofStack.length === 0) {
        throw new InputError(input.inputLabel, "invoice.month", `no rows for project ${stack.projectId} (stack ${stack.stack}) in month ${month} (months in the bill: ${monthsInLines.join(", ") || "none"})`);
      }
      return reconcileStack(stack, predictedFrom, ofStack, hours);
    });
    report.months.push({ month, hours, stacks });
    const other = zero();
    for (const { line } of ofMonth.filter(({ attribution }) => attribution.kind === "other project")) add(other, line);
    if (other.billedNet !== 0 || other.billedCost !== 0) report.otherProjects.push({ month, billedNet: roundMoney(other.billedNet) });
  }

  if (input.failAboveDriftPercent !== undefined) {
    const limit = input.failAboveDriftPercent;
    const exceeded: NonNullable<ReconcileReport["threshold"]>["exceeded"] = [];
    for (const month of report.months) {
      for (const stack of month.stacks) {
        if (stack.driftPercent !== null && Math.abs(stack.driftPercent) > limit) exceeded.push({ month: month.month, stack: stack.stack, name: null, driftPercent: stack.driftPercent });
        // The largest drift first, then by name: the order (and the one line's "first") does not follow the graph's declaration order.
        const drifting = stack.resources
          .filter((resource) => resource.driftPercent !== null && Math.abs(resource.driftPercent) > limit)
          .sort((a, b) => Math.abs(b.driftPercent!) - Math.abs(a.driftPercent!) || a.name.localeCompare(b.name));
        for (const resource of drifting) exceeded.push({ month: month.month, stack: stack.stack, name: resource.name, driftPercent: resource.driftPercent! });
      }
    }
    report.threshold = { percent: limit, exceeded };
  }
  return report;
}

/** Billed beside predicted: the rounded amounts and the drift of net from the prediction. */
function compared(amounts: BilledAmounts, predictedUsd: number): BilledAmounts & { predicted: number; driftUsd: number; driftPercent: number | null } {
  const predicted = roundMoney(predictedUsd);
  const billed = rounded(amounts);
  return { predicted, ...billed, driftUsd: roundMoney(billed.billedNet - predicted), driftPercent: driftPercent(billed.billedNet, predicted) };
}

function reconcileStack(
  stack: DeclaredStack,
  predictedFrom: string,
  lines: { line: BilledLine; attribution: ReturnType<typeof attribute> }[],
  hours: number,
): StackReconciliation {
  const scale = hours / ENGINE_HOURS_PER_MONTH;
  const perResource = new Map(stack.resources.map((resource) => [resource, { amounts: zero(), rules: new Set<MatchRule>() }]));
  const usage = zero();
  const undeclared = zero();
  const undeclaredBySku = new Map<string, UndeclaredLine>();
  const charges = { tax: 0, adjustment: 0, roundingError: 0 };
  for (const { line, attribution } of lines) {
    if (attribution.kind === "charge") {
      const net = line.cost + line.credits;
      if (attribution.costType === "tax") charges.tax += net;
      else if (attribution.costType === "rounding_error") charges.roundingError += net;
      else charges.adjustment += net;
      continue;
    }
    add(usage, line);
    if (attribution.kind === "resource") {
      const entry = perResource.get(attribution.resource)!;
      add(entry.amounts, line);
      entry.rules.add(attribution.rule);
    } else {
      add(undeclared, line);
      const key = `${line.service}\u0000${line.skuId}\u0000${line.skuDescription}`;
      const sku = undeclaredBySku.get(key) ?? { service: line.service ?? "(no service)", sku: line.skuDescription ?? "(no SKU)", skuId: line.skuId, ...zero() };
      add(sku, line);
      undeclaredBySku.set(key, sku);
    }
  }
  const resources: ResourceReconciliation[] = [...perResource].map(([resource, { amounts, rules }]) => ({
    name: resource.name,
    type: resource.type,
    kind: resource.kind,
    ...compared(amounts, resource.predictedMonthly * scale),
    matchedBy: [...rules].sort(),
    ...(resource.unpricedReason ? { unpricedReason: resource.unpricedReason } : {}),
  }));
  const explained = usage.billedNet - undeclared.billedNet;
  const stackMonthly = stack.resources.reduce((sum, resource) => sum + resource.predictedMonthly, 0) + stack.unmatchable.reduce((sum, resource) => sum + resource.predictedMonthly, 0);
  return {
    stack: stack.stack,
    projectId: stack.projectId,
    cluster: stack.clusterName,
    predictedFrom,
    ...compared(usage, stackMonthly * scale),
    coverage: usage.billedNet > 0 ? Math.round((explained / usage.billedNet) * 10000) / 10000 : null,
    resources,
    undeclared: rounded(undeclared),
    largestUndeclared: [...undeclaredBySku.values()].map(rounded).sort((a, b) => b.billedNet - a.billedNet || a.sku.localeCompare(b.sku)).slice(0, LARGEST_UNDECLARED),
    charges: { tax: roundMoney(charges.tax), adjustment: roundMoney(charges.adjustment), roundingError: roundMoney(charges.roundingError) },
  };
}

/**
 * The budget report's billed side: the proposal's QA deliverables from the bill instead of the
 * estimate. A month before the change is reconciled against the baselines (what the stacks were),
 * a month after against the program (what they are), each by `infra-cost reconcile`'s own
 * reconciliation; the saving actually billed is set against the estimate, and the difference is
 * taken apart into what the bill says differently: each resource's drift, the lines the program
 * does not declare, what the engine prices that the bill cannot name.
 */
import type { PriceCatalog } from "../catalog/catalog";
import { declaredStack } from "../billing/declaredResources";
import { aggregateBillingFiles } from "../billing/duckdbEngine";
import { ENGINE_HOURS_PER_MONTH, reconcile, type MonthReconciliation, type StackReconciliation } from "../billing/reconcileReport";
import { roundMoney } from "../cost/money";
import type { ResourceRecord } from "../graph/resourceRecord";

export interface BillingInput {
  /** Billing export / FOCUS files or folders, as `infra-cost reconcile --billing` takes them. */
  files: string[];
  /** YYYYMM before the change (reconciled against the baselines). */
  beforeMonth: string;
  /** YYYYMM after the change (reconciled against the program). */
  afterMonth: string;
}

/** One resource's month: what was billed net and what the engine predicted for the month's hours. */
export interface BilledMonthFigures {
  billedNet: number;
  billedList: number;
  credits: number;
  predicted: number;
}

export interface BilledComparison {
  name: string;
  /** null: the resource is not in that month's graph. */
  before: BilledMonthFigures | null;
  after: BilledMonthFigures | null;
}

/**
 * One reason the billed saving differs from the predicted one, in USD a 730-hour month (positive:
 * it adds to the billed saving): what it does in the month before, in the month after, and net.
 */
export interface SavingDifference {
  stack: string;
  what: string;
  before: number;
  after: number;
  monthly: number;
}

export interface BilledSide {
  inputs: string[];
  before: { month: string; hours: number };
  after: { month: string; hours: number };
  seedPool: BilledComparison;
  testnetPools: BilledComparison[];
  perStack: { stack: string; before: BilledMonthFigures; after: BilledMonthFigures; coverageBefore: number | null; coverageAfter: number | null }[];
  /** Usage net of credits, both stacks, each month scaled to 730 hours as the estimate is. */
  billedMonthlySaving: number;
  /** The same from the reconciled predictions (the engine over the baselines and over the program). */
  predictedMonthlySaving: number;
  /** billedMonthlySaving - predictedMonthlySaving taken apart; sums to it (to the cent, per line rounded). */
  differences: SavingDifference[];
  /** Taxes, adjustments and rounding errors of both months, kept out of the saving. */
  charges: { month: string; net: number }[];
}

interface StackGraph {
  stack: string;
  file: string;
  resources: ResourceRecord[];
}

function figures(entry: { billedNet: number; billedList: number; credits: number; predicted: number }): BilledMonthFigures {
  return { billedNet: entry.billedNet, billedList: entry.billedList, credits: entry.credits, predicted: entry.predicted };
}

/** The month reconciled against the graphs, and per stack the engine's monthly price of what the bill cannot name. */
function monthOf(input: { graphs: StackGraph[]; predictedFrom: string }, month: string, lines: Parameters<typeof reconcile>[0]["lines"], label: string, inputs: string[], catalog: PriceCatalog): { month: MonthReconciliation; unnamedMonthly: Map<string, number> } {
  const stacks = input.graphs.map((graph) => ({ declared: declaredStack(graph.stack, graph.resources, catalog, graph.file), predictedFrom: input.predictedFrom }));
  const unnamedMonthly = new Map(stacks.map(({ declared }) => [declared.stack, declared.unmatchable.reduce((sum, resource) => sum + resource.predictedMonthly, 0)]));
  return { month: reconcile({ engine: "DuckDB", inputs, inputLabel: label, lines, stacks, months: [month] }).months[0], unnamedMonthly };
}

function poolComparison(name: string, before: StackReconciliation, after: StackReconciliation): BilledComparison {
  const find = (stack: StackReconciliation) => stack.resources.find((resource) => resource.kind === "nodePool" && resource.name === name);
  const side = (stack: StackReconciliation) => {
    const resource = find(stack);
    return resource ? figures(resource) : null;
  };
  return { name, before: side(before), after: side(after) };
}

/** What makes a stack's month differ from its prediction, in USD a 730-hour month: per resource drift, undeclared lines, the unnamed predictions. */
function monthDrifts(stack: StackReconciliation, toMonthly: number, unnamedMonthly: number): Map<string, number> {
  const drifts = new Map<string, number>();
  const add = (what: string, usd: number) => drifts.set(what, (drifts.get(what) ?? 0) + usd);
  for (const resource of stack.resources) {
    if (resource.driftUsd !== 0) add(`${resource.name} (${resource.kind}) billed ${resource.driftUsd > 0 ? "above" : "below"} its prediction`, resource.driftUsd * toMonthly);
  }
  for (const line of stack.largestUndeclared) add(`not declared by the program: ${line.service} / ${line.sku}`, line.billedNet * toMonthly);
  const rest = stack.undeclared.billedNet - stack.largestUndeclared.reduce((sum, line) => sum + line.billedNet, 0);
  if (Math.abs(rest) >= 0.005) add("not declared by the program: smaller lines", rest * toMonthly);
  if (unnamedMonthly !== 0) add("predicted for resources the bill cannot name (no GCP resource of their own)", -unnamedMonthly);
  return drifts;
}

/**
 * The billed side of the report. `baselines` are the stacks before the change, `program` after;
 * the seed pool is prod's pool named `seedPoolName`.
 */
export async function buildBilledSide(billing: BillingInput, graphs: { baselines: StackGraph[]; program: StackGraph[] }, seedPoolName: string, catalog: PriceCatalog): Promise<BilledSide> {
  const bill = await aggregateBillingFiles(billing.files);
  const label = billing.files.join(", ");
  const beforeSide = monthOf({ graphs: graphs.baselines, predictedFrom: "baseline" }, billing.beforeMonth, bill.lines, label, bill.inputs, catalog);
  const afterSide = monthOf({ graphs: graphs.program, predictedFrom: "program" }, billing.afterMonth, bill.lines, label, bill.inputs, catalog);
  const [before, after] = [beforeSide.month, afterSide.month];
  const stackOf = (month: MonthReconciliation, name: string) => month.stacks.find((stack) => stack.stack === name)!;
  const toMonthly = (month: MonthReconciliation) => ENGINE_HOURS_PER_MONTH / month.hours;

  const testnetPools = [...new Set([...stackOf(before, "testnet").resources, ...stackOf(after, "testnet").resources].filter((r) => r.kind === "nodePool").map((r) => r.name))];
  const usage = (month: MonthReconciliation, key: "billedNet" | "predicted") => month.stacks.reduce((sum, stack) => sum + stack[key], 0) * toMonthly(month);
  const billedMonthlySaving = usage(before, "billedNet") - usage(after, "billedNet");
  const predictedMonthlySaving = usage(before, "predicted") - usage(after, "predicted");

  // A drift billed before adds to the saving; one billed after takes from it.
  const differences = new Map<string, SavingDifference>();
  for (const [side, { month, unnamedMonthly }] of [["before", beforeSide], ["after", afterSide]] as const) {
    for (const stack of month.stacks) {
      for (const [what, usd] of monthDrifts(stack, toMonthly(month), unnamedMonthly.get(stack.stack) ?? 0)) {
        const key = `${stack.stack}\u0000${what}`;
        const entry = differences.get(key) ?? { stack: stack.stack, what, before: 0, after: 0, monthly: 0 };
        entry[side] += side === "before" ? usd : -usd;
        differences.set(key, entry);
      }
    }
  }
  return {
    inputs: bill.inputs,
    before: { month: before.month, hours: before.hours },
    after: { month: after.month, hours: after.hours },
    seedPool: poolComparison(seedPoolName, stackOf(before, "prod"), stackOf(after, "prod")),
    testnetPools: testnetPools.map((name) => poolComparison(name, stackOf(before, "testnet"), stackOf(after, "testnet"))),
    perStack: before.stacks.map((stack) => {
      const later = stackOf(after, stack.stack);
      return { stack: stack.stack, before: figures(stack), after: figures(later), coverageBefore: stack.coverage, coverageAfter: later.coverage };
    }),
    billedMonthlySaving: roundMoney(billedMonthlySaving),
    predictedMonthlySaving: roundMoney(predictedMonthlySaving),
    differences: [...differences.values()]
      .map((d) => ({ ...d, before: roundMoney(d.before), after: roundMoney(d.after), monthly: roundMoney(d.before + d.after) }))
      .filter((d) => d.before !== 0 || d.after !== 0)
      .sort((a, b) => Math.abs(b.monthly) - Math.abs(a.monthly) || Math.abs(b.before) + Math.abs(b.after) - Math.abs(a.before) - Math.abs(a.after) || a.what.localeCompare(b.what)),
    charges: [before, after].map((month) => ({ month: month.month, net: roundMoney(month.stacks.reduce((sum, stack) => sum + stack.charges.tax + stack.charges.adjustment + stack.charges.roundingError, 0)) })),
  };
}

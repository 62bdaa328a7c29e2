/**
 * monthly-budget-ceiling (stack, mandatory): the stack's estimated monthly cost must not exceed
 * `maxMonthlyCost` USD. Priced by the cost engine over every resource of the stack, at upper
 * bounds (autoscaling maximum), so a change that breaks the budget fails `pulumi preview` in CI.
 */
import { definePolicy, PolicyDefinition } from "./policyDefinition";
import { definePolicyConfig, usdPerMonth } from "./policyConfig";
import { money, roundMoney } from "../cost/money";
import { CeilingEstimate, estimateCeilingCost, estimateNotes, largestContributors, unverifiableMessage } from "./ceilingEstimate";
import { diskMigrationsOf, temporaryMigrationResources } from "../graph/diskMigration";
import { COMPONENT_TYPES } from "../graph/componentTypes";
import { PolicyResource, recordForPricing } from "./resourceView";
import { priceStackUsage, readConfiguredUsageFile, usageBesideCeiling } from "./ceilingUsage";
import { z } from "zod";

/**
 * A disk migration in progress bills its old disk and snapshot on top of its end state for days:
 * the ceiling judges the end state the stack file declares (`steady`), and says what it left out.
 */
export function splitTemporaryMigrationCosts(resources: PolicyResource[]): { steady: PolicyResource[]; temporary: PolicyResource[] } {
  // Only the components that declare migrations are read (a view's props are copied on first read).
  const declaring = resources.filter((r) => r.type === COMPONENT_TYPES.blockchainNodeDisks);
  if (declaring.length === 0) return { steady: resources, temporary: [] };
  const keys = new Set(diskMigrationsOf(declaring.map((r) => ({ type: r.type, inputs: r.props }))).flatMap(temporaryMigrationResources).map(({ type, name }) => `${type}\u0000${name}`));
  if (keys.size === 0) return { steady: resources, temporary: [] };
  const isTemporary = (r: PolicyResource) => keys.has(`${r.type}\u0000${String(r.props.name ?? r.name)}`);
  return { steady: resources.filter((r) => !isTemporary(r)), temporary: resources.filter(isTemporary) };
}

/** What a disk migration in progress adds for its duration, left out of the ceiling. */
function temporaryNote(temporary: CeilingEstimate): string {
  return `Not counted: ${money(temporary.monthly)} a month that a disk migration in progress bills until it is over (${temporary.contributors.map((p) => `${p.name} ${money(p.monthly)}`).join(", ")}).`;
}

export const monthlyBudgetCeilingConfig = definePolicyConfig({
  /** The stack's ceiling in USD a month; required so a missing config file cannot pass silently. */
  maxMonthlyCost: usdPerMonth().describe("The stack's monthly budget ceiling, USD"),
  /** Named beside the ceiling, never counted against it; relative to the policy pack's directory. */
  usageFile: z
    .string({ error: "must be a path (the stack's usage file, e.g. ../usage.prod.yml)" })
    .min(1, "must be a path (the stack's usage file, e.g. ../usage.prod.yml)")
    .optional()
    .describe("The stack's usage file (usage.<stack>.yml), relative to the policy pack's directory: its usage is named beside the ceiling, not counted against it"),
});

export const monthlyBudgetCeiling: PolicyDefinition<{ maxMonthlyCost: number; usageFile?: string }> = definePolicy({
  name: "monthly-budget-ceiling",
  description: "The stack's estimated monthly cost must not exceed its budget ceiling (maxMonthlyCost, USD).",
  enforcementLevel: "mandatory",
  config: monthlyBudgetCeilingConfig,
  checkStack: (allResources, { maxMonthlyCost, usageFile }, context) => {
    const { steady, temporary } = splitTemporaryMigrationCosts(allResources);
    const estimate = estimateCeilingCost(steady);
    const budget = { estimate: roundMoney(estimate.monthly), ceiling: maxMonthlyCost };
    // The file is read (and refused if bad) on every check; the pack's process parses it once.
    const file = context.usage === undefined && usageFile !== undefined ? readConfiguredUsageFile(usageFile, context.packDirectory) : undefined;
    // The notes (what a migration in progress adds, the usage beside the ceiling) are worked out when a
    // message shows them: the pack under the CLI reports violations only, and a passing preview needs none.
    let notes: string[] | undefined;
    const notesOnce = () => {
      if (notes) return notes;
      const inProgress = temporary.length ? temporaryNote(estimateCeilingCost(temporary)) : undefined;
      // Usage is priced once per check, over the declared resources' prices the estimate already has.
      const usage = context.usage ?? (file ? priceStackUsage(file, steady.map(recordForPricing), estimate.priced) : undefined);
      return (notes = [...estimateNotes(estimate), ...(inProgress ? [inProgress] : []), usageBesideCeiling(usage)]);
    };
    const violations = [];
    if (estimate.unverifiable.length) {
      violations.push({ message: [unverifiableMessage(estimate, maxMonthlyCost), ...notesOnce()].join(" ") });
    }
    if (estimate.monthly > maxMonthlyCost) {
      const over = estimate.monthly - maxMonthlyCost;
      violations.push({
        message: [
          `estimated ${money(estimate.monthly)} a month exceeds the ceiling of ${money(maxMonthlyCost)} by ${money(over)}.`,
          `Largest contributors: ${largestContributors(estimate, 5)}.`,
          ...notesOnce(),
        ].join(" "),
      });
    }
    const share = maxMonthlyCost > 0 ? ` (${Math.round((estimate.monthly / maxMonthlyCost) * 100)} %)` : "";
    return {
      violations,
      budget,
      get summary() {
        return [`budget ceiling: ${money(estimate.monthly)} of ${money(maxMonthlyCost)} a month${share}.`, ...notesOnce()].join(" ");
      },
    };
  },
});

/**
 * monthly-budget-ceiling (stack, mandatory): the stack's estimated monthly cost must not exceed
 * `maxMonthlyCost` USD. Priced by the cost engine over every resource of the stack, at upper
 * bounds (autoscaling maximum), so a change that breaks the budget fails `pulumi preview` in CI.
 */
import { definePolicy, PolicyDefinition } from "./policyDefinition";
import { definePolicyConfig, usdPerMonth } from "./policyConfig";
import { money, roundMoney } from "../cost/money";
import { estimateCeilingCost, estimateNotes, largestContributors, unverifiableMessage } from "./ceilingEstimate";

export const monthlyBudgetCeilingConfig = definePolicyConfig({
  /** The stack's ceiling in USD a month; required so a missing config file cannot pass silently. */
  maxMonthlyCost: usdPerMonth().describe("The stack's monthly budget ceiling, USD"),
});

export const monthlyBudgetCeiling: PolicyDefinition<{ maxMonthlyCost: number }> = definePolicy({
  name: "monthly-budget-ceiling",
  description: "The stack's estimated monthly cost must not exceed its budget ceiling (maxMonthlyCost, USD).",
  enforcementLevel: "mandatory",
  config: monthlyBudgetCeilingConfig,
  checkStack: (resources, { maxMonthlyCost }) => {
    const estimate = estimateCeilingCost(resources);
    const budget = { estimate: roundMoney(estimate.monthly), ceiling: maxMonthlyCost };
    const notes = estimateNotes(estimate);
    const violations = [];
    if (estimate.unverifiable.length) {
      violations.push({ message: [unverifiableMessage(estimate, maxMonthlyCost), ...notes].join(" ") });
    }
    if (estimate.monthly > maxMonthlyCost) {
      const over = estimate.monthly - maxMonthlyCost;
      violations.push({
        message: [
          `estimated ${money(estimate.monthly)} a month exceeds the ceiling of ${money(maxMonthlyCost)} by ${money(over)}.`,
          `Largest contributors: ${largestContributors(estimate, 5)}.`,
          ...notes,
        ].join(" "),
      });
    }
    const share = maxMonthlyCost > 0 ? ` (${Math.round((estimate.monthly / maxMonthlyCost) * 100)} %)` : "";
    return {
      violations,
      budget,
      summary: [`budget ceiling: ${money(estimate.monthly)} of ${money(maxMonthlyCost)} a month${share}.`, ...notes].join(" "),
    };
  },
});

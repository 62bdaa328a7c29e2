/**
 * Policy config: the committed files are valid; a negative ceiling, an unknown key, a wrong type
 * or an unknown policy is refused with a message naming policy, key and value — by the JSON schema
 * the pack advertises (what the CLI checks), by the pack's own parse, and by the evaluator.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { budgetPolicies } from "../../policies/budgetPolicies";
import { evaluateStackPolicies } from "../../policies/evaluate";
import { PolicyConfigError, loadPolicyPackConfigFile, reconcilePolicyPackConfig } from "../../policies/policyConfig";
import { monthlyBudgetCeiling } from "../../policies/monthlyBudgetCeiling";
import { PolicyPackConfigRejected, reconcileLikeTheCli } from "./analyzerHarness";
import { recordedStack, runStackPolicy } from "./util";

const advertised = budgetPolicies.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel, configSchema: { required: [], ...p.config.jsonSchema } }));
const committed = (stack: string) => path.join(__dirname, "..", "..", "policies", "config", `${stack}.json`);

function configFile(document: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "config.json");
  fs.writeFileSync(file, JSON.stringify(document));
  return file;
}

describe("policy pack config", () => {
  it.each(["prod", "testnet"])("accepts the committed %s file, with its enforcement-level overrides", (stack) => {
    const entries = loadPolicyPackConfigFile(committed(stack));
    const reconciled = reconcilePolicyPackConfig(budgetPolicies, entries);
    expect(reconciled.get("allowed-machine-types")!.enforcementLevel).toBe(stack === "testnet" ? "mandatory" : "advisory");
    expect(reconcileLikeTheCli(advertised, entries).get("monthly-budget-ceiling")!.properties.maxMonthlyCost).toBeGreaterThan(0);
  });

  it("the CLI's schema check refuses a negative ceiling and a wrong type", () => {
    const entries = loadPolicyPackConfigFile(configFile({ "monthly-budget-ceiling": { maxMonthlyCost: -1 }, "nodepool-budget-ceiling": { maxMonthlyCost: { default: 10, seeds: "360" } } }));
    expect(() => reconcileLikeTheCli(advertised, entries)).toThrow(PolicyPackConfigRejected);
    expect(() => reconcileLikeTheCli(advertised, entries)).toThrow(
      "validating policy config: monthly-budget-ceiling: maxMonthlyCost must be >= 0; nodepool-budget-ceiling: maxMonthlyCost.seeds must be number",
    );
  });

  it("the CLI's schema check refuses a missing ceiling: no config file cannot mean no budget", () => {
    expect(() => reconcileLikeTheCli(advertised, {})).toThrow("monthly-budget-ceiling: (root) must have required property 'maxMonthlyCost'");
  });

  it("the pack refuses an unknown key with what is allowed", async () => {
    const { resources } = await recordedStack("prod");
    await expect(runStackPolicy(monthlyBudgetCeiling, resources, { maxMonthlyCost: 3600, maxMonthyCost: 1 })).rejects.toThrow(
      'policy config monthly-budget-ceiling: unknown key "maxMonthyCost" (allowed: maxMonthlyCost, usageFile, enforcementLevel)',
    );
  });

  it("the evaluator refuses negative, wrongly typed, unknown keys and unknown policies, one message each", async () => {
    const { resources } = await recordedStack("prod");
    const cases: [unknown, string][] = [
      [{ "monthly-budget-ceiling": { maxMonthlyCost: -5 } }, "policy config monthly-budget-ceiling.maxMonthlyCost -5 must be 0 or more (USD a month)"],
      [{ "monthly-budget-ceiling": { maxMonthlyCost: "3600" } }, 'policy config monthly-budget-ceiling.maxMonthlyCost "3600" must be a number (USD a month)'],
      [{ "monthly-budget-ceiling": { maxMonthlyCost: 3600, ceiling: 1 }, "nodepool-budget-ceiling": { maxMonthlyCost: { default: 1 } } }, 'policy config monthly-budget-ceiling: unknown key "ceiling" (allowed: maxMonthlyCost, usageFile, enforcementLevel)'],
      [{ "monthly-budget-ceilin": { maxMonthlyCost: 1 } }, 'policy config: unknown policy "monthly-budget-ceilin"'],
      [{ "monthly-budget-ceiling": "blocking" }, '"blocking" is not a valid enforcement level (advisory, mandatory, remediate, disabled)'],
    ];
    for (const [document, message] of cases) {
      expect(() => evaluateStackPolicies(resources, "prod", configFile(document))).toThrow(PolicyConfigError);
      expect(() => evaluateStackPolicies(resources, "prod", configFile(document))).toThrow(message);
    }
  });
});

describe("evaluateStackPolicies", () => {
  it("gives every policy's verdict on the committed prod stack, with the budget figures", async () => {
    const { resources } = await recordedStack("prod");
    const results = evaluateStackPolicies(resources, "prod");
    expect(results.map((r) => [r.policy, r.passed])).toEqual(budgetPolicies.map((p) => [p.name, true]));
    const ceiling = results.find((r) => r.policy === "monthly-budget-ceiling")!;
    // The steady state (geth-mainnet-data on pd-balanced); the migration's temporary cost is named, not counted.
    expect(ceiling.budget).toEqual({ estimate: 2189.12, ceiling: 2450 });
    expect(ceiling.message).toBe(
      "budget ceiling: $2,189.12 of $2,450.00 a month (89 %). Not counted: $1,616.56 a month that a disk migration in progress bills until it is over (geth-mainnet-data $1,249.16, geth-mainnet-data-to-pd-balanced $367.40)." +
        // The stated workloads' traffic and volume claims included: the components carry statedDemand in their state (outputs) too.
        " Usage-based, not counted against the ceiling: $909.06 a month from usage.prod.yml (network usage $552.06, stated volumes $357.00, 51 of 53 lines inferred).",
    );
  });

  it("honours a config's enforcement overrides: 'all' and a disabled policy", async () => {
    const { resources } = await recordedStack("testnet");
    const results = evaluateStackPolicies(resources, "testnet", configFile({ all: "advisory", "monthly-budget-ceiling": { maxMonthlyCost: 1 }, "nodepool-budget-ceiling": { enforcementLevel: "disabled", maxMonthlyCost: { default: 1 } } }));
    expect(results.find((r) => r.policy === "monthly-budget-ceiling")).toEqual(expect.objectContaining({ enforcementLevel: "advisory", passed: false }));
    expect(results.find((r) => r.policy === "nodepool-budget-ceiling")).toEqual(expect.objectContaining({ enforcementLevel: "disabled", passed: true }));
  });
});

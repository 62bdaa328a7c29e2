/**
 * The budget policies run in-process over a recorded resource graph: the same checks the pack runs
 * under the Pulumi CLI, fed the way the CLI feeds them (each resource's inputs to the resource
 * checks, each resource's state to the stack checks) with the stack's policy config applied the
 * way `--policy-pack-config` applies it. `infra-cost review` shows these results
 * ("budget ceiling: $X of $Y").
 */
import * as path from "path";
import { ResourceRecord } from "../graph/resourceRecord";
import type { StackName } from "../program/stacks";
import { PROJECT_ROOT } from "../program/projectRoot";
import { budgetPolicies } from "./budgetPolicies";
import { BudgetFigures, Violation } from "./policyDefinition";
import { EnforcementLevel, loadPolicyPackConfigFile, reconcilePolicyPackConfig } from "./policyConfig";
import { viewFromRecord } from "./resourceView";
import type { StackUsage } from "../usage/usageModel";

/** The policy config files are per stack: policies/config/<stack>.json. */
export type PolicyStack = StackName;

export interface PolicyResult {
  policy: string;
  /** The level after the config file's overrides ("remediate" reports as mandatory, as CrossGuard does). */
  enforcementLevel: EnforcementLevel;
  passed: boolean;
  /** The violations, one per line, or what was checked when there is none. */
  message: string;
  violations: Violation[];
  /** Ceiling policies: what was compared. */
  budget?: BudgetFigures;
}

/** The committed policy config of a stack (what `--policy-pack-config` gets in CI). */
export function defaultPolicyConfigFile(stack: PolicyStack): string {
  return path.join(PROJECT_ROOT, "policies", "config", `${stack}.json`);
}

function isProvider(record: ResourceRecord): boolean {
  return record.type.startsWith("pulumi:providers:");
}

/**
 * Every budget policy's verdict on a stack's graph. Throws PolicyConfigError when the config file
 * is invalid (as the CLI refuses to run with it).
 */
export function evaluateStackPolicies(resources: ResourceRecord[], stack: PolicyStack, configFile: string = defaultPolicyConfigFile(stack), usage?: StackUsage): PolicyResult[] {
  const reconciled = reconcilePolicyPackConfig(budgetPolicies, loadPolicyPackConfigFile(configFile));
  // The CLI analyzes each resource but its providers, and hands stack policies every resource.
  const inputViews = resources.filter((r) => !isProvider(r)).map((r) => viewFromRecord(r, "inputs"));
  const stateViews = resources.map((r) => viewFromRecord(r, "state"));

  return budgetPolicies.map((policy): PolicyResult => {
    const { enforcementLevel: configured, config } = reconciled.get(policy.name)!;
    const enforcementLevel: EnforcementLevel = configured === "remediate" ? "mandatory" : configured;
    if (enforcementLevel === "disabled") {
      return { policy: policy.name, enforcementLevel, passed: true, message: "disabled by the policy config", violations: [] };
    }
    const violations: Violation[] = [];
    const summaries: string[] = [];
    let budget: BudgetFigures | undefined;
    if (policy.checkResource) {
      for (const view of inputViews) {
        for (const violation of policy.checkResource(view, config)) violations.push({ urn: view.urn, ...violation });
      }
      if (policy.summarizeResources) summaries.push(policy.summarizeResources(inputViews, config));
    }
    if (policy.checkStack) {
      // The pack's own directory, where the CLI runs it, is what the config's relative paths are from.
      const outcome = policy.checkStack(stateViews, config, { packDirectory: path.join(PROJECT_ROOT, "policies"), ...(usage ? { usage } : {}) });
      violations.push(...outcome.violations);
      if (outcome.summary) summaries.push(outcome.summary);
      budget = outcome.budget;
    }
    const passed = violations.length === 0;
    return {
      policy: policy.name,
      enforcementLevel,
      passed,
      message: passed ? summaries.join("; ") || "no violations" : violations.map((v) => v.message).join("\n"),
      violations,
      ...(budget ? { budget } : {}),
    };
  });
}

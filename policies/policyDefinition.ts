/**
 * A budget policy written once as pure checks over PolicyResource views, and the adapter that
 * turns it into a CrossGuard policy. The pack (index.ts) and the in-process evaluator
 * (evaluate.ts) both run these checks, so a verdict never depends on which of them ran it.
 */
import type { Policy, ReportViolation, ResourceValidationArgs, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { EnforcementLevel, PolicyConfigSpec, parsePolicyConfig } from "./policyConfig";
import { PolicyResource, viewFromResourceArgs, viewFromStackResource } from "./resourceView";
import type { StackUsage } from "../usage/usageModel";
import { rememberDeclaredInputs } from "./declaredInputs";

export interface Violation {
  message: string;
  /** The resource the violation is about (stack policies; a resource policy's is its own). */
  urn?: string;
}

/** What a ceiling compared: shown as "budget ceiling: $estimate of $ceiling". */
export interface BudgetFigures {
  estimate: number;
  ceiling: number;
}

export interface CheckOutcome {
  violations: Violation[];
  /** One line saying what was checked when nothing is wrong (the report shows it; the pack never reads it, so it may be a getter). */
  summary?: string;
  budget?: BudgetFigures;
}

/** Where a stack check runs: what it may find beside the resources. */
export interface StackCheckContext {
  /** The policy pack's directory, from which the policy config's relative paths are read (the Pulumi CLI runs the pack there). */
  packDirectory: string;
  /** The stack's usage already priced by the caller (the review prices both sides at once), in place of the usage file the config names. */
  usage?: StackUsage;
}

export interface PolicyDefinition<C> {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  config: PolicyConfigSpec<C>;
  /** Runs on each resource, with its inputs, before it is created or updated (`Analyze`). */
  checkResource?: (resource: PolicyResource, config: C) => Violation[];
  /** Runs once on the whole stack, with each resource's final state (`AnalyzeStack`). */
  checkStack?: (resources: PolicyResource[], config: C, context: StackCheckContext) => CheckOutcome;
  /**
   * The stack check has nothing to judge unless the stack holds a resource of this type. The pack
   * tells @pulumi/policy so (as its validateStackResourcesOfType does), and @pulumi/policy then
   * skips the check on a stack without one, before decoding every resource's state for it: each
   * stack policy that runs costs a full decode of the request.
   */
  stackCheckAppliesTo?: string;
  /** A pass summary for a resource policy, from the resources it applied to. */
  summarizeResources?: (resources: PolicyResource[], config: C) => string;
}

/** Keeps each policy's config type while the list is typed as a whole. */
export function definePolicy<C>(definition: PolicyDefinition<C>): PolicyDefinition<C> {
  return definition;
}

/**
 * The CrossGuard policy for a definition. A definition with both checks becomes one policy with
 * both `validateResource` and `validateStack` (@pulumi/policy runs each where it applies), so a
 * rule that needs the whole graph keeps the policy name the users configure.
 */
export function toCrossGuardPolicy<C>(definition: PolicyDefinition<C>): Policy {
  const base = {
    name: definition.name,
    description: definition.description,
    enforcementLevel: definition.enforcementLevel,
    configSchema: definition.config.jsonSchema,
  };
  // @pulumi/policy hands each call a fresh shallow copy of the config `Configure` decoded (its values
  // the same objects until the next `Configure`): it is parsed again only when a value differs.
  let parsed: { properties: Record<string, unknown>; config: C } | undefined;
  const readConfig = (args: { getConfig<T extends object>(): T }) => {
    const properties = args.getConfig<Record<string, unknown>>();
    if (!parsed || !sameValues(parsed.properties, properties)) parsed = { properties, config: parsePolicyConfig(definition.name, definition.config, properties) };
    return parsed.config;
  };
  const validateResource = definition.checkResource
    ? (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        const config = readConfig(args);
        const view = viewFromResourceArgs(args);
        // What the program declares: a stack check reads it when the preview gives the resource no state.
        rememberDeclaredInputs(view.urn, view.props);
        for (const violation of definition.checkResource!(view, config)) reportViolation(violation.message);
      }
    : undefined;
  const validateStack = definition.checkStack
    ? (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const config = readConfig(args);
        const outcome = definition.checkStack!(args.resources.map(viewFromStackResource), config, { packDirectory: process.cwd() });
        for (const violation of outcome.violations) reportViolation(violation.message, violation.urn);
      }
    : undefined;
  // Where @pulumi/policy looks for the type a stack check applies to (policy.js getPulumiType).
  if (validateStack && definition.stackCheckAppliesTo) Object.assign(validateStack, { __pulumiType: definition.stackCheckAppliesTo });
  return { ...base, ...(validateResource ? { validateResource } : {}), ...(validateStack ? { validateStack } : {}) } as StackValidationPolicy;
}

/** The same keys holding the same values (a nested object is the same object). */
function sameValues(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.is(a[key], b[key]) || !(key in b)) return false;
  return true;
}

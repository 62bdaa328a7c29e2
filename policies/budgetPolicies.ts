/**
 * The policies of the budget pack, in the order they are reported. The pack (index.ts) and the
 * in-process evaluator (evaluate.ts) both take them from here.
 */
import { PolicyDefinition } from "./policyDefinition";
import { monthlyBudgetCeiling } from "./monthlyBudgetCeiling";
import { nodePoolBudgetCeiling } from "./nodePoolBudgetCeiling";
import { allowedMachineTypes } from "./allowedMachineTypes";
import { proxyInternalOnly } from "./proxyInternalOnly";
import { noPlaintextSecrets } from "./noPlaintextSecrets";
import { snapshotBeforeDecommission } from "./snapshotBeforeDecommission";
import { costAllocationLabels } from "./costAllocationLabels";

export const POLICY_PACK_NAME = "relay-budget";

export const budgetPolicies: PolicyDefinition<any>[] = [
  monthlyBudgetCeiling,
  nodePoolBudgetCeiling,
  allowedMachineTypes,
  proxyInternalOnly,
  noPlaintextSecrets,
  snapshotBeforeDecommission,
  costAllocationLabels,
];

/**
 * The budget policy pack: `pulumi preview --policy-pack policies --policy-pack-config
 * policies/config/<stack>.json` runs it. This file only assembles the pack; each policy lives in
 * its own module (budgetPolicies.ts lists them).
 */
import { PolicyPack } from "@pulumi/policy";
import { budgetPolicies, POLICY_PACK_NAME } from "./budgetPolicies";
import { toCrossGuardPolicy } from "./policyDefinition";

new PolicyPack(POLICY_PACK_NAME, {
  description: "Budget ceilings and the guard rails of the relay network's cost cuts.",
  enforcementLevel: "advisory",
  policies: budgetPolicies.map(toCrossGuardPolicy),
});

// The floor of `npm run bench:policy`: the budget pack's policies (names, kinds, config schemas,
// the type a stack policy applies to) with checks that do nothing. @pulumi/policy still decodes
// the request, and every resource's state once per stack policy that runs, exactly as it does for
// the budget pack; what the budget pack takes beyond this is its checks' own time.
const { PolicyPack } = require("@pulumi/policy");
// The compiled budget pack's list (`npm run bench:policy` builds first).
const { budgetPolicies } = require("../../dist/policies/budgetPolicies");

const checksNothing = () => {};

new PolicyPack("floor", {
  enforcementLevel: "advisory",
  policies: budgetPolicies.map((definition) => {
    const validateStack = definition.checkStack ? () => {} : undefined;
    // Where @pulumi/policy looks for the type a stack check applies to (as policies/policyDefinition.ts sets it).
    if (validateStack && definition.stackCheckAppliesTo) Object.assign(validateStack, { __pulumiType: definition.stackCheckAppliesTo });
    return {
      name: definition.name,
      description: definition.description,
      enforcementLevel: definition.enforcementLevel,
      configSchema: definition.config.jsonSchema,
      ...(definition.checkResource ? { validateResource: checksNothing } : {}),
      ...(validateStack ? { validateStack } : {}),
    };
  }),
});

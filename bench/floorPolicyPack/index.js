// The floor of `npm run bench:policy`: one stack policy that checks nothing. @pulumi/policy still
// decodes the request and every resource's state once for it, as it does for any stack policy.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("floor", {
  policies: [
    {
      name: "no-op-stack-check",
      description: "Reads the stack and reports nothing.",
      enforcementLevel: "advisory",
      validateStack: () => {},
    },
  ],
});

/**
 * The stacks of the project, in the order they are deployed (prod first: testnet reads prod's
 * outputs). The one list: config validation, the offline recorder, the cost review, the policy
 * config files, the report, the baselines and the command lines all take it from here.
 */
export const STACKS = ["prod", "testnet"] as const;

export type StackName = (typeof STACKS)[number];

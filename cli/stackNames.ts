/** The stacks of this project that `review` and `opportunities` know, in one place (loaded by the CLI's option parsing). */
export const REVIEW_STACKS = ["prod", "testnet"] as const;
export type ReviewStackName = (typeof REVIEW_STACKS)[number];

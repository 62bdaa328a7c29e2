/**
 * nodepool-budget-ceiling (resource, mandatory): a GKE node pool's monthly cost must not exceed
 * its ceiling. `maxMonthlyCost` maps a pool name (the GKE pool name, else the Pulumi resource
 * name) to USD a month; `default` applies to every pool not listed, so a new pool needs a
 * deliberate ceiling once it outgrows the default.
 *
 * The pool is priced on its own (all `Analyze` sees): zones come from its nodeLocations or its
 * location, not its cluster's; an autoscaled pool is priced at its maximum.
 */
import { z } from "zod";
import { definePolicy, PolicyDefinition, Violation } from "./policyDefinition";
import { definePolicyConfig, usdPerMonth } from "./policyConfig";
import { money } from "../cost/money";
import { NODE_POOL_TYPE } from "../graph/resourceTypes";
import { estimateCeilingCost, estimateNotes, unverifiableMessage } from "./ceilingEstimate";
import { PolicyResource } from "./resourceView";
import { isPreviewUnknown, valueAt } from "../graph/valueReader";

export const nodePoolBudgetCeilingConfig = definePolicyConfig({
  maxMonthlyCost: z
    .strictObject({ default: usdPerMonth().describe("Ceiling of a pool not listed by name, USD a month") })
    .catchall(usdPerMonth())
    .describe("Ceiling per node pool name, USD a month, with a default"),
});

type NodePoolCeilings = { maxMonthlyCost: { default: number } & Record<string, number> };

/** The name a pool is configured by: its GKE name when known, else its Pulumi name. */
export function nodePoolName(pool: PolicyResource): string {
  const gkeName = valueAt(pool.props, "name");
  return typeof gkeName === "string" && gkeName !== "" && !isPreviewUnknown(gkeName) ? gkeName : pool.name;
}

export function ceilingFor(pool: PolicyResource, config: NodePoolCeilings): { ceiling: number; key: string } {
  const byName = config.maxMonthlyCost;
  for (const key of [nodePoolName(pool), pool.name]) {
    if (key !== "default" && byName[key] !== undefined) return { ceiling: byName[key], key };
  }
  return { ceiling: byName.default, key: "default" };
}

function checkNodePool(pool: PolicyResource, config: NodePoolCeilings): Violation[] {
  if (pool.type !== NODE_POOL_TYPE) return [];
  const { ceiling, key } = ceilingFor(pool, config);
  const estimate = estimateCeilingCost([pool]);
  const notes = estimateNotes(estimate);
  if (estimate.unverifiable.length) return [{ message: [unverifiableMessage(estimate, ceiling), ...notes].join(" ") }];
  if (estimate.monthly <= ceiling) return [];
  const shape = estimate.contributors[0]?.summary ? ` (${estimate.contributors[0].summary})` : "";
  return [
    {
      message: [
        `node pool ${nodePoolName(pool)}${shape} is estimated at ${money(estimate.monthly)} a month, over its ceiling of ${money(ceiling)} (maxMonthlyCost.${key}) by ${money(estimate.monthly - ceiling)}.`,
        ...notes,
      ].join(" "),
    },
  ];
}

export const nodePoolBudgetCeiling: PolicyDefinition<NodePoolCeilings> = definePolicy({
  name: "nodepool-budget-ceiling",
  description: "A node pool's estimated monthly cost must not exceed its ceiling (maxMonthlyCost by pool name, with a default).",
  enforcementLevel: "mandatory",
  config: nodePoolBudgetCeilingConfig as unknown as PolicyDefinition<NodePoolCeilings>["config"],
  checkResource: checkNodePool,
  summarizeResources: (resources, config) => {
    const pools = resources.filter((r) => r.type === NODE_POOL_TYPE);
    if (!pools.length) return "no node pools";
    return pools
      .map((pool) => {
        const estimate = estimateCeilingCost([pool]);
        return `${nodePoolName(pool)} ${money(estimate.monthly)} of ${money(ceilingFor(pool, config).ceiling)}`;
      })
      .join("; ");
  },
});

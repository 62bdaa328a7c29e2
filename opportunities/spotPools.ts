/**
 * Spot VMs for the node pools of stacks other than prod, as options with their risk: testnet workloads tolerate a node being
 * reclaimed (30 s notice, GKE reschedules the pods), and spot machine hours cost a fraction of
 * on-demand ones even after the sustained-use discount.
 */
import { priceWhatIf } from "../cost/engine";
import { PriceCatalog } from "../catalog/catalog";
import { StackConfig } from "../config";
import type { PricedResource } from "../cost/model";
import { ResourceRecord } from "../graph/resourceRecord";
import { commandChange, configEdits, nodePoolConfigKey } from "./configKeys";
import { MINIMUM_MONTHLY_SAVING, StackFindings } from "./opportunity";
import { NODE_POOL_TYPE } from "../graph/resourceTypes";
import { withSpot } from "./repricing";
import { money } from "../cost/money";
import { poolShape } from "./rightsizing";

/** Stacks whose pools must not be reclaimed under load. */
export const PRODUCTION_STACKS = new Set(["prod", "production"]);

export function spotPools(stack: string, resources: ResourceRecord[], priced: Map<string, PricedResource>, config: StackConfig | undefined, catalog: PriceCatalog): StackFindings {
  const findings: StackFindings = { opportunities: [], considered: [], warnings: [] };
  if (PRODUCTION_STACKS.has(stack)) return findings;
  for (const record of resources.filter((r) => r.type === NODE_POOL_TYPE)) {
    const current = priced.get(record.urn);
    const shape = poolShape(current, catalog);
    if (!shape || !current || shape.spot) continue;
    const proposed = priceWhatIf(current, withSpot(true), catalog);
    if (proposed.status !== "priced") {
      findings.considered.push({ stack, kind: "spot", resource: record.name, note: `no spot price: ${proposed.unpricedReason}` });
      continue;
    }
    const saving = current.monthly - proposed.monthly;
    if (saving < MINIMUM_MONTHLY_SAVING) continue;
    const key = config ? nodePoolConfigKey(config, record.name) : undefined;
    const spotHour = catalog.machineTypes[shape.machineType].prices[shape.region].hourSpot ?? 0;
    findings.opportunities.push({
      id: `${stack}/spot/${record.name}`,
      stack,
      kind: "spot",
      urn: record.urn,
      resource: record.name,
      monthlySaving: saving,
      currentMonthly: current.monthly,
      proposedMonthly: proposed.monthly,
      rationale:
        `${shape.nodes} x ${shape.machineType} on-demand cost ${money(current.monthly)}/month; as spot VMs ($${spotHour.toFixed(4)}/hour each) ${money(proposed.monthly)}. ` +
        `A ${stack} pool can take a node being reclaimed with 30 s notice.`,
      configChange: key
        ? configEdits(stack, [{ key: `${key}.spot`, value: true }], "changing spot recreates the pool's nodes; keep a PodDisruptionBudget on anything that must stay up")
        : commandChange(stack, `set nodeConfig.spot true on node pool ${record.name}`, "no config key of this stack declares the pool"),
      // Reclaims are not independent of the workload: one can take two of testnet's five genesis
      // validators down together and halt the chain, so spot is weighed, never counted as applied.
      countsTowardTotal: false,
      risk: "a reclaim (30 s notice, at any time, several nodes at once) stops the pods on those nodes until GKE finds capacity; where validators run, one reclaim can take enough of them down to halt the chain",
    });
  }
  return findings;
}

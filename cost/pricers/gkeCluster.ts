/**
 * Prices a GkeClusterShape: the GKE management fee, plus each node group the cluster resource
 * itself creates (its default pool, or inline pools), named by the group's label.
 */
import { PriceCatalog } from "../../catalog/catalog";
import type { CostComponent, PricerOutcome } from "../model";
import type { GkeClusterShape } from "../shapes";
import { component } from "./gcpPriceArithmetic";
import { priceMachineGroup } from "./machineGroup";

export function priceGkeCluster(shape: GkeClusterShape, catalog: PriceCatalog): PricerOutcome {
  const components: CostComponent[] = [
    component("GKE cluster management fee", catalog.hoursPerMonth, "hours", catalog.gke.clusterFeeHour, "cluster management"),
  ];
  const assumptions = [
    `cluster fee charged in full: the free-tier credit of ${catalog.gke.freeTierMonthlyCredit.toFixed(2)} USD/month applies once per billing account, not per cluster`,
  ];
  if (shape.autopilot) assumptions.push("Autopilot: pods are billed by their resource requests, which are not priced here");

  const summaries: string[] = [];
  for (const { label, group, assumptions: groupAssumptions } of shape.nodeGroups) {
    const outcome = priceMachineGroup(group, catalog);
    assumptions.push(...[...groupAssumptions, ...outcome.assumptions].map((note) => `${label}: ${note}`));
    if (outcome.status !== "priced") return { status: "unpriced", unpricedReason: `${label}: ${outcome.unpricedReason}`, assumptions };
    components.push(...outcome.components.map((c) => ({ ...c, name: `${label}: ${c.name}` })));
    summaries.push(`${label}: ${outcome.summary}`);
  }
  return { status: "priced", components, assumptions, summary: ["GKE cluster", ...summaries].join(", ") };
}

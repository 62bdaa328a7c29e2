/**
 * gcp:container/cluster:Cluster — the GKE management fee per cluster, plus the node pools the
 * cluster resource itself creates: the default pool (unless removeDefaultNodePool) or the pools
 * declared inline in `nodePools`. Pools managed as separate NodePool resources are priced by their
 * own rule, so the cluster's `nodePools` output (which lists them too) is never read.
 */
import type { CostComponent } from "../model";
import { PricingRule } from "./pricingRule";
import { component } from "./gcpPriceArithmetic";
import { nodeCountOf, priceNodeGroup, zonesOf } from "./nodePool";

export const priceCluster: PricingRule = (record, context) => {
  const { catalog } = context;
  const attributes = context.attributes(record);
  const assumptions: string[] = [];
  const location = attributes.string("location");
  const resolved = context.graph.regionFrom(location, record);
  const region = resolved.region;
  if (resolved.assumption) assumptions.push(resolved.assumption);

  const components: CostComponent[] = [
    component("GKE cluster management fee", catalog.hoursPerMonth, "hours", catalog.gke.clusterFeeHour, "cluster management"),
  ];
  assumptions.push(
    `cluster fee charged in full: the free-tier credit of ${catalog.gke.freeTierMonthlyCredit.toFixed(2)} USD/month applies once per billing account, not per cluster`,
  );
  if (attributes.boolean("enableAutopilot") === true) {
    assumptions.push("Autopilot: pods are billed by their resource requests, which are not priced here");
  }

  const summaries: string[] = [];
  const facts: Record<string, unknown> = { region, defaultNodePool: false };
  const inlinePools = Array.isArray(record.inputs?.nodePools) ? (record.inputs.nodePools as unknown[]) : [];
  const removeDefault = attributes.boolean("removeDefaultNodePool") === true;

  const nodeGroups: { countPrefix: string; configPath: string; label: string; locationsPath: string }[] = [];
  if (inlinePools.length > 0) {
    inlinePools.forEach((_, index) => {
      const name = attributes.string(`nodePools.${index}.name`) ?? `pool ${index + 1}`;
      nodeGroups.push({ countPrefix: `nodePools.${index}`, configPath: `nodePools.${index}.nodeConfig`, label: name, locationsPath: `nodePools.${index}.nodeLocations` });
    });
  } else if (removeDefault) {
    assumptions.push("default node pool removed after creation (removeDefaultNodePool): not priced");
  } else if (attributes.boolean("enableAutopilot") !== true) {
    nodeGroups.push({ countPrefix: "", configPath: "nodeConfig", label: "default pool", locationsPath: "nodeLocations" });
  }

  for (const group of nodeGroups) {
    const groupAssumptions: string[] = [];
    // The default pool has the cluster's node locations; an inline pool may name its own.
    const ownLocations = group.countPrefix ? attributes.strings(group.locationsPath) : undefined;
    const zones = zonesOf(ownLocations, attributes, location, groupAssumptions);
    const count = nodeCountOf(attributes, group.countPrefix, zones, groupAssumptions);
    const outcome = priceNodeGroup(context, attributes, group.configPath, count, region, group.label, groupAssumptions);
    assumptions.push(...groupAssumptions.map((note) => `${group.label}: ${note}`));
    if (outcome.status !== "priced") {
      return { ...outcome, assumptions, unpricedReason: `${group.label}: ${outcome.unpricedReason}` };
    }
    components.push(...(outcome.components ?? []).map((c) => ({ ...c, name: `${group.label}: ${c.name}` })));
    if (outcome.summary) summaries.push(outcome.summary);
    if (group.countPrefix === "") Object.assign(facts, outcome.facts, { defaultNodePool: true });
  }

  return {
    status: "priced",
    components,
    assumptions,
    summary: ["GKE cluster", ...summaries].join(", "),
    facts,
  };
};

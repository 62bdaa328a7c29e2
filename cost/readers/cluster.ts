/**
 * gcp:container/cluster:Cluster — read into a GkeClusterShape: the cluster's region, Autopilot, and
 * the node groups the cluster resource itself creates: the default pool (unless
 * removeDefaultNodePool) or the pools declared inline in `nodePools`. Pools managed as separate
 * NodePool resources are read by their own reader, so the cluster's `nodePools` output (which lists
 * them too) is never read. Priced by cost/pricers/gkeCluster.ts.
 */
import type { GkeClusterShape } from "../shapes";
import { ResourceReader } from "./reader";
import { nodeCountOf, readNodeGroup, zonesOf } from "./nodePool";

export const readCluster: ResourceReader = (record, context) => {
  const attributes = context.attributes(record);
  const assumptions: string[] = [];
  const location = attributes.string("location");
  const resolved = context.graph.regionFrom(location, record);
  const region = resolved.region;
  if (resolved.assumption) assumptions.push(resolved.assumption);
  const autopilot = attributes.boolean("enableAutopilot") === true;

  const inlinePools = Array.isArray(record.inputs?.nodePools) ? (record.inputs.nodePools as unknown[]) : [];
  const removeDefault = attributes.boolean("removeDefaultNodePool") === true;

  const declaredGroups: { countPrefix: string; configPath: string; label: string; locationsPath: string }[] = [];
  if (inlinePools.length > 0) {
    inlinePools.forEach((_, index) => {
      const name = attributes.string(`nodePools.${index}.name`) ?? `pool ${index + 1}`;
      declaredGroups.push({ countPrefix: `nodePools.${index}`, configPath: `nodePools.${index}.nodeConfig`, label: name, locationsPath: `nodePools.${index}.nodeLocations` });
    });
  } else if (removeDefault) {
    assumptions.push("default node pool removed after creation (removeDefaultNodePool): not priced");
  } else if (!autopilot) {
    declaredGroups.push({ countPrefix: "", configPath: "nodeConfig", label: "default pool", locationsPath: "nodeLocations" });
  }

  const nodeGroups: GkeClusterShape["nodeGroups"] = [];
  for (const declared of declaredGroups) {
    const groupAssumptions: string[] = [];
    // The default pool has the cluster's node locations; an inline pool may name its own.
    const ownLocations = declared.countPrefix ? attributes.strings(declared.locationsPath) : undefined;
    const zones = zonesOf(ownLocations, attributes, location, groupAssumptions);
    const count = nodeCountOf(attributes, declared.countPrefix, zones, groupAssumptions);
    const group = readNodeGroup(attributes, declared.configPath, count, region, groupAssumptions);
    if (!("shape" in group)) {
      assumptions.push(...groupAssumptions.map((note) => `${declared.label}: ${note}`));
      return { status: "unpriced", unpricedReason: `${declared.label}: ${group.unpricedReason}`, assumptions };
    }
    nodeGroups.push({ label: declared.label, group: group.shape, assumptions: groupAssumptions });
  }
  return { status: "shape", shape: { kind: "gkeCluster", region, autopilot, nodeGroups }, assumptions };
};

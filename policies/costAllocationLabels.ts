/**
 * cost-allocation-labels (resource, advisory): node pools, disks and snapshots carry the labels
 * the billing export groups costs by (team, env, component), so the budget report can say which
 * team and component a dollar went to. A node pool's are its nodes' GCE labels
 * (nodeConfig.resourceLabels): Kubernetes node labels never reach the bill.
 */
import { z } from "zod";
import { definePolicy, PolicyDefinition, Violation } from "./policyDefinition";
import { RESOURCE_TYPES } from "../graph/resourceTypes";
import { definePolicyConfig } from "./policyConfig";
import { PolicyResource } from "./resourceView";
import { isPreviewUnknown, mapAt, valueAt } from "../graph/valueReader";

export const costAllocationLabelsConfig = definePolicyConfig({
  requiredLabels: z
    .array(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "is not a GCP label key"), { error: "must be a list of label keys" })
    .min(1, "must list at least one label key")
    .default(["team", "env", "component"])
    .describe("Label keys every billable resource must carry"),
});

/** Where each billable type keeps the labels that reach the bill. */
export const BILLING_LABEL_PATHS: Record<string, string> = {
  [RESOURCE_TYPES.nodePool]: "nodeConfig.resourceLabels",
  [RESOURCE_TYPES.disk]: "labels",
  [RESOURCE_TYPES.regionDisk]: "labels",
  [RESOURCE_TYPES.snapshot]: "labels",
};

function checkLabels(resource: PolicyResource, config: { requiredLabels: string[] }): Violation[] {
  const path = BILLING_LABEL_PATHS[resource.type];
  if (!path) return [];
  const labels = mapAt(resource.props, path);
  // Labels unknown during preview are checked before the update step, when they are known.
  if (isPreviewUnknown(valueAt(resource.props, path)) || Object.values(labels ?? {}).some(isPreviewUnknown)) return [];
  const missing = config.requiredLabels.filter((key) => typeof labels?.[key] !== "string" || labels[key] === "");
  if (!missing.length) return [];
  return [{ message: `${resource.name} lacks the cost-allocation label${missing.length > 1 ? "s" : ""} ${missing.join(", ")} in ${path}: its cost cannot be attributed in the billing export.` }];
}

export const costAllocationLabels: PolicyDefinition<{ requiredLabels: string[] }> = definePolicy({
  name: "cost-allocation-labels",
  description: "Node pools, disks and snapshots must carry the cost-allocation labels (team, env, component) the billing export groups by.",
  enforcementLevel: "advisory",
  config: costAllocationLabelsConfig,
  checkResource: checkLabels,
  summarizeResources: (resources, config) => {
    const billable = resources.filter((r) => BILLING_LABEL_PATHS[r.type]).length;
    return `${billable} billable resources carry ${config.requiredLabels.join(", ")}`;
  },
});

/**
 * allowed-machine-types (resource): node pools, a cluster's default pool and VM instances may only
 * use the machine families (e2, n1 ...) or exact machine types a stack allows: testnet keeps to
 * cheap families, prod to general-purpose ones; anything else needs a deliberate exception
 * (allowedMachineTypes). Advisory by default; each stack's config file sets its level.
 *
 * A machine type unknown during preview is not guessed: it is checked before the update step
 * (`Analyze` runs again with known inputs then), and mandatory there blocks it.
 */
import { z } from "zod";
import { loadCatalog } from "../catalog/catalog";
import { RESOURCE_TYPES } from "../graph/resourceTypes";
import { definePolicy, PolicyDefinition, Violation } from "./policyDefinition";
import { definePolicyConfig } from "./policyConfig";
import { PolicyResource } from "./resourceView";
import { isPreviewUnknown, valueAt } from "../graph/valueReader";

const MACHINE_NAME = /^[a-z0-9][a-z0-9-]*$/;

export const allowedMachineTypesConfig = definePolicyConfig({
  allowedFamilies: z
    .array(z.string().regex(MACHINE_NAME, "is not a machine family (e.g. e2, n1)"), { error: "must be a list of machine families" })
    .default(["e2", "n1", "n2", "n2d"])
    .describe("Machine families allowed, e.g. [\"e2\", \"n1\"]"),
  allowedMachineTypes: z
    .array(z.string().regex(MACHINE_NAME, "is not a machine type (e.g. n2-highmem-4)"), { error: "must be a list of machine types" })
    .default([])
    .describe("Exact machine types allowed besides the families"),
});

type AllowedMachines = { allowedFamilies: string[]; allowedMachineTypes: string[] };

/** Where each resource type names its machine type. */
const MACHINE_TYPE_PATHS: Record<string, string> = {
  [RESOURCE_TYPES.nodePool]: "nodeConfig.machineType",
  [RESOURCE_TYPES.cluster]: "nodeConfig.machineType",
  [RESOURCE_TYPES.instance]: "machineType",
  [RESOURCE_TYPES.instanceTemplate]: "machineType",
};

/** The family of a machine type: the catalog's, else its prefix ("custom-4-16384" is an N1 custom type). */
export function machineFamily(machineType: string): string {
  const known = loadCatalog().machineTypes[machineType]?.family;
  if (known) return known;
  if (machineType.startsWith("custom-")) return "n1";
  return machineType.split("-")[0];
}

function checkMachineType(resource: PolicyResource, config: AllowedMachines): Violation[] {
  const path = MACHINE_TYPE_PATHS[resource.type];
  if (!path) return [];
  // A cluster whose default pool is removed runs no nodes of its own nodeConfig.
  if (resource.type === RESOURCE_TYPES.cluster && valueAt(resource.props, "removeDefaultNodePool") === true) return [];
  const machineType = valueAt(resource.props, path);
  if (typeof machineType !== "string" || machineType === "" || isPreviewUnknown(machineType)) return [];
  const family = machineFamily(machineType);
  if (config.allowedFamilies.includes(family) || config.allowedMachineTypes.includes(machineType)) return [];
  const exceptions = config.allowedMachineTypes.length ? ` or the machine types ${config.allowedMachineTypes.join(", ")}` : "";
  return [
    {
      message: `${resource.name} uses ${machineType} (family ${family}); this stack allows the families ${config.allowedFamilies.join(", ") || "(none)"}${exceptions}. Add it to allowedMachineTypes if it is a deliberate exception.`,
    },
  ];
}

export const allowedMachineTypes: PolicyDefinition<AllowedMachines> = definePolicy({
  name: "allowed-machine-types",
  description: "Node pools and VMs may only use the machine families or types the stack allows.",
  enforcementLevel: "advisory",
  config: allowedMachineTypesConfig,
  checkResource: checkMachineType,
  summarizeResources: (resources, config) => {
    const used = new Set<string>();
    for (const resource of resources) {
      const path = MACHINE_TYPE_PATHS[resource.type];
      const machineType = path ? valueAt(resource.props, path) : undefined;
      if (typeof machineType === "string" && !isPreviewUnknown(machineType) && machineType) used.add(machineType);
    }
    return `machine types in use: ${[...used].sort().join(", ") || "none"} (allowed families: ${config.allowedFamilies.join(", ")})`;
  },
});

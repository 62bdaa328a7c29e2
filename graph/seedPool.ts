/**
 * The seed pool as the recorded graph carries it: the SeedNodePool component's inputs
 * (components/seedNodePool.ts) and the seeds' stated requests in the graph's stated demand (graph/statedPodGroup.ts). A
 * leaf of the graph's readers: the budget report reads it without loading the component, the
 * Pulumi SDK or the stack config.
 */
import { COMPONENT_TYPES } from "./componentTypes";
import type { ResourceRecord } from "./resourceRecord";
import { valueAt } from "./valueReader";
import { statedDemandOf } from "./statedPodGroup";

/** The inputs the SeedNodePool component registers. */
export interface SeedPoolInputs {
  poolName: string;
  seedReplicas: number;
  minAvailableSeeds: number;
  seedNamespace: string;
  /** The labels of the seed pods (what the PodDisruptionBudget and the stated demand match). */
  podSelector: Record<string, string>;
}

export interface SeedPoolFromGraph extends SeedPoolInputs {
  /** One seed pod's requests, as the graph's stated demand gives them. */
  requests: { cpu: number; memoryGiB: number };
}

/** The seed pool of a recorded stack, or why the graph does not say. */
export function seedPoolOf(resources: ResourceRecord[]): SeedPoolFromGraph | { missing: string } {
  const component = resources.find((record) => record.type === COMPONENT_TYPES.seedNodePool);
  if (!component) return { missing: `no ${COMPONENT_TYPES.seedNodePool} component in the graph` };
  const inputs = valueAt(component.inputs, "") as Partial<SeedPoolInputs>;
  if (typeof inputs.poolName !== "string" || typeof inputs.seedReplicas !== "number" || typeof inputs.minAvailableSeeds !== "number" || !inputs.podSelector) {
    return { missing: `the ${COMPONENT_TYPES.seedNodePool} component carries no poolName/seedReplicas/minAvailableSeeds/podSelector inputs` };
  }
  const selector = inputs.podSelector;
  const pools = statedDemandOf(resources);
  const seeds = (pools[inputs.poolName] ?? []).find((group) => Object.entries(selector).every(([key, value]) => group.podLabels?.[key] === value));
  if (!seeds) return { missing: `no stated pod group on pool ${inputs.poolName} matches the seed pods' labels` };
  const { poolName, seedReplicas, minAvailableSeeds, seedNamespace, podSelector } = inputs as SeedPoolInputs;
  return { poolName, seedReplicas, minAvailableSeeds, seedNamespace, podSelector, requests: { ...seeds.requests } };
}

/**
 * The demand of workloads the program declares (Deployment, StatefulSet, ReplicaSet, Pod), read
 * from the graph: each one's pod spec, pod labels, replica count and per-pod requests, or why they
 * cannot be known before apply.
 */
import { ResourceRecord } from "../graph/resourceRecord";
import { RESOURCE_TYPES } from "../graph/resourceTypes";
import { podRequests } from "./podRequests";
import { valueAt, stringMapAt } from "../graph/valueReader";

/** Where each workload kind keeps its pod spec, pod labels and replica count. */
const WORKLOAD_TYPES: Record<string, { podSpec: string; podLabels: string; replicas?: string }> = {
  [RESOURCE_TYPES.k8sDeployment]: { podSpec: "spec.template.spec", podLabels: "spec.template.metadata.labels", replicas: "spec.replicas" },
  [RESOURCE_TYPES.k8sStatefulSet]: { podSpec: "spec.template.spec", podLabels: "spec.template.metadata.labels", replicas: "spec.replicas" },
  [RESOURCE_TYPES.k8sReplicaSet]: { podSpec: "spec.template.spec", podLabels: "spec.template.metadata.labels", replicas: "spec.replicas" },
  [RESOURCE_TYPES.k8sPod]: { podSpec: "spec", podLabels: "metadata.labels" },
};

export interface DeclaredWorkload {
  /** "StatefulSet blockchain/geth-goerli". */
  name: string;
  namespace: string | undefined;
  podSpec: unknown;
  podLabels: Record<string, string>;
  replicas: number;
  /** Requests of one pod. */
  requests: { cpu: number; memoryGiB: number };
}

/** The declared workloads in graph order; one whose demand is unknown comes with the reason instead. */
export function declaredWorkloads(resources: ResourceRecord[]): ({ workload: DeclaredWorkload } | { unknown: { name: string; reason: string } })[] {
  const found: ({ workload: DeclaredWorkload } | { unknown: { name: string; reason: string } })[] = [];
  for (const record of resources) {
    const shape = WORKLOAD_TYPES[record.type];
    if (!shape) continue;
    const kind = record.type.split(":").pop();
    const namespace = valueAt(record.inputs, "metadata.namespace") as string | undefined;
    const name = `${kind} ${namespace ?? "default"}/${(valueAt(record.inputs, "metadata.name") as string | undefined) ?? record.name}`;
    const podSpec = valueAt(record.inputs, shape.podSpec);
    const requests = podRequests(podSpec);
    if (typeof requests === "string") {
      found.push({ unknown: { name, reason: requests } });
      continue;
    }
    const replicasValue = shape.replicas ? valueAt(record.inputs, shape.replicas) : 1;
    const replicas = typeof replicasValue === "number" ? replicasValue : replicasValue === undefined ? 1 : Number(replicasValue);
    if (!Number.isFinite(replicas)) {
      found.push({ unknown: { name, reason: "replicas unknown until apply" } });
      continue;
    }
    found.push({ workload: { name, namespace, podSpec, podLabels: stringMapAt(record.inputs, shape.podLabels), replicas, requests } });
  }
  return found;
}

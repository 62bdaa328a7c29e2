/** The node pools of the graph as the scheduler sees their nodes: name, labels and taints. */
import { ResourceRecord } from "../graph/resourceRecord";
import { valueAt, stringMapAt } from "../graph/valueReader";

/** GKE labels every node with its pool's name. */
export const GKE_NODEPOOL_LABEL = "cloud.google.com/gke-nodepool";
/** GKE API taint effects and their Kubernetes spelling. */
const TAINT_EFFECTS: Record<string, string> = { NO_SCHEDULE: "NoSchedule", PREFER_NO_SCHEDULE: "PreferNoSchedule", NO_EXECUTE: "NoExecute" };

export interface PoolNodes {
  urn: string;
  name: string;
  labels: Record<string, string>;
  /** Taints in Kubernetes spelling (effect NoSchedule ...). */
  taints: { key: string; value: string; effect: string }[];
}

export function poolNodes(record: ResourceRecord): PoolNodes {
  const name = (valueAt(record.inputs, "name") as string | undefined) ?? record.name;
  const labels = { ...stringMapAt(record.inputs, "nodeConfig.labels"), [GKE_NODEPOOL_LABEL]: name };
  const rawTaints = valueAt(record.inputs, "nodeConfig.taints");
  const taints = (Array.isArray(rawTaints) ? rawTaints : []).map((t) => ({
    key: String(t.key),
    value: String(t.value ?? ""),
    effect: TAINT_EFFECTS[String(t.effect)] ?? String(t.effect),
  }));
  return { urn: record.urn, name, labels, taints };
}

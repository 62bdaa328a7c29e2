/** Small resource graphs for the opportunity tests, shaped as the program run records them. */
import { ResourceRecord } from "../../graph/resourceRecord";

export function record(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ResourceRecord> = {}): ResourceRecord {
  return { urn: `urn:pulumi:test::opps::${type}::${name}`, type, name, custom: true, inputs, ...extra };
}

export function nodePool(name: string, nodeConfig: Record<string, unknown>, nodeCount: number, extra: Record<string, unknown> = {}): ResourceRecord {
  return record("gcp:container/nodePool:NodePool", name, {
    name,
    location: "us-east1-b",
    nodeCount,
    nodeConfig: { diskType: "pd-balanced", diskSizeGb: 100, labels: { "pokt.network/pool": name }, ...nodeConfig },
    ...extra,
  });
}

export function statefulSet(name: string, podSpec: Record<string, unknown>, replicas = 1, labels: Record<string, string> = { app: name }): ResourceRecord {
  return record("kubernetes:apps/v1:StatefulSet", name, {
    metadata: { name, namespace: "chains" },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  });
}

export function container(cpu: string, memory: string): Record<string, unknown> {
  return { name: "main", image: "example", resources: { requests: { cpu, memory } } };
}

/**
 * What the bill can be matched against, read from a stack's resource graph (the program recorded
 * offline, or a baseline stack export): the project and cluster its rows carry, and each billable
 * resource with the GCP name and labels its rows carry, priced by the same engine `review` uses.
 * No second list of what a stack contains: everything here is a record of the graph.
 */
import type { PriceCatalog } from "../catalog/catalog";
import { priceResources } from "../cost/engine";
import type { PricedResource } from "../cost/model";
import { ResourceAttributes } from "../cost/resourceAttributes";
import { InputError } from "../cost/sources/inputError";
import type { ResourceRecord } from "../graph/resourceRecord";
import { ADDRESS_TYPES, DISK_TYPES, FORWARDING_RULE_TYPES, RESOURCE_TYPES } from "../graph/resourceTypes";

/** How a resource shows up in the bill, which decides how its rows are found. */
export type BillableKind = "nodePool" | "disk" | "snapshot" | "address" | "forwardingRule" | "cluster";

export interface DeclaredResource {
  urn: string;
  /** The Pulumi type token. */
  type: string;
  kind: BillableKind;
  /** The GCP name (`resource.name` in the detailed export): the pool's, the disk's. */
  name: string;
  /** GCE labels the program puts on it (node pools: on their VMs). */
  labels: Record<string, string>;
  /** The engine's monthly USD (730 hours); 0 when the engine leaves it unpriced (`unpricedReason`). */
  predictedMonthly: number;
  unpricedReason?: string;
  summary?: string;
}

export interface DeclaredStack {
  stack: string;
  /** The GCP project id the stack's rows carry (`project.id`). */
  projectId: string;
  /** The GKE cluster's name (`goog-k8s-cluster-name`). */
  clusterName: string;
  resources: DeclaredResource[];
  /** Priced resources the bill cannot name (e.g. Kubernetes objects without a GCP resource of their own). */
  unmatchable: { name: string; type: string; predictedMonthly: number }[];
}

/** The stack's billable resources as the bill names them, priced by the engine. */
export function declaredStack(stack: string, records: ResourceRecord[], catalog: PriceCatalog, graphFile: string): DeclaredStack {
  const priced = priceResources(records, catalog);
  const cluster = records.find((record) => record.type === RESOURCE_TYPES.cluster);
  const clusterAttributes = cluster && new ResourceAttributes(cluster);
  const projectId = clusterAttributes?.lookup("project");
  const clusterName = clusterAttributes?.lookup("name");
  if (!cluster || projectId?.state !== "known" || clusterName?.state !== "known") {
    throw new InputError(graphFile, RESOURCE_TYPES.cluster, `the stack ${stack} declares no GKE cluster with a known project and name, so its bill cannot be found`);
  }
  const resources: DeclaredResource[] = [];
  const unmatchable: DeclaredStack["unmatchable"] = [];
  records.forEach((record, index) => {
    const price = priced[index];
    if (price.status === "free") return;
    const kind = billableKind(record, price);
    if (!kind) {
      unmatchable.push({ name: record.name, type: record.type, predictedMonthly: price.monthly });
      return;
    }
    const attributes = new ResourceAttributes(record);
    const gcpName = stringAt(attributes, "name") ?? stringAt(attributes, "metadata.name") ?? record.name;
    const labels = kind === "nodePool" ? stringMap(attributes, "nodeConfig.resourceLabels") : kind === "cluster" ? stringMap(attributes, "resourceLabels") : stringMap(attributes, "labels");
    resources.push({
      urn: record.urn,
      type: record.type,
      kind,
      name: gcpName,
      labels,
      predictedMonthly: price.monthly,
      ...(price.status === "unpriced" ? { unpricedReason: price.unpricedReason } : {}),
      ...(price.summary ? { summary: price.summary } : {}),
    });
  });
  return { stack, projectId: String(projectId.value), clusterName: String(clusterName.value), resources, unmatchable };
}

function billableKind(record: ResourceRecord, price: PricedResource): BillableKind | undefined {
  if (record.type === RESOURCE_TYPES.nodePool) return "nodePool";
  if (record.type === RESOURCE_TYPES.cluster) return "cluster";
  if (DISK_TYPES.has(record.type)) return "disk";
  if (record.type === RESOURCE_TYPES.snapshot) return "snapshot";
  if (ADDRESS_TYPES.has(record.type)) return "address";
  // A LoadBalancer Service is billed as the forwarding rule GKE creates for it.
  if (FORWARDING_RULE_TYPES.has(record.type) || price.shape?.kind === "forwardingRule") return "forwardingRule";
  return undefined;
}

function stringAt(attributes: ResourceAttributes, path: string): string | undefined {
  const read = attributes.lookup(path);
  return read.state === "known" && typeof read.value === "string" && read.value !== "" ? read.value : undefined;
}

function stringMap(attributes: ResourceAttributes, path: string): Record<string, string> {
  const read = attributes.lookup(path);
  if (read.state !== "known" || typeof read.value !== "object" || read.value === null) return {};
  return Object.fromEntries(Object.entries(read.value as Record<string, unknown>).filter(([, value]) => typeof value === "string")) as Record<string, string>;
}

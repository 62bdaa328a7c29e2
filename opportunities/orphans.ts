/**
 * Resources that cost money and that nothing uses: persistent disks no PersistentVolume (or
 * instance, or other resource) refers to, and static addresses no forwarding rule or LoadBalancer
 * Service uses. A disk the graph says serves a workload this program does not declare
 * (prod's blockchain nodes) is in use, just not visibly in the graph, and is left alone.
 */
import { PriceCatalog } from "../catalog/catalog";
import { StackConfig } from "../config";
import type { PricedResource } from "../cost/model";
import { ResourceRecord } from "../graph/resourceRecord";
import { valueAt } from "../graph/valueReader";
import { blockchainNodeDisksOf } from "../graph/blockchainNodeDisks";
import { ADDRESS_TYPES, DISK_TYPES, FORWARDING_RULE_TYPES, RESOURCE_TYPES } from "../graph/resourceTypes";
import { commandChange, configEdits, diskConfigKey } from "./configKeys";
import { MINIMUM_MONTHLY_SAVING, Opportunity, StackFindings } from "./opportunity";
import { money } from "../cost/money";

const PV_TYPE = RESOURCE_TYPES.k8sPersistentVolume;
const SERVICE_TYPE = RESOURCE_TYPES.k8sService;
const INGRESS_TYPES = new Set(["kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:extensions/v1beta1:Ingress"]);

/** The names a resource is referred to by: its name, its self link and URL forms end in it. */
function refersTo(value: unknown, name: string): boolean {
  return typeof value === "string" && (value === name || value.endsWith(`/${name}`));
}

/** URNs some resource of the graph depends on (a PV built from a disk's output, a Service from an address's). */
function dependedOn(resources: ResourceRecord[]): Set<string> {
  const urns = new Set<string>();
  for (const record of resources) {
    for (const dependency of record.dependencies ?? []) urns.add(dependency);
    const byProperty = (record as { propertyDependencies?: Record<string, string[]> }).propertyDependencies ?? {};
    for (const list of Object.values(byProperty)) for (const dependency of list ?? []) urns.add(dependency);
  }
  return urns;
}

/** Disks the graph says serve workloads outside the program (the BlockchainNodeDisks component's inputs), with what they serve. */
function disksUsedOutsideProgram(resources: ResourceRecord[]): Map<string, string> {
  const used = new Map<string, string>();
  for (const disk of blockchainNodeDisksOf(resources)) {
    used.set(disk.diskName, `the data disk of blockchain node ${disk.blockchainNode} (relay chains ${disk.relayChainIds.join(", ")}), whose workload runs outside this program`);
  }
  return used;
}

function diskUsers(disk: ResourceRecord, name: string, resources: ResourceRecord[]): string[] {
  const users: string[] = [];
  for (const record of resources) {
    if (record === disk) continue;
    if (record.type === PV_TYPE && (refersTo(valueAt(record.inputs, "spec.csi.volumeHandle"), name) || refersTo(valueAt(record.inputs, "spec.gcePersistentDisk.pdName"), name))) users.push(`PersistentVolume ${record.name}`);
    if (record.type === RESOURCE_TYPES.instance) {
      const attached = [valueAt(record.inputs, "bootDisk.source"), ...((valueAt(record.inputs, "attachedDisks") as { source?: unknown }[] | undefined) ?? []).map((d) => valueAt(d, "source"))];
      if (attached.some((source) => refersTo(source, name))) users.push(`instance ${record.name}`);
    }
  }
  return users;
}

function addressUsers(address: ResourceRecord, resources: ResourceRecord[]): string[] {
  const name = String(valueAt(address.inputs, "name") ?? address.name);
  const ip = valueAt(address.inputs, "address") ?? valueAt(address.outputs, "address");
  const matches = (value: unknown) => refersTo(value, name) || (typeof ip === "string" && value === ip);
  const users: string[] = [];
  for (const record of resources) {
    if (FORWARDING_RULE_TYPES.has(record.type) && matches(valueAt(record.inputs, "ipAddress"))) users.push(`forwarding rule ${record.name}`);
    const annotations = (valueAt(record.inputs, "metadata.annotations") as Record<string, unknown> | undefined) ?? {};
    if (record.type === SERVICE_TYPE && valueAt(record.inputs, "spec.type") === "LoadBalancer") {
      const named = String(annotations["networking.gke.io/load-balancer-ip-addresses"] ?? "");
      if (matches(valueAt(record.inputs, "spec.loadBalancerIP")) || named.split(",").some((n) => matches(n.trim()))) users.push(`LoadBalancer Service ${record.name}`);
    }
    if (INGRESS_TYPES.has(record.type) && matches(annotations["kubernetes.io/ingress.global-static-ip-name"])) users.push(`Ingress ${record.name}`);
  }
  const recordedUsers = address.outputs?.users;
  if (Array.isArray(recordedUsers) && recordedUsers.length > 0) users.push(...recordedUsers.map(String));
  return users;
}

function location(record: ResourceRecord, priced: PricedResource): string {
  const zone = valueAt(record.inputs, "zone");
  if (typeof zone === "string") return `--zone ${zone}`;
  return record.type.includes("global") ? "--global" : `--region ${String((priced.shape && "region" in priced.shape ? priced.shape.region : undefined) ?? valueAt(record.inputs, "region") ?? "")}`;
}

export function orphans(stack: string, resources: ResourceRecord[], priced: Map<string, PricedResource>, config: StackConfig | undefined, _catalog: PriceCatalog): StackFindings {
  const findings: StackFindings = { opportunities: [], considered: [], warnings: [] };
  const depended = dependedOn(resources);
  const usedOutside = disksUsedOutsideProgram(resources);
  for (const record of resources) {
    const isDisk = DISK_TYPES.has(record.type);
    if (!isDisk && !ADDRESS_TYPES.has(record.type)) continue;
    const current = priced.get(record.urn);
    if (!current) continue;
    const name = String(valueAt(record.inputs, "name") ?? record.name);
    const kind = isDisk ? "orphan-disk" : "orphan-address";
    const users = isDisk ? diskUsers(record, name, resources) : addressUsers(record, resources);
    if (users.length > 0 || depended.has(record.urn)) continue;
    if (isDisk && usedOutside.has(name)) {
      findings.considered.push({ stack, kind, resource: name, note: `no claim in the graph, but it is ${usedOutside.get(name)}` });
      continue;
    }
    if (current.status !== "priced" || current.monthly < MINIMUM_MONTHLY_SAVING) {
      findings.considered.push({ stack, kind, resource: name, note: `nothing uses it, but it costs nothing (${current.summary ?? current.status})` });
      continue;
    }
    const project = typeof valueAt(record.inputs, "project") === "string" ? ` --project ${valueAt(record.inputs, "project")}` : "";
    const diskKey = isDisk && config ? diskConfigKey(config, name) : undefined;
    // The config entry that declares the disk (a blockchain node, a testnet chain) is what goes.
    const ownerKey = diskKey?.replace(/\.disk$/, "");
    const configChange: Opportunity["configChange"] = ownerKey
      ? configEdits(stack, [{ key: ownerKey, value: null }], `snapshot it first if the data is worth keeping: gcloud compute snapshots create ${name}-final --source-disk ${name} ${location(record, current)}${project}`)
      : commandChange(
          stack,
          `gcloud compute ${isDisk ? "disks" : "addresses"} delete ${name} ${location(record, current)}${project}`,
          isDisk ? "no config key declares it; snapshot it first if the data is worth keeping" : "no config key declares it; remove it from the program (or the project) once confirmed unused",
        );
    findings.opportunities.push({
      id: `${stack}/${kind}/${name}`,
      stack,
      kind,
      urn: record.urn,
      resource: name,
      monthlySaving: current.monthly,
      currentMonthly: current.monthly,
      proposedMonthly: 0,
      rationale: `${current.summary ?? record.type} costs ${money(current.monthly)}/month and nothing in the stack uses it (${isDisk ? "no PersistentVolume, claim or instance refers to it" : "no forwarding rule, LoadBalancer Service or Ingress uses it"}).`,
      configChange,
      countsTowardTotal: true,
    });
  }
  return findings;
}

/**
 * Writes tests/fixtures/billing-export/: one invoice month (June 2021) of the two stacks' projects
 * as the Cloud Billing detailed export holds it, in the forms users have it (`bq extract` NDJSON,
 * gzipped, Parquet, split into shards; the standard export without the resource columns; FOCUS 1.0
 * CSV and Parquet). The rows are written here once, as data, and every form is derived from them:
 * NDJSON by JSON.stringify, Parquet by DuckDB's COPY over that NDJSON (nested records kept).
 *   npx ts-node --transpile-only scripts/generateBillingFixtures.ts
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { loadCatalog, type PriceCatalog } from "../catalog/catalog";
import { declaredStack } from "../billing/declaredResources";
import { priceResources } from "../cost/engine";
import { readStackExport } from "../cost/sources/stackExport";
import type { ResourceRecord } from "../graph/resourceRecord";
import { recordAllStacks } from "../offline/recordStack";
import { poolShape } from "../opportunities/rightsizing";

const OUT = path.join(__dirname, "..", "tests", "fixtures", "billing-export");
export const ACCOUNT = "01A2B3-C4D5E6-F7A8B9";
const MONTH = "202106";
const COMPUTE = { id: "6F81-5844-456A", description: "Compute Engine" };
const GKE = { id: "CCD8-9BF1-090E", description: "Kubernetes Engine" };
const LOGGING = { id: "5490-F7B7-8DF6", description: "Cloud Logging" };
export const PROJECTS: Record<string, { number: string; name: string }> = {
  "pokt-network-prod": { number: "104932184411", name: "pokt-network-prod" },
  "pokt-network-testnet": { number: "204932184412", name: "pokt-network-testnet" },
  "pokt-network-dev": { number: "304932184413", name: "pokt-network-dev" },
};

export interface RowSpec {
  project: string;
  service: { id: string; description: string };
  sku: { id: string; description: string };
  cost: number;
  costAtList?: number;
  credits?: { name: string; amount: number; full_name: string | null; id: string; type: string }[];
  labels?: Record<string, string>;
  resource?: { name: string | null; global_name: string | null };
  zone?: string | null;
  usage: { amount: number; unit: string; amount_in_pricing_units: number; pricing_unit: string };
  costType?: "regular" | "tax" | "adjustment" | "rounding_error";
  currency?: { code: string; rate: number };
  exportTime?: string;
  startDay?: number;
  /** An earlier export of a row exported again later: in the export, not in FOCUS (a view of the latest data). */
  superseded?: true;
  /** YYYYMM; default June 2021. */
  month?: string;
}

const pool = (cluster: string, name: string, env: string, component: string) => ({
  "goog-k8s-cluster-name": cluster,
  "goog-k8s-node-pool-name": name,
  "goog-k8s-cluster-location": cluster === "prod" ? "us-east1-b" : "us-east1-c",
  team: "infra",
  env,
  component,
});
const instance = (project: string, zone: string, name: string) => ({ name, global_name: `//compute.googleapis.com/projects/${PROJECTS[project].number}/zones/${zone}/instances/${name}` });
const disk = (project: string, zone: string, name: string) => ({ name, global_name: `//compute.googleapis.com/projects/${PROJECTS[project].number}/zones/${zone}/disks/${name}` });
const sud = (amount: number) => [{ name: "Sustained Usage Discount", amount, full_name: null, id: "", type: "SUSTAINED_USAGE_DISCOUNT" }];
const hours = (value: number) => ({ amount: value * 3600, unit: "seconds", amount_in_pricing_units: value, pricing_unit: "hour" });
const gibibyteMonths = (gib: number) => ({ amount: gib * 720 * 3600 * 2 ** 30, unit: "byte-seconds", amount_in_pricing_units: gib, pricing_unit: "gibibyte month" });
const N1_CORE = { id: "2E27-4F9F-F6CA", description: "N1 Predefined Instance Core running in Americas" };
const N1_RAM = { id: "6C71-E5A7-A5F3", description: "N1 Predefined Instance Ram running in Americas" };
const PD_BALANCED = { id: "7E6E-D4E6-C1D1", description: "Balanced PD Capacity" };
const PD_SSD = { id: "B188-61DD-52E4", description: "SSD backed PD Capacity" };
const SNAPSHOT = { id: "F9CA-1A3D-4A0E", description: "Storage PD Snapshot in US" };

/** June 2021, both stacks: every attribution rule has at least one row. */
export const ROWS: RowSpec[] = [
  // prod: node pools by GKE's labels (seeds with sustained-use credits; boot disk named like its VM)
  { project: "pokt-network-prod", service: COMPUTE, sku: N1_CORE, cost: 160.0, credits: sud(-20.0), labels: pool("prod", "seeds", "prod", "pocket-seeds"), resource: instance("pokt-network-prod", "us-east1-b", "gke-prod-seeds-1a2b3c4d-x1y2"), usage: hours(5760) },
  { project: "pokt-network-prod", service: COMPUTE, sku: N1_RAM, cost: 48.5, credits: sud(-6.0), labels: pool("prod", "seeds", "prod", "pocket-seeds"), resource: instance("pokt-network-prod", "us-east1-b", "gke-prod-seeds-1a2b3c4d-x1y2"), usage: hours(21600) },
  { project: "pokt-network-prod", service: COMPUTE, sku: PD_BALANCED, cost: 19.73, labels: pool("prod", "seeds", "prod", "pocket-seeds"), resource: disk("pokt-network-prod", "us-east1-b", "gke-prod-seeds-1a2b3c4d-x1y2"), usage: gibibyteMonths(197.3) },
  // pocket-core: exported at 400.00, then re-exported with a later export_time at 480.00 (counted once, as 480.00)
  { project: "pokt-network-prod", service: COMPUTE, sku: N1_CORE, cost: 400.0, labels: pool("prod", "pocket-core", "prod", "pocket-core"), resource: instance("pokt-network-prod", "us-east1-b", "gke-prod-pocket-core-5e6f7a8b-k3m4"), usage: hours(14400), exportTime: "2021-06-30 10:12:01.123 UTC", superseded: true },
  { project: "pokt-network-prod", service: COMPUTE, sku: N1_CORE, cost: 480.0, labels: pool("prod", "pocket-core", "prod", "pocket-core"), resource: instance("pokt-network-prod", "us-east1-b", "gke-prod-pocket-core-5e6f7a8b-k3m4"), usage: hours(14400), exportTime: "2021-07-02 03:40:11.456 UTC" },
  { project: "pokt-network-prod", service: COMPUTE, sku: N1_CORE, cost: 385.0, credits: sud(-30.0), labels: pool("prod", "blockchain-nodes", "prod", "blockchain-nodes"), resource: instance("pokt-network-prod", "us-east1-b", "gke-prod-blockchain-nodes-9c0d1e2f-p5q6"), usage: hours(11520) },
  // system pool: the program's own cost labels only (no GKE labels, no resource): matched by component
  { project: "pokt-network-prod", service: COMPUTE, sku: N1_CORE, cost: 103.2, labels: { team: "infra", env: "prod", component: "system" }, usage: hours(2880) },
  // data disks: by resource.name, and (rinkeby) by its labels when the resource columns are empty
  { project: "pokt-network-prod", service: COMPUTE, sku: PD_SSD, cost: 1229.0, labels: { team: "infra", env: "prod", component: "blockchain-nodes", "blockchain-node": "geth-mainnet" }, resource: disk("pokt-network-prod", "us-east1-b", "geth-mainnet-data"), usage: gibibyteMonths(7348) },
  { project: "pokt-network-prod", service: COMPUTE, sku: PD_BALANCED, cost: 69.04, labels: { team: "infra", env: "prod", component: "blockchain-nodes", "blockchain-node": "geth-rinkeby" }, resource: { name: null, global_name: null }, usage: gibibyteMonths(700) },
  { project: "pokt-network-prod", service: COMPUTE, sku: PD_BALANCED, cost: 39.45, labels: { team: "infra", env: "prod", component: "blockchain-nodes", "blockchain-node": "geth-ropsten" }, resource: disk("pokt-network-prod", "us-east1-b", "geth-ropsten-data"), usage: gibibyteMonths(400) },
  { project: "pokt-network-prod", service: COMPUTE, sku: PD_BALANCED, cost: 4.93, labels: { team: "infra", env: "prod", component: "blockchain-nodes", "blockchain-node": "geth-goerli" }, resource: disk("pokt-network-prod", "us-east1-b", "geth-goerli-data"), usage: gibibyteMonths(50) },
  { project: "pokt-network-prod", service: COMPUTE, sku: PD_SSD, cost: 16.77, labels: { team: "infra", env: "prod", component: "blockchain-nodes", "blockchain-node": "poa-kovan" }, resource: disk("pokt-network-prod", "us-east1-b", "poa-kovan-data"), usage: gibibyteMonths(100) },
  { project: "pokt-network-prod", service: COMPUTE, sku: PD_BALANCED, cost: 9.86, labels: { team: "infra", env: "prod", component: "blockchain-nodes", "blockchain-node": "poa-xdai" }, resource: disk("pokt-network-prod", "us-east1-b", "poa-xdai-data"), usage: gibibyteMonths(100) },
  // the cluster fee, netted to zero by the free tier credit
  { project: "pokt-network-prod", service: GKE, sku: { id: "B561-BFBD-1264", description: "Zonal Kubernetes Clusters" }, cost: 72.0, credits: [{ name: "Free Tier", amount: -72.0, full_name: null, id: "", type: "FREE_TIER" }], labels: { "goog-k8s-cluster-name": "prod", "goog-k8s-cluster-location": "us-east1-b" }, resource: { name: "prod", global_name: "//container.googleapis.com/projects/pokt-network-prod/zones/us-east1-b/clusters/prod" }, zone: "us-east1-b", usage: hours(720) },
  // the proxy's internal load balancer: GKE names the rule, the bill charges it per project
  { project: "pokt-network-prod", service: COMPUTE, sku: { id: "33BB-8E4F-2E6A", description: "Network Load Balancing: Forwarding Rule Minimum Service Charge in Americas" }, cost: 18.0, usage: hours(720), zone: null },
  // not declared by the program: unlabeled egress, a stray VM, the validators' own volumes, logging
  { project: "pokt-network-prod", service: COMPUTE, sku: { id: "9DE9-9092-B3BC", description: "Network Internet Egress from Americas to Americas" }, cost: 142.37, usage: { amount: 1186.4 * 2 ** 30, unit: "bytes", amount_in_pricing_units: 1186.4, pricing_unit: "gibibyte" }, zone: null },
  { project: "pokt-network-prod", service: COMPUTE, sku: N1_CORE, cost: 34.56, resource: instance("pokt-network-prod", "us-east1-b", "debug-vm"), usage: hours(1440) },
  { project: "pokt-network-prod", service: COMPUTE, sku: PD_SSD, cost: 255.0, labels: { "goog-gke-volume": "", "kubernetes-io-created-for-pvc-name": "data-pocket-core-1" }, resource: disk("pokt-network-prod", "us-east1-b", "pvc-8a1f0c2e-6b0d-4e59-9c35-1d2f3a4b5c6d"), usage: gibibyteMonths(1500) },
  { project: "pokt-network-prod", service: LOGGING, sku: { id: "143F-A1B0-E0BE", description: "Log Volume" }, cost: 12.4, usage: { amount: 24.8 * 2 ** 30, unit: "bytes", amount_in_pricing_units: 24.8, pricing_unit: "gibibyte" }, zone: null },
  // apart from usage: tax, rounding error
  { project: "pokt-network-prod", service: { id: "", description: "Invoice" }, sku: { id: "", description: "Tax" }, cost: 25.51, costType: "tax", usage: { amount: 0, unit: "", amount_in_pricing_units: 0, pricing_unit: "" }, zone: null },
  { project: "pokt-network-prod", service: { id: "", description: "Invoice" }, sku: { id: "", description: "Rounding error" }, cost: -0.01, costType: "rounding_error", usage: { amount: 0, unit: "", amount_in_pricing_units: 0, pricing_unit: "" }, zone: null },

  // testnet
  { project: "pokt-network-testnet", service: COMPUTE, sku: N1_CORE, cost: 51.6, labels: pool("testnet", "system", "testnet", "system"), resource: instance("pokt-network-testnet", "us-east1-c", "gke-testnet-system-0a1b2c3d-a1b2"), usage: hours(1440) },
  // billed in EUR (converted at currency_conversion_rate 0.82 EUR per USD)
  { project: "pokt-network-testnet", service: COMPUTE, sku: N1_CORE, cost: 246.0, credits: [{ name: "Sustained Usage Discount", amount: -16.4, full_name: null, id: "", type: "SUSTAINED_USAGE_DISCOUNT" }], labels: pool("testnet", "pocket-core", "testnet", "pocket-core"), resource: instance("pokt-network-testnet", "us-east1-c", "gke-testnet-pocket-core-4d5e6f7a-c3d4"), usage: hours(8640), currency: { code: "EUR", rate: 0.82 } },
  { project: "pokt-network-testnet", service: GKE, sku: { id: "B561-BFBD-1264", description: "Zonal Kubernetes Clusters" }, cost: 72.0, labels: { "goog-k8s-cluster-name": "testnet" }, resource: { name: null, global_name: null }, usage: hours(720) },
  // the decommissioned chains' final snapshots: by name, by global name, by labels
  { project: "pokt-network-testnet", service: COMPUTE, sku: SNAPSHOT, cost: 34.3, labels: { team: "infra", env: "testnet", component: "blockchain-nodes", "blockchain-node": "geth-rinkeby" }, resource: { name: "testnet-geth-rinkeby-data-final", global_name: null }, usage: gibibyteMonths(686), zone: null },
  { project: "pokt-network-testnet", service: COMPUTE, sku: SNAPSHOT, cost: 2.41, resource: { name: null, global_name: "//compute.googleapis.com/projects/204932184412/global/snapshots/testnet-geth-goerli-data-final" }, usage: gibibyteMonths(48.2), zone: null },
  { project: "pokt-network-testnet", service: COMPUTE, sku: SNAPSHOT, cost: 19.5, labels: { team: "infra", env: "testnet", component: "blockchain-nodes", "blockchain-node": "geth-ropsten" }, usage: gibibyteMonths(390), zone: null },
  // still billed: the blockchain pool the program scaled to zero, resized by hand
  { project: "pokt-network-testnet", service: COMPUTE, sku: N1_CORE, cost: 96.0, labels: pool("testnet", "blockchain-nodes", "testnet", "blockchain-nodes"), resource: instance("pokt-network-testnet", "us-east1-c", "gke-testnet-blockchain-nodes-77aa88bb-z9x8"), usage: hours(2880) },
  { project: "pokt-network-testnet", service: { id: "", description: "Invoice" }, sku: { id: "", description: "Tax" }, cost: 4.2, costType: "tax", usage: { amount: 0, unit: "", amount_in_pricing_units: 0, pricing_unit: "" }, zone: null },

  // a project no stack declares
  { project: "pokt-network-dev", service: COMPUTE, sku: N1_CORE, cost: 40.0, resource: instance("pokt-network-dev", "us-central1-a", "dev-box"), usage: hours(1440), zone: "us-central1-a" },
];

const keyValues = (labels: Record<string, string> = {}) => Object.entries(labels).map(([key, value]) => ({ key, value }));

/** One row in the export's schema, field names and nesting as BigQuery holds them. */
export function exportRow(spec: RowSpec, withResource: boolean): Record<string, unknown> {
  const project = PROJECTS[spec.project];
  const zone = spec.zone === undefined ? (spec.project === "pokt-network-testnet" ? "us-east1-c" : "us-east1-b") : spec.zone;
  const region = zone ? zone.replace(/-[a-z]$/, "") : null;
  const day = String(spec.startDay ?? 1).padStart(2, "0");
  const month = spec.month ?? MONTH;
  const [year, monthNumber] = [Number(month.slice(0, 4)), Number(month.slice(4))];
  const next = monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, "0")}`;
  const row: Record<string, unknown> = {
    billing_account_id: ACCOUNT,
    service: spec.service,
    sku: spec.sku,
    usage_start_time: `${year}-${String(monthNumber).padStart(2, "0")}-${day} 00:00:00 UTC`,
    usage_end_time: `${next}-01 00:00:00 UTC`,
    project: { id: spec.project, number: project.number, name: project.name, labels: [], ancestry_numbers: `/123456789012/${project.number}/`, ancestors: [{ resource_name: `projects/${project.number}`, display_name: project.name }] },
    labels: keyValues(spec.labels),
    system_labels: spec.sku === N1_CORE || spec.sku === N1_RAM ? keyValues({ "compute.googleapis.com/machine_spec": "n1-standard-4", "compute.googleapis.com/cores": "4", "compute.googleapis.com/memory": "15360" }) : [],
    location: { location: zone ?? (region ? region : "us"), country: "US", region, zone },
    tags: [],
    transaction_type: "GOOGLE",
    seller_name: "Google",
    export_time: spec.exportTime ?? `${next}-02 03:40:11.456 UTC`,
    cost: spec.cost,
    currency: spec.currency?.code ?? "USD",
    currency_conversion_rate: spec.currency?.rate ?? 1.0,
    usage: spec.usage,
    credits: spec.credits ?? [],
    invoice: { month, publisher_type: "GOOGLE" },
    cost_type: spec.costType ?? "regular",
    adjustment_info: { id: null, description: null, mode: null, type: null },
    cost_at_list: spec.costAtList ?? spec.cost,
  };
  if (withResource) row.resource = spec.resource ?? { name: null, global_name: null };
  return row;
}

/** The same charges as FOCUS 1.0 rows (Google's FOCUS view: BilledCost = cost, credits as their own Credit rows). */
export function focusRows(spec: RowSpec): Record<string, string | number | null>[] {
  const rate = spec.currency?.rate ?? 1;
  const usd = (amount: number) => Math.round((amount / rate) * 1e6) / 1e6;
  const tags = JSON.stringify(spec.labels ?? {});
  const category = spec.costType === "tax" ? "Tax" : spec.costType === "adjustment" || spec.costType === "rounding_error" ? "Adjustment" : "Usage";
  const base = {
    BillingAccountId: ACCOUNT,
    BillingCurrency: "USD",
    BillingPeriodStart: "2021-06-01T07:00:00Z",
    BillingPeriodEnd: "2021-07-01T07:00:00Z",
    ChargePeriodStart: `2021-06-${String(spec.startDay ?? 1).padStart(2, "0")}T00:00:00Z`,
    ChargePeriodEnd: "2021-07-01T00:00:00Z",
    ProviderName: "Google Cloud",
    PublisherName: "Google Cloud",
    InvoiceIssuerName: "Google Cloud",
    RegionId: spec.zone === null ? null : "us-east1",
    ResourceId: spec.resource?.global_name ?? null,
    ResourceName: spec.resource?.name ?? null,
    ServiceName: spec.service.description,
    SkuId: spec.sku.id || null,
    SubAccountId: spec.project,
    SubAccountName: PROJECTS[spec.project].name,
    Tags: tags,
  };
  const rows: Record<string, string | number | null>[] = [
    { ...base, ChargeCategory: category, ChargeDescription: spec.sku.description, BilledCost: usd(spec.cost), EffectiveCost: usd(spec.cost), ListCost: usd(spec.costAtList ?? spec.cost), PricingQuantity: spec.usage.amount_in_pricing_units, PricingUnit: spec.usage.pricing_unit || null },
  ];
  for (const credit of spec.credits ?? []) {
    rows.push({ ...base, ChargeCategory: "Credit", ChargeDescription: spec.sku.description, BilledCost: usd(credit.amount), EffectiveCost: usd(credit.amount), ListCost: 0, PricingQuantity: 0, PricingUnit: null });
  }
  return rows;
}

/**
 * The months either side of the change (before-after/): May 2021 bills the baselines' resources
 * (baselines/prod.json, baselines/testnet.json), July 2021 the program's as recorded now. Every
 * figure is the catalog's list price for what the graph declares, for the month's hours, with the
 * catalog's sustained-use discount as a credit; nothing is chosen to reach a result. Both months
 * also bill the same undeclared lines (the validators' own volume, a debug VM), priced at the
 * catalog from usage stated here.
 */
const BEFORE_MONTH = "202105";
const AFTER_MONTH = "202107";
const PD_STANDARD = { id: "D973-5D65-BAB2", description: "Storage PD Capacity" };
const DISK_SKUS: Record<string, { id: string; description: string }> = { "pd-standard": PD_STANDARD, "pd-balanced": PD_BALANCED, "pd-ssd": PD_SSD, snapshot: SNAPSHOT };
const CLUSTER_FEE = { id: "B561-BFBD-1264", description: "Zonal Kubernetes Clusters" };
const FORWARDING_RULE = { id: "33BB-8E4F-2E6A", description: "Network Load Balancing: Forwarding Rule Minimum Service Charge in Americas" };
const STACK_PROJECT: Record<string, { project: string; zone: string }> = { prod: { project: "pokt-network-prod", zone: "us-east1-b" }, testnet: { project: "pokt-network-testnet", zone: "us-east1-c" } };

function monthHours(month: string): number {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(4)), 0)).getUTCDate() * 24;
}
const cents = (value: number) => Math.round(value * 1e6) / 1e6;

/** A machine type's month of `nodes` VMs: its core and RAM SKUs at list, the sustained-use discount as their credit. */
function machineRows(vm: { project: string; machineType: string; region: string; nodes: number; spot: boolean; labels?: Record<string, string>; resource: RowSpec["resource"]; month: string }, catalog: PriceCatalog): RowSpec[] {
  const machine = catalog.machineTypes[vm.machineType];
  // Only N1's core and RAM SKUs are written here; another family needs its own SKU ids first.
  if (machine.family !== "n1") throw new Error(`${vm.machineType}: no ${machine.family} SKUs in this script`);
  const perHour = vm.spot ? machine.prices[vm.region].hourSpot! : machine.prices[vm.region].hour;
  // The machine's hour split between its core and RAM SKUs in the proportion of the family's per-vCPU and per-GiB rates.
  const rates = catalog.customMachineRates[machine.family][vm.region];
  const coreShare = (machine.vcpu * rates.vcpuHour) / (machine.vcpu * rates.vcpuHour + machine.memoryGb * rates.memoryGibHour);
  const discount = vm.spot ? 0 : catalog.sustainedUseDiscount[machine.family] ?? 0;
  const hoursRun = vm.nodes * hoursOf(vm.month);
  return ([
    [N1_CORE, coreShare, hours(machine.vcpu * hoursRun)],
    [N1_RAM, 1 - coreShare, { ...hours(machine.memoryGb * hoursRun), pricing_unit: "gibibyte hour" }],
  ] as const).map(([sku, part, usage]) => {
    const list = cents(perHour * part * hoursRun);
    return { project: vm.project, service: COMPUTE, sku, cost: list, credits: discount > 0 ? sud(-cents(list * discount)) : undefined, labels: vm.labels, resource: vm.resource, usage, month: vm.month };
  });
}

/** The rows one stack's graph bills in a month at the catalog's list prices. */
function graphRows(stack: string, records: ResourceRecord[], graphFile: string, month: string, catalog: PriceCatalog): RowSpec[] {
  const { project, zone } = STACK_PROJECT[stack];
  const share = hoursOf(month) / catalog.hoursPerMonth;
  const declared = declaredStack(stack, records, catalog, graphFile);
  const priced = new Map(priceResources(records, catalog).map((price) => [price.urn, price]));
  const rows: RowSpec[] = [];
  for (const resource of declared.resources) {
    const price = priced.get(resource.urn);
    if (!price || price.status !== "priced") continue;
    if (resource.kind === "nodePool") {
      const pool = poolShape(price, catalog)!;
      const labels = { "goog-k8s-cluster-name": declared.clusterName, "goog-k8s-node-pool-name": resource.name, "goog-k8s-cluster-location": zone, ...resource.labels };
      const vm = instance(project, zone, `gke-${declared.clusterName}-${resource.name}-0a1b2c3d`);
      rows.push(...machineRows({ project, machineType: pool.machineType, region: pool.region, nodes: pool.nodes, spot: pool.spot, labels, resource: vm, month }, catalog));
      const bootGb = pool.diskGb * pool.nodes;
      rows.push({ project, service: COMPUTE, sku: DISK_SKUS[pool.diskType], cost: cents(catalog.disks[pool.diskType][pool.region] * bootGb * share), labels, resource: disk(project, zone, vm.name), usage: gibibyteMonths(cents(bootGb * share)), month });
      continue;
    }
    const component = price.components[0];
    const cost = cents(price.monthly * share);
    if (resource.kind === "cluster") {
      // Google's free tier: one zonal cluster's fee a month per billing account (the catalog's credit), taken by prod.
      const credit = stack === "prod" ? -Math.min(cost, catalog.gke.freeTierMonthlyCredit) : 0;
      rows.push({ project, service: GKE, sku: CLUSTER_FEE, cost, credits: credit < 0 ? [{ name: "Free Tier", amount: cents(credit), full_name: null, id: "", type: "FREE_TIER" }] : undefined, labels: { "goog-k8s-cluster-name": declared.clusterName }, resource: { name: declared.clusterName, global_name: `//container.googleapis.com/projects/${project}/zones/${zone}/clusters/${declared.clusterName}` }, usage: hours(hoursOf(month)), month });
    } else if (resource.kind === "forwardingRule") {
      rows.push({ project, service: COMPUTE, sku: FORWARDING_RULE, cost, usage: hours(hoursOf(month)), zone: null, month });
    } else if (resource.kind === "disk" || resource.kind === "snapshot") {
      const diskType = price.shape?.kind === "diskStorage" ? price.shape.diskType : "pd-standard";
      const collection = resource.kind === "snapshot" ? "snapshots" : "disks";
      const location = resource.kind === "snapshot" ? "global" : `zones/${zone}`;
      rows.push({ project, service: COMPUTE, sku: DISK_SKUS[diskType], cost, labels: resource.labels, resource: { name: resource.name, global_name: `//compute.googleapis.com/projects/${PROJECTS[project].number}/${location}/${collection}/${resource.name}` }, usage: gibibyteMonths(cents(component.quantity * share)), zone: resource.kind === "snapshot" ? null : zone, month });
    }
  }
  return rows;
}
const hoursOf = monthHours;

/** What both months bill that no graph declares: usage stated here, priced at the catalog. */
function undeclaredRows(month: string, catalog: PriceCatalog): RowSpec[] {
  const share = monthHours(month) / catalog.hoursPerMonth;
  const volumeGb = 1500;
  return [
    { project: "pokt-network-prod", service: COMPUTE, sku: PD_SSD, cost: cents(catalog.disks["pd-ssd"]["us-east1"] * volumeGb * share), labels: { "goog-gke-volume": "", "kubernetes-io-created-for-pvc-name": "data-pocket-core-1" }, resource: disk("pokt-network-prod", "us-east1-b", "pvc-8a1f0c2e-6b0d-4e59-9c35-1d2f3a4b5c6d"), usage: gibibyteMonths(cents(volumeGb * share)), month },
    ...machineRows({ project: "pokt-network-prod", machineType: "n1-standard-1", region: "us-east1", nodes: 1, spot: false, resource: instance("pokt-network-prod", "us-east1-b", "debug-vm"), month }, catalog),
  ];
}

async function beforeAfterRows(catalog: PriceCatalog): Promise<{ before: RowSpec[]; after: RowSpec[] }> {
  const before = (["prod", "testnet"] as const).flatMap((stack) => {
    const file = path.join(__dirname, "..", "baselines", `${stack}.json`);
    return graphRows(stack, readStackExport(file).resources, file, BEFORE_MONTH, catalog);
  });
  const after = (await recordAllStacks()).flatMap((run) => graphRows(run.stack, run.resources, `Pulumi.${run.stack}.yaml`, AFTER_MONTH, catalog));
  return { before: [...before, ...undeclaredRows(BEFORE_MONTH, catalog)], after: [...after, ...undeclaredRows(AFTER_MONTH, catalog)] };
}

function csv(rows: Record<string, string | number | null>[]): string {
  const columns = Object.keys(rows[0]);
  const cell = (value: string | number | null) => (value === null ? "" : typeof value === "number" ? String(value) : /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [columns.join(","), ...rows.map((row) => columns.map((name) => cell(row[name] ?? null)).join(","))].join("\n") + "\n";
}

async function main(): Promise<void> {
  fs.mkdirSync(path.join(OUT, "shards"), { recursive: true });
  const detailed = ROWS.map((spec) => JSON.stringify(exportRow(spec, true))).join("\n") + "\n";
  const standard = ROWS.map((spec) => JSON.stringify(exportRow(spec, false))).join("\n") + "\n";
  fs.writeFileSync(path.join(OUT, "detailed-202106.json"), detailed);
  fs.writeFileSync(path.join(OUT, "detailed-202106.json.gz"), zlib.gzipSync(Buffer.from(detailed), { level: 9, mtime: 0 } as zlib.ZlibOptions));
  fs.writeFileSync(path.join(OUT, "standard-202106.json"), standard);
  const lines = detailed.trimEnd().split("\n");
  const half = Math.ceil(lines.length / 2);
  fs.writeFileSync(path.join(OUT, "shards", "000000000000.json"), lines.slice(0, half).join("\n") + "\n");
  fs.writeFileSync(path.join(OUT, "shards", "000000000001.json"), lines.slice(half).join("\n") + "\n");
  const focus = ROWS.filter((spec) => !spec.superseded).flatMap(focusRows);
  fs.writeFileSync(path.join(OUT, "focus-1.0-202106.csv"), csv(focus));

  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const quote = (file: string) => `'${file.replace(/'/g, "''")}'`;
  // bq extract writes TIMESTAMP columns as Parquet timestamps; the NDJSON holds them as text.
  const timestamp = (name: string) => `CAST(replace(${name}, ' UTC', '') AS TIMESTAMP) AS ${name}`;
  await connection.run(
    `COPY (SELECT * REPLACE (${["usage_start_time", "usage_end_time", "export_time"].map(timestamp).join(", ")}) FROM read_json(${quote(path.join(OUT, "detailed-202106.json"))}, format = 'newline_delimited')) TO ${quote(path.join(OUT, "detailed-202106.parquet"))} (FORMAT parquet, ROW_GROUP_SIZE 8)`,
  );
  await connection.run(
    `COPY (SELECT * FROM read_csv(${quote(path.join(OUT, "focus-1.0-202106.csv"))}, header = true)) TO ${quote(path.join(OUT, "focus-1.0-202106.parquet"))} (FORMAT parquet)`,
  );
  connection.closeSync();

  const beforeAfter = path.join(OUT, "before-after");
  fs.mkdirSync(beforeAfter, { recursive: true });
  const { before, after } = await beforeAfterRows(loadCatalog());
  for (const [month, rows] of [[BEFORE_MONTH, before], [AFTER_MONTH, after]] as const) {
    fs.writeFileSync(path.join(beforeAfter, `detailed-${month}.json`), rows.map((spec) => JSON.stringify(exportRow(spec, true))).join("\n") + "\n");
  }
  console.log(`wrote ${ROWS.length} charges to ${path.relative(process.cwd(), OUT)}, ${before.length} (${BEFORE_MONTH}) and ${after.length} (${AFTER_MONTH}) to before-after/`);
}

// Run as a script; imported (scripts/generateGoogleShapeFixtures.ts) for its rows.
if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}

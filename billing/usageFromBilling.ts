/**
 * A usage file from a billing export: the traffic SKUs' usage amounts (GiB) of one invoice month,
 * summed per node pool (the rows' `goog-k8s-node-pool-name` label) or, for rows no pool label
 * carries (internet egress is billed per project), per cluster, and written as a usage file marked
 * `source: billing export YYYYMM`. SKUs that bill compute or storage are the declared resources'
 * and are left out; a traffic SKU this mapping does not know is named in the file's header, never
 * dropped in silence.
 */
import type { BilledLine } from "./billedLine";
import type { InternetDestination, UsageKey } from "../usage/usageKeys";

/** Where a traffic SKU's GiB go: a usage key, and for internet egress the destination continent. */
export interface TrafficSku {
  key: UsageKey;
  destination?: InternetDestination;
}

/** Google's destination names in "Network Internet Egress from <source> to <destination>" SKUs. */
const DESTINATIONS: [RegExp, InternetDestination][] = [
  [/^(Americas|North America|Northern America)$/i, "north_america"],
  [/^(South America|Latin America)$/i, "south_america"],
  [/^(EMEA|Europe)$/i, "europe"],
  [/^(Middle East|Africa)$/i, "africa"],
  [/^China$/i, "china"],
  [/^Australia$/i, "australia"],
  [/^(APAC|Asia Pacific|Asia)$/i, "asia"],
  [/^Oceania$/i, "oceania"],
];

/** The usage key a SKU description bills, or undefined for a SKU that is not traffic. */
export function trafficSku(description: string): TrafficSku | "unknown traffic" | undefined {
  const internet = /Internet (?:Data Transfer Out|Egress) from .+ to (.+?)\s*$/i.exec(description);
  if (internet) {
    const destination = DESTINATIONS.find(([pattern]) => pattern.test(internet[1]))?.[1];
    return destination ? { key: "internet_egress_gb", destination } : "unknown traffic";
  }
  if (/Inter Zone (Egress|Data Transfer)/i.test(description)) return { key: "inter_zone_egress_gb" };
  if (/Intra Zone (Egress|Data Transfer)/i.test(description)) return { key: "same_zone_egress_gb" };
  if (/Inter Region (Egress|Data Transfer) from (Americas|North America|Northern America) to (Americas|North America|Northern America)/i.test(description)) return { key: "inter_region_north_america_egress_gb" };
  if (/Load Balancing.*Data Processing|processed by load balancer/i.test(description)) return { key: "load_balancer_data_gb" };
  if (/NAT.*Data Processing|NAT Gateway: Data/i.test(description)) return { key: "cloud_nat_data_gb" };
  if (/Egress|Data Transfer/i.test(description)) return "unknown traffic";
  return undefined;
}

export interface StackOfBill {
  stack: string;
  /** The GCP project the stack bills to (its `gcp:project`). */
  project: string;
  /** The stack's GKE cluster: the address of traffic no node pool label carries. */
  cluster: string;
}

export interface UsageFromBilling {
  /** The usage file's text (YAML, with a header saying where it comes from). */
  text: string;
  /** GiB per address and key, as written. */
  usage: Record<string, Record<string, number | Record<string, number>>>;
  /** Traffic SKUs of the stack's rows this mapping does not know: named in the header. */
  unknownSkus: string[];
}

const round = (gib: number) => Math.round(gib * 1000) / 1000;

export function usageFromBilling(lines: BilledLine[], month: string, stack: StackOfBill, billingFiles: string): UsageFromBilling {
  const usage: UsageFromBilling["usage"] = {};
  const unknownSkus = new Set<string>();
  for (const line of lines) {
    if (line.invoiceMonth !== month || line.projectId !== stack.project || line.costType !== "regular") continue;
    const sku = trafficSku(line.skuDescription ?? "");
    if (sku === undefined) continue;
    if (sku === "unknown traffic" || (line.usagePricingUnit !== null && line.usagePricingUnit !== "gibibyte")) {
      unknownSkus.add(`${line.skuDescription} (${line.usagePricingUnit ?? "no unit"})`);
      continue;
    }
    // Billed without a usage amount (a file that does not carry it): named, never written as 0 GiB.
    if (!(line.usageInPricingUnits > 0) && line.cost !== 0) {
      unknownSkus.add(`${line.skuDescription} (no usage amount in the bill)`);
      continue;
    }
    const address = line.nodePoolLabel ?? stack.cluster;
    const entry = (usage[address] ??= {});
    if (sku.destination) {
      const byDestination = ((entry[sku.key] as Record<string, number>) ??= {});
      byDestination[sku.destination] = round((byDestination[sku.destination] ?? 0) + line.usageInPricingUnits);
    } else {
      entry[sku.key] = round(((entry[sku.key] as number) ?? 0) + line.usageInPricingUnits);
    }
  }
  const source = `billing export ${month} (${billingFiles}): usage amounts of the traffic SKUs`;
  const header = [
    `# Usage of stack ${stack.stack} (project ${stack.project}) from the billing export, invoice month ${month}:`,
    `#   infra-cost usage --from-billing ${billingFiles} --month ${month} --stack ${stack.stack}`,
    "# GiB a month per node pool (goog-k8s-node-pool-name), or per cluster for traffic no pool label carries.",
    ...(unknownSkus.size ? [`# Traffic SKUs not mapped to a usage key (left out): ${[...unknownSkus].sort().join("; ")}`] : []),
  ];
  const body: string[] = ["version: 0.1", "resource_usage:"];
  const addresses = Object.keys(usage).sort();
  if (addresses.length === 0) body[1] = "resource_usage: {}";
  for (const address of addresses) {
    body.push(`  ${address}:`);
    for (const [key, value] of Object.entries(usage[address]).sort(([a], [b]) => a.localeCompare(b))) {
      if (typeof value === "number") body.push(`    ${key}: ${value}`);
      else body.push(`    ${key}: { ${Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([d, gib]) => `${d}: ${gib}`).join(", ")} }`);
    }
    body.push(`    source: ${JSON.stringify(source)}`);
  }
  return { text: [...header, ...body].join("\n") + "\n", usage, unknownSkus: [...unknownSkus].sort() };
}

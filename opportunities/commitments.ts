/**
 * 1-year committed-use discounts for prod's steady node pools (a fixed count, not spot): shown as
 * an option with its saving, never applied, because a commitment is billed for the whole term
 * whether the nodes run or not. The committed price is the catalog's 1-year monthly price of the
 * machine; the boot disks are not committed and stay as the engine prices them.
 */
import { PriceCatalog } from "../catalog/catalog";
import type { PricedResource } from "../cost/model";
import { ResourceRecord } from "../graph/resourceRecord";
import { commandChange } from "./configKeys";
import { MINIMUM_MONTHLY_SAVING, StackFindings } from "./opportunity";
import { NODE_POOL_TYPE } from "../graph/resourceTypes";
import { money } from "../cost/money";
import { poolShape } from "./rightsizing";
import { PRODUCTION_STACKS } from "./spotPools";

/** gcloud's commitment type per machine family (the resources a commitment covers are per family). */
const COMMITMENT_TYPES: Record<string, string> = { n1: "general-purpose", c2: "compute-optimized", c2d: "compute-optimized-c2d", m1: "memory-optimized", m2: "memory-optimized" };

export function commitmentType(family: string): string {
  return COMMITMENT_TYPES[family] ?? `general-purpose-${family}`;
}

export interface CommittedPrice {
  /** USD a month of the pool's machines as priced now (on-demand with sustained use). */
  machinesOnDemand: number;
  /** USD a month of the same machines under a 1-year commitment. */
  machinesCommitted: number;
}

/** The pool's machine cost on demand and committed; undefined when it is not steady (spot, autoscaled) or not sold committed. */
export function oneYearCommitment(priced: PricedResource | undefined, catalog: PriceCatalog): CommittedPrice | undefined {
  const shape = poolShape(priced, catalog);
  if (!shape || !priced || shape.spot || shape.autoscaled || shape.nodes === 0) return undefined;
  const month1y = catalog.machineTypes[shape.machineType]?.prices[shape.region]?.month1y;
  if (month1y === null || month1y === undefined) return undefined;
  const machinesOnDemand = priced.components.filter((c) => c.category === "compute").reduce((sum, c) => sum + c.monthly, 0);
  return { machinesOnDemand, machinesCommitted: month1y * shape.nodes };
}

export function commitmentOptions(stack: string, resources: ResourceRecord[], priced: Map<string, PricedResource>, catalog: PriceCatalog): StackFindings {
  const findings: StackFindings = { opportunities: [], considered: [], warnings: [] };
  if (!PRODUCTION_STACKS.has(stack)) return findings;
  for (const record of resources.filter((r) => r.type === NODE_POOL_TYPE)) {
    const current = priced.get(record.urn);
    const committed = oneYearCommitment(current, catalog);
    const shape = poolShape(current, catalog);
    if (!committed || !shape || !current) continue;
    const saving = committed.machinesOnDemand - committed.machinesCommitted;
    if (saving < MINIMUM_MONTHLY_SAVING) {
      findings.considered.push({ stack, kind: "commitment-1y", resource: record.name, note: `a 1-year commitment (${money(committed.machinesCommitted)}) does not beat on-demand with sustained use (${money(committed.machinesOnDemand)})` });
      continue;
    }
    const machine = catalog.machineTypes[shape.machineType];
    const project = typeof record.inputs.project === "string" ? ` --project ${record.inputs.project}` : "";
    findings.opportunities.push({
      id: `${stack}/commitment-1y/${record.name}`,
      stack,
      kind: "commitment-1y",
      urn: record.urn,
      resource: record.name,
      monthlySaving: saving,
      currentMonthly: current.monthly,
      proposedMonthly: current.monthly - saving,
      rationale:
        `${shape.nodes} x ${shape.machineType} run all month at a fixed count: ${money(committed.machinesOnDemand)}/month on demand (sustained use counted), ` +
        `${money(committed.machinesCommitted)} under a 1-year commitment (${money(saving * 12)} a year, owed for the whole term).`,
      configChange: commandChange(
        stack,
        `gcloud compute commitments create ${record.name}-1y${project} --region ${shape.region} --plan 12-month --type ${commitmentType(machine.family)} --resources vcpu=${machine.vcpu * shape.nodes},memory=${machine.memoryGb * shape.nodes}GB`,
        "an option, not applied: no config key governs it, and it is billed for 12 months whether or not the nodes run; buy it after any resize of the pool",
      ),
      countsTowardTotal: false,
    });
  }
  return findings;
}

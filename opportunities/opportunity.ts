/**
 * What every savings analysis returns: an opportunity with its computed monthly saving, the
 * rationale in figures, and the exact config edit that realises it. Ranking and the total live
 * here because they are the same whatever the kind.
 */

export const OPPORTUNITY_KINDS = ["rightsizing", "family-swap", "spot", "disk-type", "commitment-1y", "orphan-disk", "orphan-address"] as const;
export type OpportunityKind = (typeof OPPORTUNITY_KINDS)[number];

/** One edit of Pulumi.<stack>.yaml: a key path under the project namespace and its new value (null: remove the key). */
export interface ConfigEdit {
  /** Full path as it reads in the file, e.g. "relay-budget:seedPool.machineType" or "relay-budget:nodePools[1].spot". */
  path: string;
  value: string | number | boolean | null;
}

/** The change that realises an opportunity: config edits when the program owns the setting, else the command to run. */
export interface ConfigChange {
  /** The stack's config file the edits go in. */
  file: string;
  edits: ConfigEdit[];
  /** The same edits as CLI lines (`pulumi config set --path ...`), or the one command when no config key governs it. */
  commands: string[];
  /** Said when the change is an option to weigh rather than an edit to apply (a commitment), or needs a step first. */
  note?: string;
}

export interface Opportunity {
  /** Stable across runs: `<stack>/<kind>/<resource name>`. */
  id: string;
  stack: string;
  kind: OpportunityKind;
  urn: string;
  /** The resource's logical name (node pool, disk, address). */
  resource: string;
  /** USD a month the change saves, as the cost engine prices before and after (commitments: as the catalog prices the term). */
  monthlySaving: number;
  /** USD a month the resource costs now (engine). */
  currentMonthly: number;
  /** USD a month it would cost after the change. */
  proposedMonthly: number;
  /** One or two sentences with the figures behind the saving. */
  rationale: string;
  configChange: ConfigChange;
  /** False for options to weigh that the tool never counts as applied (1-year commitments, anything with a risk). */
  countsTowardTotal: boolean;
  /** What the change may cost besides money (less disk performance, a demand no source gives): such an opportunity is an option, never counted. */
  risk?: string;
}

/** A resource an analysis looked at and left alone, with why (a swap that would cost more, a disk used outside the program). */
export interface ConsideredResource {
  stack: string;
  kind: OpportunityKind;
  resource: string;
  note: string;
}

export interface StackFindings {
  opportunities: Opportunity[];
  considered: ConsideredResource[];
  /** Problems the analysis found in the stack as it is (a pool the PodDisruptionBudget cannot drain). */
  warnings: string[];
  /** Rightsizing: every sized pool's demand against its allocatable, now and as sized. */
  pools?: PoolFit[];
  /** Disk options: every data disk a stated workload mounts, against each persistent-disk type. */
  disks?: DiskReview[];
}

/** Biggest saving first; ties by id so the order never depends on the analyses' order. */
export function rankOpportunities(opportunities: Opportunity[]): Opportunity[] {
  return [...opportunities].sort((a, b) => b.monthlySaving - a.monthlySaving || a.id.localeCompare(b.id));
}

/**
 * The saving of applying the opportunities together. Opportunities on one resource are
 * alternatives (a rightsizing and a family swap both replace the machine type), so only the
 * largest per resource counts; options that are never applied (commitments) count nowhere.
 */
export function combinedMonthlySaving(opportunities: Opportunity[]): number {
  const bestPerResource = new Map<string, number>();
  for (const opportunity of opportunities) {
    if (!opportunity.countsTowardTotal) continue;
    const key = `${opportunity.stack}\u0000${opportunity.urn}`;
    bestPerResource.set(key, Math.max(bestPerResource.get(key) ?? 0, opportunity.monthlySaving));
  }
  return [...bestPerResource.values()].reduce((sum, saving) => sum + saving, 0);
}

/**
 * The saving with the options too: the largest opportunity per resource, counted or not (an option
 * on a resource replaces, never adds to, another change of the same resource).
 */
export function monthlySavingWithOptions(opportunities: Opportunity[]): number {
  const bestPerResource = new Map<string, number>();
  for (const opportunity of opportunities) {
    const key = `${opportunity.stack}\u0000${opportunity.urn}`;
    bestPerResource.set(key, Math.max(bestPerResource.get(key) ?? 0, opportunity.monthlySaving));
  }
  return [...bestPerResource.values()].reduce((sum, saving) => sum + saving, 0);
}

/** Savings below a cent a month are noise from rounding in the price file, not an opportunity. */
export const MINIMUM_MONTHLY_SAVING = 0.01;

/** One side of a pool's fit: its shape and what its nodes leave to pods. */
export interface PoolFitSide {
  machineType: string;
  nodes: number;
  /** Allocatable of all nodes (GKE reservations taken off). */
  allocatableCpu: number;
  allocatableMemoryGiB: number;
  monthly: number;
}

/** A pool's demand against its allocatable, as it is and as the investigation would size it. */
export interface PoolFit {
  stack: string;
  pool: string;
  /** The pods' requests summed (no headroom), and with the headroom the packing used. */
  requests: { pods: number; cpu: number; memoryGiB: number };
  withHeadroom: { cpu: number; memoryGiB: number };
  /** Every pod group: "20 x pocket-validators (pocket) (0.50 vCPU / 0.49 GiB each, ...)". */
  demand: string;
  /** Pod groups whose figures no source gives. */
  inferred: string[];
  current: PoolFitSide;
  /** The cheapest fit the search found (absent: none fits). */
  proposed?: PoolFitSide;
  /** rightsized: a cheaper fit exists; kept: the pool already is the cheapest fit, or none costs less; infeasible: nothing holds the pods. */
  outcome: "rightsized" | "kept" | "infeasible";
  /** What kube-scheduler did with the pool on simulated nodes (sizing/scheduler-proof.json, written by npm run test:cluster); absent: never run. */
  scheduler?: { text: string; stale: boolean; finding?: string };
}

/** One persistent-disk type for a data disk: its price and what it gives at that size on the workload's VM. */
export interface DiskOptionFigures {
  diskType: string;
  monthly: number;
  /** Read/write IOPS and MiB/s, the smaller of the size's rate and the VM's cap. */
  performance: { readIops: number; writeIops: number; readMiBps: number; writeMiBps: number };
  /** The figures that fall below the workload's need ("read IOPS"); empty: meets it. */
  lower: string[];
}

export interface DiskReview {
  stack: string;
  disk: string;
  sizeGb: number;
  currentType: string;
  currentMonthly: number;
  /** The stated workload that mounts it, its pool and the pool's machine type (whose caps apply). */
  workload: string;
  pool: string;
  machineType: string;
  need: Partial<DiskOptionFigures["performance"]>;
  /** Where the need comes from: stated in config, or taken as today's performance. */
  needFrom: string;
  options: DiskOptionFigures[];
}

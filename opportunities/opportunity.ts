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
  /** False for options to weigh that the tool never counts as applied (1-year commitments). */
  countsTowardTotal: boolean;
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

/** Savings below a cent a month are noise from rounding in the price file, not an opportunity. */
export const MINIMUM_MONTHLY_SAVING = 0.01;

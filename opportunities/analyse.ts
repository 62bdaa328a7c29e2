/**
 * Runs every analysis on one stack's resource graph and assembles the versioned JSON document
 * (docs/opportunities-json-contract.md). Each analysis prices through the cost engine; this module
 * only merges, ranks and rounds.
 */
import { PriceCatalog } from "../catalog/catalog";
import { loadDiskPerformance } from "../catalog/diskPerformance";
import { StackConfig } from "../config";
import { roundMoney } from "../cost/money";
import { ResourceRecord } from "../graph/resourceRecord";
import { schedulerProofLines } from "../cluster/schedulerResults";
import { commitmentOptions } from "./commitments";
import { diskOptions } from "./diskOptions";
import { diskTypeDowngrades } from "./diskTypes";
import { familySwaps } from "./familySwap";
import { ConsideredResource, DiskReview, Opportunity, PoolFit, StackFindings, combinedMonthlySaving, monthlySavingWithOptions, rankOpportunities } from "./opportunity";
import { orphans } from "./orphans";
import { pricedByUrn } from "./repricing";
import { DEFAULT_HEADROOM, RightsizingOptions, rightsizePools } from "./rightsizing";
import { spotPools } from "./spotPools";

export const OPPORTUNITIES_VERSION = 1;

/** One stack's graph, and its validated config when the graph is the program's (for config key paths). */
export interface StackUnderAnalysis {
  stack: string;
  resources: ResourceRecord[];
  config?: StackConfig;
}

export type AnalysisOptions = RightsizingOptions;

export function analyseStack(input: StackUnderAnalysis, catalog: PriceCatalog, options: AnalysisOptions = {}): StackFindings {
  const { stack, resources, config } = input;
  const priced = pricedByUrn(resources, catalog);
  const parts: StackFindings[] = [
    rightsizePools(stack, resources, priced, config, catalog, options),
    familySwaps(stack, resources, priced, config, catalog),
    spotPools(stack, resources, priced, config, catalog),
    diskTypeDowngrades(stack, resources, priced, config, catalog),
    diskOptions(stack, resources, priced, config, catalog),
    commitmentOptions(stack, resources, priced, catalog),
    orphans(stack, resources, priced, config, catalog),
  ];
  const scheduler = schedulerProofLines(stack, resources, catalog);
  return {
    opportunities: rankOpportunities(parts.flatMap((p) => p.opportunities)),
    considered: parts.flatMap((p) => p.considered),
    warnings: parts.flatMap((p) => p.warnings),
    pools: parts.flatMap((p) => p.pools ?? []).map((pool) => {
      const line = scheduler.find((l) => l.pool === pool.pool);
      return line ? { ...pool, scheduler: { text: line.text, stale: line.stale, ...(line.finding ? { finding: line.finding } : {}) } } : pool;
    }),
    disks: parts.flatMap((p) => p.disks ?? []),
  };
}

/** An opportunity as the JSON document carries it: the same fields, money rounded to cents. */
export type OpportunityJson = Opportunity;

export interface OpportunitiesDocument {
  version: typeof OPPORTUNITIES_VERSION;
  currency: string;
  hoursPerMonth: number;
  catalog: { source: string; date: string };
  /** The headroom added to pod requests when rightsizing (0.2 = 20 %). */
  headroom: number;
  opportunities: OpportunityJson[];
  considered: ConsideredResource[];
  warnings: string[];
  /** Every rightsized pool: requests against allocatable, now and as sized. */
  pools: PoolFit[];
  /** Every data disk a stated workload mounts, with each disk type's price and performance. */
  disks: DiskReview[];
  /** Where the per-GiB rates and per-VM caps of the disk options come from. */
  diskPerformance: { source: string; retrieved: string };
  totals: {
    /** Applying every counted opportunity: the largest per resource, commitments excluded. */
    monthlySaving: number;
    yearlySaving: number;
    /** What the 1-year commitment options would save on top, as priced now (not applied). */
    commitmentMonthlySaving: number;
    /** The saving with the options too (risky ones, commitments): the largest per resource, counted or not. */
    monthlySavingWithOptions: number;
  };
  stacks: Record<string, { monthlySaving: number }>;
}

export function opportunitiesDocument(findings: { stack: string; findings: StackFindings }[], catalog: PriceCatalog, options: AnalysisOptions = {}): OpportunitiesDocument {
  const all = rankOpportunities(findings.flatMap((f) => f.findings.opportunities));
  const diskPerformanceTable = loadDiskPerformance();
  const monthly = combinedMonthlySaving(all);
  const commitments = all.filter((o) => o.kind === "commitment-1y").reduce((sum, o) => sum + o.monthlySaving, 0);
  const stacks: Record<string, { monthlySaving: number }> = {};
  for (const f of findings) stacks[f.stack] = { monthlySaving: roundMoney(combinedMonthlySaving(f.findings.opportunities)) };
  return {
    version: OPPORTUNITIES_VERSION,
    currency: catalog.currency,
    hoursPerMonth: catalog.hoursPerMonth,
    catalog: { source: catalog.source, date: catalog.date },
    headroom: options.headroom ?? DEFAULT_HEADROOM,
    opportunities: all.map((o) => ({
      ...o,
      monthlySaving: roundMoney(o.monthlySaving),
      currentMonthly: roundMoney(o.currentMonthly),
      proposedMonthly: roundMoney(o.proposedMonthly),
    })),
    considered: findings.flatMap((f) => f.findings.considered),
    warnings: findings.flatMap((f) => f.findings.warnings),
    pools: findings.flatMap((f) => f.findings.pools ?? []).map((p) => ({
      ...p,
      current: { ...p.current, monthly: roundMoney(p.current.monthly) },
      ...(p.proposed ? { proposed: { ...p.proposed, monthly: roundMoney(p.proposed.monthly) } } : {}),
    })),
    disks: findings.flatMap((f) => f.findings.disks ?? []).map((d) => ({
      ...d,
      currentMonthly: roundMoney(d.currentMonthly),
      options: d.options.map((o) => ({ ...o, monthly: roundMoney(o.monthly) })),
    })),
    diskPerformance: { source: diskPerformanceTable.source, retrieved: diskPerformanceTable.retrieved },
    totals: {
      monthlySaving: roundMoney(monthly),
      yearlySaving: roundMoney(monthly * 12),
      commitmentMonthlySaving: roundMoney(commitments),
      monthlySavingWithOptions: roundMoney(monthlySavingWithOptions(all)),
    },
    stacks,
  };
}

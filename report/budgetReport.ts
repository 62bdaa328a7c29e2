/**
 * The budget report's model: the proposal's two QA deliverables (the seed pool before vs after, the
 * testnet cluster's node pools before vs after), the total saving with its range across pricing
 * options, and the opportunities that remain. Every figure comes from the review the `infra-cost
 * review` command builds (cost/costReview.ts over the baselines and the program recorded now) or
 * from the opportunities analysis, which prices through the same engine.
 */
import { priceWhatIf } from "../cost/engine";
import { PriceCatalog, loadCatalog } from "../catalog/catalog";
import { countedTotals } from "../cost/costComparison";
import { CostReview, StackCostReview } from "../cost/costReview";
import type { PricedResource } from "../cost/model";
import { ResourceRecord } from "../graph/resourceRecord";
import { SeedPoolFromGraph, seedPoolOf } from "../graph/seedPool";
import { PROJECT_ROOT } from "../program/projectRoot";
import { OpportunitiesDocument, analyseStack, opportunitiesDocument } from "../opportunities/analyse";
import { oneYearCommitment } from "../opportunities/commitments";
import { NODE_POOL_TYPE } from "../graph/resourceTypes";
import { pricedByUrn, withSpot } from "../opportunities/repricing";
import { DiskMigrationCost, diskMigrationCosts } from "../opportunities/diskMigrationCosts";
import { poolShape } from "../opportunities/rightsizing";
import { PRODUCTION_STACKS } from "../opportunities/spotPools";
import { buildReview, readBaselines } from "../review/buildReview";
import { buildBilledSide, type BilledSide, type BillingInput } from "./billedSide";
import type { UsageLine, UsageNotStated } from "../usage/usageModel";


/** One node pool's shape and price on one side, from the shape the engine priced. */
export interface PoolSide {
  machineType: string;
  nodes: number;
  vcpu: number;
  memoryGb: number;
  diskType: string;
  diskGb: number;
  spot: boolean;
  monthly: number;
}

export interface PoolComparison {
  pool: string;
  /** null: the pool did not exist before / is gone after. */
  before: PoolSide | null;
  after: PoolSide | null;
}

export interface ResourceComparison {
  name: string;
  type: string;
  before: { summary: string; monthly: number } | null;
  after: { summary: string; monthly: number } | null;
}

/** What the stacks save under one way of paying for the machines. */
export interface PricingScenario {
  name: string;
  description: string;
  before: number;
  after: number;
  monthlySaving: number;
  yearlySaving: number;
}

export interface BudgetReport {
  catalog: { source: string; date: string; currency: string; hoursPerMonth: number };
  /** The review exactly as `infra-cost review --stack all` builds it. */
  review: CostReview;
  baselineFiles: Record<string, string>;
  seedPool: PoolComparison;
  seedPoolConfig: { seedReplicas: number; minAvailableSeeds: number; cpuRequest: number; memoryRequestGiB: number };
  testnetPools: PoolComparison[];
  /** The testnet cluster's other priced resources that change: the chains' disks and their snapshots. */
  testnetOtherChanges: ResourceComparison[];
  perStack: { stack: string; before: number; after: number; monthlySaving: number }[];
  scenarios: PricingScenario[];
  opportunities: OpportunitiesDocument;
  /** Disk migrations the stack files declare: adopted (their saving counts once the file declares them), each in progress at its step with its temporary cost. */
  diskMigrations: DiskMigrationCost[];
  /** The review's saving plus what the migrations in progress still bill until they are over: the saving the stack files adopt. */
  adoptedMonthlySaving: number;
  /** Usage-based costs (usage files, stated volume claims) beside the declared resources. */
  usage: UsageSummary;
  /** The after side's costliest resources as configured, biggest first: where the rest of the bill is. */
  largestAfter: { stack: string; name: string; type: string; summary: string; monthly: number }[];
  /** With billing files: the same deliverables as billed in a month before and a month after the change. */
  billed?: BilledSide;
}

/** The usage lines of every stack, and what the change does to them. */
export interface UsageSummary {
  perStack: { stack: string; file?: string; declaredBefore: number; declaredAfter: number; usageBefore: number; usageAfter: number }[];
  lines: (UsageLine & { stack: string })[];
  notStated: (UsageNotStated & { stack: string })[];
  /** Usage of resources the change removes (before only) and adds (after only), per resource. */
  removed: { stack: string; resource: string; type: string; monthly: number }[];
  added: { stack: string; resource: string; type: string; monthly: number }[];
  /** The adopted saving with the usage lines' change counted. */
  adoptedWithUsage: number;
  /** Where the catalog's usage prices come from (price file, or pricing page and the day it was read). */
  priceSources: PriceCatalog["usage"]["sources"];
}

function usageSummary(review: CostReview, adoptedMonthlySaving: number, catalog: PriceCatalog): UsageSummary {
  const lines = review.stacks.flatMap((s) => (s.usage?.lines ?? []).map((line) => ({ ...line, stack: s.stack })));
  const byResource = new Map<string, { stack: string; resource: string; type: string; before: number; after: number }>();
  for (const line of lines) {
    const key = `${line.stack}|${line.type}|${line.resource}`;
    const entry = byResource.get(key) ?? { stack: line.stack, resource: line.resource, type: line.type, before: 0, after: 0 };
    entry[line.side] += line.monthly;
    byResource.set(key, entry);
  }
  const sidesOf = new Map<string, Set<string>>();
  for (const line of lines) {
    const key = `${line.stack}|${line.type}|${line.resource}`;
    sidesOf.set(key, (sidesOf.get(key) ?? new Set()).add(line.side));
  }
  const only = (side: "before" | "after") =>
    [...byResource.entries()]
      .filter(([key]) => sidesOf.get(key)!.size === 1 && sidesOf.get(key)!.has(side))
      .map(([, e]) => ({ stack: e.stack, resource: e.resource, type: e.type, monthly: e[side] }))
      .filter((e) => e.monthly > 0);
  const usageBefore = review.stacks.reduce((sum, s) => sum + (s.usage?.totals.before ?? 0), 0);
  const usageAfter = review.stacks.reduce((sum, s) => sum + (s.usage?.totals.after ?? 0), 0);
  return {
    perStack: review.stacks.map((s) => ({
      stack: s.stack,
      ...(s.usage?.file ? { file: s.usage.file } : {}),
      declaredBefore: s.comparison.totals.before,
      declaredAfter: s.comparison.totals.after,
      usageBefore: s.usage?.totals.before ?? 0,
      usageAfter: s.usage?.totals.after ?? 0,
    })),
    lines,
    notStated: review.stacks.flatMap((s) => (s.usage?.notStated ?? []).map((n) => ({ ...n, stack: s.stack }))),
    removed: only("before"),
    added: only("after"),
    adoptedWithUsage: adoptedMonthlySaving + usageBefore - usageAfter,
    priceSources: catalog.usage.sources,
  };
}

function poolSide(priced: PricedResource | null, catalog: PriceCatalog): PoolSide | null {
  const pool = poolShape(priced ?? undefined, catalog);
  if (!priced || !pool) return null;
  const { nodes } = pool;
  return {
    machineType: pool.machineType,
    nodes,
    vcpu: pool.vcpuPerNode * nodes,
    memoryGb: pool.memoryGbPerNode * nodes,
    diskType: pool.diskType,
    diskGb: pool.diskGb * nodes,
    spot: pool.spot,
    monthly: priced.monthly,
  };
}

function poolComparisons(review: StackCostReview, catalog: PriceCatalog): PoolComparison[] {
  return review.comparison.lines
    .filter((line) => line.type === NODE_POOL_TYPE)
    .map((line) => ({ pool: line.name, before: poolSide(line.before, catalog), after: poolSide(line.after, catalog) }));
}

function sideOf(priced: PricedResource | null): { summary: string; monthly: number } | null {
  return priced && priced.status === "priced" ? { summary: priced.summary ?? priced.type, monthly: priced.monthly } : null;
}

/** The after side of a stack with every node pool on spot: each pool's shape priced again as spot, totalled as the review totals a side. */
function afterWithSpotPools(review: StackCostReview, catalog: PriceCatalog): number {
  const lines = review.comparison.lines.map((line) => {
    const pool = line.after;
    if (line.type !== NODE_POOL_TYPE || pool?.status !== "priced" || pool.shape?.kind !== "machineGroup") return line;
    const spot = priceWhatIf(pool, withSpot(true), catalog);
    return spot.status === "priced" ? { ...line, after: spot } : line;
  });
  return countedTotals(lines).after;
}

/** Monthly saving of 1-year commitments on one side's steady production pools. */
function commitmentSaving(review: StackCostReview, side: "before" | "after", catalog: PriceCatalog): number {
  if (!PRODUCTION_STACKS.has(review.stack)) return 0;
  let saving = 0;
  for (const line of review.comparison.lines) {
    if (line.type !== NODE_POOL_TYPE) continue;
    const committed = oneYearCommitment(line[side] ?? undefined, catalog);
    if (committed && committed.machinesCommitted < committed.machinesOnDemand) saving += committed.machinesOnDemand - committed.machinesCommitted;
  }
  return saving;
}

function scenario(name: string, description: string, before: number, after: number): PricingScenario {
  return { name, description, before, after, monthlySaving: before - after, yearlySaving: (before - after) * 12 };
}

/**
 * The range of the saving across the ways of paying: the before side is what was billed (on
 * demand with sustained use, as the baseline declares); the after side as configured, with spot
 * for the testnet pools, with 1-year commitments for prod's steady pools, and with both.
 */
function pricingScenarios(review: CostReview, catalog: PriceCatalog): PricingScenario[] {
  const before = review.totals.before;
  const after = review.totals.after;
  let spotAfter = 0;
  for (const stackReview of review.stacks) {
    if (PRODUCTION_STACKS.has(stackReview.stack)) {
      spotAfter += stackReview.comparison.totals.after;
      continue;
    }
    spotAfter += afterWithSpotPools(stackReview, catalog);
  }
  const committed = review.stacks.reduce((sum, s) => sum + commitmentSaving(s, "after", catalog), 0);
  return [
    scenario("on-demand", "as configured and as the review prices it: on-demand with sustained-use discounts, spot where a pool already uses it", before, after),
    scenario("spot testnet pools", "the testnet stack's node pools on spot VMs", before, spotAfter),
    scenario("1-year commitment", "prod's steady node pools (fixed count, on demand) under 1-year committed-use prices", before, after - committed),
    scenario("spot + 1-year commitment", "both of the above", before, spotAfter - committed),
  ];
}

/** The seed pool as prod's graph carries it (the SeedNodePool component's inputs and the seeds' stated requests), never re-read from config. */
function seedPoolFromGraph(prod: ResourceRecord[]): SeedPoolFromGraph {
  const seeds = seedPoolOf(prod);
  if ("missing" in seeds) throw new Error(`prod: ${seeds.missing}`);
  return seeds;
}

/** Builds the report from the committed baselines and the program recorded now. */
export async function buildBudgetReport(options: { headroom?: number; billing?: BillingInput } = {}): Promise<BudgetReport> {
  const catalog = loadCatalog();
  // The review exactly as `infra-cost review --stack all` builds it, policy results included; paths shown from the project so the report reads the same wherever it is built.
  const { review, programs: recorded } = await buildReview({ stack: "all", showPathsFrom: PROJECT_ROOT }, catalog);
  const stackReviews = review.stacks;
  const baselineFiles = Object.fromEntries(stackReviews.map((s) => [s.stack, s.baselineFile]));
  const prod = recorded.find((r) => r.stack === "prod")!;
  const prodReview = stackReviews.find((s) => s.stack === "prod")!;
  const testnetReview = stackReviews.find((s) => s.stack === "testnet")!;
  const seeds = seedPoolFromGraph(prod.resources);
  const seedPool = poolComparisons(prodReview, catalog).find((p) => p.pool === seeds.poolName);
  if (!seedPool) throw new Error(`prod: the seed pool ${seeds.poolName} is in neither the baseline nor the program`);

  const diskMigrations = recorded.flatMap((r) => diskMigrationCosts(r.stack, r.resources, pricedByUrn(r.resources, catalog), catalog).costs);
  const billed = options.billing
    ? await buildBilledSide(
        options.billing,
        {
          baselines: readBaselines({ stack: "all" }).map((b) => ({ stack: b.stack, file: b.file, resources: b.graph.resources })),
          program: recorded.map((r) => ({ stack: r.stack, file: `Pulumi.${r.stack}.yaml`, resources: r.resources })),
        },
        seeds.poolName,
        catalog,
      )
    : undefined;
  const adoptedMonthlySaving = -review.totals.delta + diskMigrations.reduce((sum, m) => sum + m.temporaryMonthly, 0);
  const findings = recorded.map((r) => ({ stack: r.stack, findings: analyseStack({ stack: r.stack, resources: r.resources, config: r.config }, catalog, options) }));
  return {
    catalog: review.catalog,
    review,
    baselineFiles,
    seedPool,
    seedPoolConfig: { seedReplicas: seeds.seedReplicas, minAvailableSeeds: seeds.minAvailableSeeds, cpuRequest: seeds.requests.cpu, memoryRequestGiB: seeds.requests.memoryGiB },
    testnetPools: poolComparisons(testnetReview, catalog),
    testnetOtherChanges: testnetReview.comparison.lines
      .filter((line) => line.type !== NODE_POOL_TYPE)
      .map((line) => ({ name: line.name, type: line.type, before: sideOf(line.before), after: sideOf(line.after) }))
      .filter((c) => (c.before?.monthly ?? 0) !== (c.after?.monthly ?? 0)),
    perStack: stackReviews.map((s) => ({ stack: s.stack, before: s.comparison.totals.before, after: s.comparison.totals.after, monthlySaving: -s.comparison.totals.delta })),
    scenarios: pricingScenarios(review, catalog),
    opportunities: opportunitiesDocument(findings, catalog, options),
    diskMigrations,
    adoptedMonthlySaving,
    usage: usageSummary(review, adoptedMonthlySaving, catalog),
    largestAfter: stackReviews
      .flatMap((s) => s.comparison.lines.filter((l) => l.after && l.after.status === "priced" && l.after.monthly > 0).map((l) => ({ stack: s.stack, name: l.name, type: l.type, summary: l.after!.summary ?? l.type, monthly: l.after!.monthly })))
      .sort((a, b) => b.monthly - a.monthly || a.name.localeCompare(b.name))
      .slice(0, 5),
    ...(billed ? { billed } : {}),
  };
}

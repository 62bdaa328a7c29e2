/**
 * Rightsizing benchmark: the time of `opportunities` for both stacks (target <= 2 s) and of the
 * bin-packing search alone for pools of 50, 100 and 200 pods over every machine type the catalog
 * sells in the region (target < 200 ms at 200 pods). Medians of several runs.
 *   npm run bench:rightsizing
 */
import { loadCatalog } from "../catalog/catalog";
import { buildOpportunities } from "../cli/opportunitiesCommand";
import { PackingGroup, cheapestFit, machineCandidates } from "../opportunities/binPacking";

const REGION = "us-east1";
const OPPORTUNITY_RUNS = 5;
const SEARCH_RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A mixed pool: pods of varied sizes with a disruption budget on one group, deterministic so runs compare. */
function podGroups(pods: number): PackingGroup[] {
  const shapes = [
    { cpu: 0.25, memoryGiB: 0.5 },
    { cpu: 0.5, memoryGiB: 1.5 },
    { cpu: 1, memoryGiB: 2 },
    { cpu: 2, memoryGiB: 8 },
    { cpu: 0.1, memoryGiB: 0.25 },
  ];
  const groups: PackingGroup[] = [];
  const perShape = Math.floor(pods / shapes.length);
  shapes.forEach((shape, index) => {
    const replicas = index === shapes.length - 1 ? pods - perShape * (shapes.length - 1) : perShape;
    groups.push({ name: `group-${index}`, replicas, ...shape, ...(index === 1 ? { maxPerNode: Math.max(1, Math.floor(replicas / 4)) } : {}) });
  });
  return groups;
}

async function main(): Promise<void> {
  const catalog = loadCatalog();
  const opportunityTimes: number[] = [];
  let found = 0;
  for (let run = 0; run < OPPORTUNITY_RUNS; run++) {
    const started = process.hrtime.bigint();
    const document = await buildOpportunities("all");
    opportunityTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    found = document.opportunities.length;
  }
  console.log(`opportunities --stack all: median ${median(opportunityTimes).toFixed(0)} ms over ${OPPORTUNITY_RUNS} runs (first ${opportunityTimes[0].toFixed(0)} ms; ${found} opportunities; target <= 2000 ms)`);

  // Every machine type sold in the region: no family filter, as the target states.
  const candidates = machineCandidates(catalog, REGION, {
    bootDisk: { diskType: "pd-balanced", diskGb: 100 },
    spot: false,
    includeSharedCore: true,
    includeAccelerators: true,
    includeArm: true,
    includeCustom: true,
    includeHyperdiskOnly: true,
  });
  for (const pods of [50, 100, 200]) {
    const groups = podGroups(pods);
    const times: number[] = [];
    let outcome = cheapestFit(candidates, { groups, headroom: 0.2, zones: 1 });
    for (let run = 0; run < SEARCH_RUNS; run++) {
      const started = process.hrtime.bigint();
      outcome = cheapestFit(candidates, { groups, headroom: 0.2, zones: 1 });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const best = outcome.best ? `${outcome.best.nodes} x ${outcome.best.machineType} $${outcome.best.monthly.toFixed(2)}/month` : outcome.infeasible;
    console.log(
      `bin-packing ${pods} pods x ${candidates.length} machine types (${REGION}): median ${median(times).toFixed(2)} ms over ${SEARCH_RUNS} runs ` +
        `(packed ${outcome.packed}, pruned ${outcome.pruned}, rejected ${outcome.rejected}; best ${best}; target < 200 ms)`,
    );
  }
  // The worst case for the prune: every candidate fully packed.
  const groups = podGroups(200);
  const unpruned: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = process.hrtime.bigint();
    for (const candidate of candidates) cheapestFit([candidate], { groups, headroom: 0.2, zones: 1 });
    unpruned.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  console.log(`bin-packing 200 pods, every machine type packed (no prune): median ${median(unpruned).toFixed(2)} ms`);
}

main().catch((err) => {
  console.error(`bench:rightsizing: ${(err as Error).message}`);
  process.exit(1);
});

/**
 * Node pools larger (or smaller) than the pods pinned to them need: the pods' requests plus
 * headroom, packed onto the cheapest catalog machine type x count in the pool's region that keeps
 * every pod on one node and every disruption budget drainable. Pools with no pod the program or its
 * config knows about are left alone: their pods are managed elsewhere and sizing them to zero would
 * be wrong.
 */
import { priceWhatIf } from "../cost/engine";
import { PriceCatalog } from "../catalog/catalog";
import { StackConfig } from "../config";
import type { PricedResource } from "../cost/model";
import { money } from "../cost/money";
import { ResourceRecord } from "../graph/resourceRecord";
import { gkeAllocatable } from "../sizing/gkeAllocatable";
import { CandidateFilter, MachineCandidate, PackingRequest, cheapestFit, machineCandidates, packOnto } from "./binPacking";
import { commandChange, configEdits, nodePoolConfigKey } from "./configKeys";
import { ConsideredResource, MINIMUM_MONTHLY_SAVING, Opportunity, PoolFit, PoolFitSide, StackFindings } from "./opportunity";
import { PodGroup, podsPerPool } from "./podsPerPool";
import { combine, nodeMonthly, withMachineType, withNodeCount } from "./repricing";
import { machineSize } from "../cost/pricers/machineGroup";

export const DEFAULT_HEADROOM = 0.2;

export interface RightsizingOptions {
  /** Fraction added to every request; default 0.2. */
  headroom?: number;
  /** Candidate machine types; default: the catalog's, filtered (no shared-core, accelerator, Arm, custom types). */
  candidateFilter?: Partial<Omit<CandidateFilter, "bootDisk" | "spot">>;
}

/** A priced node pool as rightsizing reads it: its machine-group shape plus each machine's size from the catalog. */
export interface PoolShape {
  machineType: string;
  nodes: number;
  zones: number;
  spot: boolean;
  diskType: string;
  diskGb: number;
  region: string;
  vcpuPerNode: number;
  memoryGbPerNode: number;
  autoscaled: boolean;
}

/** The pool's shape as its reader made it (cost/shapes.ts MachineGroupShape), or undefined when not priced as a machine group. */
export function poolShape(priced: PricedResource | undefined, catalog: PriceCatalog): PoolShape | undefined {
  const group = priced?.status === "priced" && priced.shape?.kind === "machineGroup" ? priced.shape : undefined;
  const size = group ? machineSize(catalog, group.machineType) : undefined;
  if (!group || !group.bootDisk || !size) return undefined;
  return {
    machineType: group.machineType,
    nodes: group.nodes,
    zones: group.zones,
    spot: group.spot,
    diskType: group.bootDisk.diskType,
    diskGb: group.bootDisk.diskGb,
    region: group.region,
    vcpuPerNode: size.vcpu,
    memoryGbPerNode: size.memoryGb,
    autoscaled: group.autoscaling !== undefined,
  };
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);

function describeDemand(groups: PodGroup[]): string {
  return groups
    .map((g) => {
      const cap = g.largestRequests ? `, autoscaler cap ${fixed(g.largestRequests.cpu)} vCPU / ${fixed(g.largestRequests.memoryGiB)} GiB` : "";
      const origin = g.source === "stated" ? (g.inferred !== undefined ? "stated in config, inferred" : "stated in config") : "the declared workload";
      return `${g.replicas} x ${g.name} (${fixed(g.cpu)} vCPU / ${fixed(g.memoryGiB)} GiB each${cap}, ${origin})`;
    })
    .join(", ");
}

/** The candidate for the pool's current machine type even when the filter would leave it out. */
function currentCandidate(catalog: PriceCatalog, shape: PoolShape): MachineCandidate | undefined {
  const machine = catalog.machineTypes[shape.machineType];
  const monthlyPerNode = nodeMonthly(catalog, shape.machineType, shape.region, shape.spot, { diskType: shape.diskType, diskGb: shape.diskGb });
  if (!machine || monthlyPerNode === undefined) return undefined;
  return { machineType: shape.machineType, vcpu: machine.vcpu, memoryGb: machine.memoryGb, allocatable: gkeAllocatable(machine.vcpu, machine.memoryGb), monthlyPerNode };
}

export function rightsizePools(
  stack: string,
  resources: ResourceRecord[],
  priced: Map<string, PricedResource>,
  config: StackConfig | undefined,
  catalog: PriceCatalog,
  options: RightsizingOptions = {},
): StackFindings {
  const headroom = options.headroom ?? DEFAULT_HEADROOM;
  const findings: StackFindings = { opportunities: [], considered: [], warnings: [], pools: [] };
  const placement = podsPerPool(resources);
  const consider = (resource: string, note: string) => findings.considered.push({ stack, kind: "rightsizing", resource, note } satisfies ConsideredResource);

  for (const pool of placement.pools) {
    const pricedPool = priced.get(pool.urn);
    const shape = poolShape(pricedPool, catalog);
    if (!shape || !pricedPool) {
      consider(pool.pool, `not priced (${pricedPool?.unpricedReason ?? "no machine type or count"}): not rightsized`);
      continue;
    }
    if (pool.groups.length === 0) {
      consider(pool.pool, "no workload the program declares is pinned to this pool and config poolWorkloads states none for it: not rightsized (state its pods to size it)");
      continue;
    }
    const request: PackingRequest = {
      groups: pool.groups.map((g) => ({ name: g.name, replicas: g.replicas, cpu: g.cpu, memoryGiB: g.memoryGiB, maxPerNode: g.maxPerNode, largestRequests: g.largestRequests })),
      headroom,
      zones: shape.zones,
    };
    const bootDisk = { diskType: shape.diskType, diskGb: shape.diskGb };
    const search = cheapestFit(machineCandidates(catalog, shape.region, { ...options.candidateFilter, bootDisk, spot: shape.spot }), request);
    const budgets = pool.groups.filter((g) => g.disruptionBudget).map((g) => g.disruptionBudget);
    const demandText = `${describeDemand(pool.groups)}: ${fixed(search.demand.cpu / (1 + headroom))} vCPU / ${fixed(search.demand.memoryGiB / (1 + headroom))} GiB, ${fixed(search.demand.cpu)} / ${fixed(search.demand.memoryGiB)} with ${Math.round(headroom * 100)} % headroom${budgets.length ? `; ${budgets.join("; ")}` : ""}`;

    const current = currentCandidate(catalog, shape);
    const currentFit = current ? packOnto(current, request) : undefined;
    const side = (machineType: string, nodes: number, monthly: number): PoolFitSide => {
      const machine = catalog.machineTypes[machineType];
      const allocatable = gkeAllocatable(machine?.vcpu ?? shape.vcpuPerNode, machine?.memoryGb ?? shape.memoryGbPerNode);
      return { machineType, nodes, allocatableCpu: allocatable.cpu * nodes, allocatableMemoryGiB: allocatable.memoryGiB * nodes, monthly };
    };
    const fit: PoolFit = {
      stack,
      pool: pool.pool,
      requests: {
        pods: pool.groups.reduce((sum, g) => sum + g.replicas, 0),
        cpu: pool.groups.reduce((sum, g) => sum + g.replicas * g.cpu, 0),
        memoryGiB: pool.groups.reduce((sum, g) => sum + g.replicas * g.memoryGiB, 0),
      },
      withHeadroom: { cpu: search.demand.cpu, memoryGiB: search.demand.memoryGiB },
      demand: describeDemand(pool.groups),
      inferred: pool.groups.filter((g) => g.inferred !== undefined).map((g) => g.name),
      current: side(shape.machineType, shape.nodes, pricedPool.monthly),
      outcome: "kept",
    };
    findings.pools!.push(fit);
    if (current && !currentFit) {
      findings.warnings.push(`${stack}: node pool ${pool.pool}: a pod of ${describeDemand(pool.groups)} does not fit one ${shape.machineType} node (with ${Math.round(headroom * 100)} % headroom)`);
    } else if (currentFit && currentFit.nodes > shape.nodes) {
      findings.warnings.push(
        `${stack}: node pool ${pool.pool}: ${shape.nodes} x ${shape.machineType} is too few for ${demandText}; it needs ${currentFit.nodes} (bound by ${currentFit.boundBy})`,
      );
    }
    if (search.infeasible || !search.best) {
      fit.outcome = "infeasible";
      consider(pool.pool, `no machine type fits: ${search.infeasible ?? "no candidate"}`);
      continue;
    }
    const best = search.best;
    if (best.machineType === shape.machineType && best.nodes === shape.nodes) {
      fit.proposed = fit.current;
      consider(pool.pool, `already the cheapest fit: ${shape.nodes} x ${shape.machineType} for ${demandText}`);
      continue;
    }
    const perZone = best.nodes / shape.zones;
    const proposed = priceWhatIf(pricedPool, combine(withMachineType(best.machineType), withNodeCount(perZone)), catalog);
    const saving = pricedPool.monthly - proposed.monthly;
    fit.proposed = side(best.machineType, best.nodes, proposed.monthly);
    if (saving < MINIMUM_MONTHLY_SAVING) {
      fit.proposed = fit.current;
      consider(pool.pool, `the cheapest fit, ${best.nodes} x ${best.machineType} at ${money(proposed.monthly)}/month, does not cost less than ${shape.nodes} x ${shape.machineType} at ${money(pricedPool.monthly)} (${demandText})`);
      continue;
    }
    const key = config ? nodePoolConfigKey(config, pool.pool) : undefined;
    const edits: { key: string; value: string | number | null }[] = key
      ? [{ key: `${key}.machineType`, value: best.machineType }, { key: `${key}.nodeCount`, value: perZone }, ...(shape.autoscaled ? [{ key: `${key}.autoscaling`, value: null }] : [])]
      : [];
    const opportunity: Opportunity = {
      id: `${stack}/rightsizing/${pool.pool}`,
      stack,
      kind: "rightsizing",
      urn: pool.urn,
      resource: pool.pool,
      monthlySaving: saving,
      currentMonthly: pricedPool.monthly,
      proposedMonthly: proposed.monthly,
      rationale:
        `${demandText}. ${best.nodes} x ${best.machineType} (${fixed(best.allocatable.cpu)} vCPU / ${fixed(best.allocatable.memoryGiB)} GiB allocatable each, count bound by ${best.boundBy}) ` +
        `is the cheapest fit of ${search.packed + search.pruned} machine types: ${money(proposed.monthly)}/month against ${money(pricedPool.monthly)} for ${shape.nodes} x ${shape.machineType}.`,
      configChange: key
        ? configEdits(stack, edits, "assumes the scheduler spreads the pods (default scoring or a topology spread constraint) so no node exceeds the disruption budget's share")
        : commandChange(stack, `set nodeConfig.machineType ${best.machineType} and nodeCount ${perZone} on node pool ${pool.pool}`, "no config key of this stack declares the pool"),
      countsTowardTotal: fit.inferred.length === 0,
      ...(fit.inferred.length
        ? { risk: `the demand of ${fit.inferred.join(", ")} is inferred (no source gives it): measure the pods' requests (kubectl top / the VPA's recommendation) before applying` }
        : {}),
    };
    fit.outcome = "rightsized";
    findings.opportunities.push(opportunity);
  }
  for (const workload of placement.unplaced) consider(workload.name, `not charged to a pool: ${workload.reason}`);
  return findings;
}

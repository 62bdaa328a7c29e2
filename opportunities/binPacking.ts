/**
 * The cheapest machine type x node count that holds a pool's pods.
 *
 * For each candidate machine type: the pods' requests (with headroom) must each fit one node's
 * allocatable (GKE reservations taken off), no node may hold more pods of a group than its
 * PodDisruptionBudget lets a drain evict, and the count is a multiple of the pool's zones (GKE
 * counts nodes per zone). The node count is first-fit-decreasing's packing, never below the
 * volume and disruption lower bound. Candidates are tried in order of their lower-bound cost, so
 * the search stops at the first whose lower bound already costs more than the best found: that
 * prune keeps hundreds of machine types x hundreds of pods in milliseconds.
 */
import { PriceCatalog } from "../catalog/catalog";
import { Allocatable, gkeAllocatable } from "../sizing/gkeAllocatable";
import type { BootDiskShape } from "../cost/shapes";
import { nodeMonthly } from "./repricing";

/** Identical pods; `maxPerNode` from their disruption budget (absent: unlimited). */
export interface PackingGroup {
  name: string;
  replicas: number;
  cpu: number;
  memoryGiB: number;
  maxPerNode?: number;
  /**
   * The largest requests one pod may be given (a vertical pod autoscaler's cap): a node must be
   * able to hold one such pod, so smaller machines are rejected. Not multiplied by the headroom.
   */
  largestRequests?: { cpu: number; memoryGiB: number };
}

export interface MachineCandidate {
  machineType: string;
  vcpu: number;
  memoryGb: number;
  allocatable: Allocatable;
  /** USD a month of one node (machine + boot disk), as the engine's arithmetic prices it. */
  monthlyPerNode: number;
}

export interface PackingRequest {
  groups: PackingGroup[];
  /** Fraction added to every request (0.2: 20 %) for growth and for what the pods burst to. */
  headroom: number;
  /** Nodes come in multiples of this (GKE's nodeCount is per zone). */
  zones: number;
}

export interface PackedPool {
  machineType: string;
  /** Nodes across all zones. */
  nodes: number;
  monthly: number;
  monthlyPerNode: number;
  vcpu: number;
  memoryGb: number;
  allocatable: Allocatable;
  /** Why this count: "packing", "disruption budget", "zones". */
  boundBy: string;
}

export interface SearchOutcome {
  best?: PackedPool;
  /** Pod requests with headroom, summed: what the search had to place. */
  demand: { cpu: number; memoryGiB: number; pods: number };
  /** Candidates fully packed / skipped by the lower-bound prune / rejected because a pod fits no node. */
  packed: number;
  pruned: number;
  rejected: number;
  /** Set when no candidate can hold the pods at all (a budget that allows no eviction, a pod larger than every machine). */
  infeasible?: string;
}

const EPSILON = 1e-9;

function ceilDiv(amount: number, per: number): number {
  return Math.ceil(amount / per - EPSILON);
}

function roundUpTo(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** Expanded pods with headroom, biggest first by the candidate's scarcer dimension. */
interface Pod {
  cpu: number;
  memoryGiB: number;
  group: number;
}

function expandPods(request: PackingRequest): Pod[] {
  const factor = 1 + request.headroom;
  const pods: Pod[] = [];
  request.groups.forEach((group, index) => {
    for (let i = 0; i < group.replicas; i++) pods.push({ cpu: group.cpu * factor, memoryGiB: group.memoryGiB * factor, group: index });
  });
  return pods;
}

/** Lower bound on nodes of one shape: volume in each dimension, disruption budgets, zones. */
function lowerBound(pods: Pod[], request: PackingRequest, allocatable: Allocatable, demand: { cpu: number; memoryGiB: number }): { nodes: number; boundBy: string } {
  const byVolume = Math.max(ceilDiv(demand.cpu, allocatable.cpu), ceilDiv(demand.memoryGiB, allocatable.memoryGiB), pods.length > 0 ? 1 : 0);
  let byBudget = 0;
  for (const group of request.groups) {
    if (group.maxPerNode !== undefined && group.maxPerNode > 0) byBudget = Math.max(byBudget, ceilDiv(group.replicas, group.maxPerNode));
  }
  const nodes = roundUpTo(Math.max(byVolume, byBudget), request.zones);
  const boundBy = byBudget > byVolume ? "disruption budget" : nodes > byVolume ? "zones" : "packing";
  return { nodes, boundBy };
}

/**
 * First-fit decreasing onto nodes of one shape: each pod goes on the first node with room in CPU,
 * memory and its group's per-node limit. Returns the node count (before the zone rounding).
 */
export function firstFitDecreasing(pods: Pod[], groups: PackingGroup[], allocatable: Allocatable): number {
  const sized = pods
    .map((pod) => ({ pod, size: Math.max(pod.cpu / allocatable.cpu, pod.memoryGiB / allocatable.memoryGiB) }))
    .sort((a, b) => b.size - a.size);
  const cpuLeft: number[] = [];
  const memoryLeft: number[] = [];
  const groupCount: number[][] = [];
  for (const { pod } of sized) {
    const limit = groups[pod.group].maxPerNode ?? Infinity;
    let node = 0;
    for (; node < cpuLeft.length; node++) {
      if (cpuLeft[node] + EPSILON >= pod.cpu && memoryLeft[node] + EPSILON >= pod.memoryGiB && groupCount[node][pod.group] < limit) break;
    }
    if (node === cpuLeft.length) {
      cpuLeft.push(allocatable.cpu);
      memoryLeft.push(allocatable.memoryGiB);
      groupCount.push(new Array(groups.length).fill(0));
    }
    cpuLeft[node] -= pod.cpu;
    memoryLeft[node] -= pod.memoryGiB;
    groupCount[node][pod.group]++;
  }
  return cpuLeft.length;
}

/** The largest single pod the shape must hold: a pod with headroom, or one at its autoscaler's cap. */
function largestPod(pods: Pod[], request: PackingRequest): { cpu: number; memoryGiB: number } {
  const caps = request.groups.filter((g) => g.replicas > 0 && g.largestRequests).map((g) => g.largestRequests!);
  return {
    cpu: Math.max(0, ...pods.map((p) => p.cpu), ...caps.map((c) => c.cpu)),
    memoryGiB: Math.max(0, ...pods.map((p) => p.memoryGiB), ...caps.map((c) => c.memoryGiB)),
  };
}

/** Packs the pods onto one machine shape; undefined when some pod (or one grown to its autoscaler's cap) fits no node of it. */
export function packOnto(candidate: MachineCandidate, request: PackingRequest): PackedPool | undefined {
  const pods = expandPods(request);
  const largest = largestPod(pods, request);
  if (largest.cpu > candidate.allocatable.cpu + EPSILON || largest.memoryGiB > candidate.allocatable.memoryGiB + EPSILON) return undefined;
  const demand = totalDemand(pods);
  const bound = lowerBound(pods, request, candidate.allocatable, demand);
  return finish(candidate, request, pods, bound);
}

function finish(candidate: MachineCandidate, request: PackingRequest, pods: Pod[], bound: { nodes: number; boundBy: string }): PackedPool {
  const packed = roundUpTo(firstFitDecreasing(pods, request.groups, candidate.allocatable), request.zones);
  const nodes = Math.max(packed, bound.nodes);
  return {
    machineType: candidate.machineType,
    nodes,
    monthly: nodes * candidate.monthlyPerNode,
    monthlyPerNode: candidate.monthlyPerNode,
    vcpu: candidate.vcpu,
    memoryGb: candidate.memoryGb,
    allocatable: candidate.allocatable,
    boundBy: packed > bound.nodes ? "packing" : bound.boundBy,
  };
}

function totalDemand(pods: Pod[]): { cpu: number; memoryGiB: number } {
  return pods.reduce((sum, pod) => ({ cpu: sum.cpu + pod.cpu, memoryGiB: sum.memoryGiB + pod.memoryGiB }), { cpu: 0, memoryGiB: 0 });
}

/** The cheapest candidate x count holding the pods (ties: fewer nodes, then the machine type's name). */
export function cheapestFit(candidates: MachineCandidate[], request: PackingRequest): SearchOutcome {
  const pods = expandPods(request);
  const demand = { ...totalDemand(pods), pods: pods.length };
  const outcome: SearchOutcome = { demand, packed: 0, pruned: 0, rejected: 0 };
  const blocked = request.groups.find((group) => group.replicas > 0 && group.maxPerNode === 0);
  if (blocked) {
    outcome.infeasible = `${blocked.name}: the disruption budget allows no eviction, so no node holding one of its pods can ever be drained`;
    return outcome;
  }
  const largest = largestPod(pods, request);
  const largestCpu = largest.cpu;
  const largestMemory = largest.memoryGiB;

  const ordered: { candidate: MachineCandidate; bound: { nodes: number; boundBy: string }; boundCost: number }[] = [];
  for (const candidate of candidates) {
    // Per-pod minimum: the largest pod (with headroom, or at its autoscaler's cap) must fit one node.
    if (largestCpu > candidate.allocatable.cpu + EPSILON || largestMemory > candidate.allocatable.memoryGiB + EPSILON) {
      outcome.rejected++;
      continue;
    }
    const bound = lowerBound(pods, request, candidate.allocatable, demand);
    ordered.push({ candidate, bound, boundCost: bound.nodes * candidate.monthlyPerNode });
  }
  ordered.sort((a, b) => a.boundCost - b.boundCost || a.candidate.machineType.localeCompare(b.candidate.machineType));

  for (let index = 0; index < ordered.length; index++) {
    const { candidate, bound, boundCost } = ordered[index];
    if (outcome.best && boundCost > outcome.best.monthly - EPSILON) {
      // Sorted by lower-bound cost: every remaining candidate costs at least as much.
      outcome.pruned += ordered.length - index;
      break;
    }
    const packed = finish(candidate, request, pods, bound);
    outcome.packed++;
    const best = outcome.best;
    if (!best || packed.monthly < best.monthly - EPSILON || (Math.abs(packed.monthly - best.monthly) <= EPSILON && packed.nodes < best.nodes)) {
      outcome.best = packed;
    }
  }
  if (!outcome.best && ordered.length === 0) {
    outcome.infeasible = `no candidate machine type can hold the largest pod (${largestCpu.toFixed(2)} vCPU, ${largestMemory.toFixed(2)} GiB with headroom or at its autoscaler's cap)`;
  }
  return outcome;
}

/** Families that are not general nodes for these pools: GPU/accelerator machines. */
export const ACCELERATOR_FAMILIES = new Set(["a2", "a3", "a4", "g2", "g4"]);
/** Shared-core machines: a fraction of a core, bursting; GKE reserves most of them. */
export const SHARED_CORE_TYPES = /^(e2-(micro|small|medium)|f1-micro|g1-small)$/;
/** Arm families: the node images must be arm64 builds, which pocket-core and geth images of the time were not. */
export const ARM_FAMILIES = new Set(["t2a", "c4a", "n4a"]);
/** Families whose boot disk must be Hyperdisk: they cannot take a pool's pd-standard/pd-balanced/pd-ssd boot disk. */
export const HYPERDISK_ONLY_FAMILIES = new Set(["c4", "c4a", "c4d", "c4n", "n4", "n4a", "n4d", "m4", "x4", "h4d"]);

export interface CandidateFilter {
  /** Default false: shared-core types are excluded. */
  includeSharedCore?: boolean;
  /** Default false: GPU/accelerator families are excluded. */
  includeAccelerators?: boolean;
  /** Default false: Arm families are excluded (images must be arm64). */
  includeArm?: boolean;
  /** Default false: custom machine types (priced per vCPU/GiB in practice) are excluded. */
  includeCustom?: boolean;
  /** Default false: families that boot only from Hyperdisk are excluded when the boot disk is a pd-* type. */
  includeHyperdiskOnly?: boolean;
  /** The pool's boot disk; families that cannot boot from its type are excluded (priced as given either way). */
  bootDisk: BootDiskShape;
  spot: boolean;
}

/** Every catalog machine type offered in the region that passes the filter, with its allocatable and per-node price. */
export function machineCandidates(catalog: PriceCatalog, region: string, filter: CandidateFilter): MachineCandidate[] {
  const candidates: MachineCandidate[] = [];
  for (const [machineType, machine] of Object.entries(catalog.machineTypes)) {
    if (!machine.prices[region]) continue;
    if (!filter.includeSharedCore && SHARED_CORE_TYPES.test(machineType)) continue;
    if (!filter.includeAccelerators && ACCELERATOR_FAMILIES.has(machine.family)) continue;
    if (!filter.includeArm && ARM_FAMILIES.has(machine.family)) continue;
    if (!filter.includeCustom && machine.family === "custom") continue;
    if (!filter.includeHyperdiskOnly && filter.bootDisk.diskType.startsWith("pd-") && HYPERDISK_ONLY_FAMILIES.has(machine.family)) continue;
    const monthlyPerNode = nodeMonthly(catalog, machineType, region, filter.spot, filter.bootDisk);
    if (monthlyPerNode === undefined) continue;
    candidates.push({ machineType, vcpu: machine.vcpu, memoryGb: machine.memoryGb, allocatable: gkeAllocatable(machine.vcpu, machine.memoryGb), monthlyPerNode });
  }
  return candidates;
}

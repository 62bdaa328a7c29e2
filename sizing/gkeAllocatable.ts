/**
 * What a GKE node leaves to pods: its vCPU and memory less GKE's reservations for the kubelet and
 * system daemons and the kubelet's eviction threshold (GKE docs, "Standard cluster architecture:
 * node allocatable resources").
 */

/** Memory GKE reserves, in GiB, by tiers of the node's memory. */
const MEMORY_TIERS: [upToGiB: number, fraction: number][] = [
  [4, 0.25],
  [8, 0.2],
  [16, 0.1],
  [128, 0.06],
  [Infinity, 0.02],
];
/** CPU GKE reserves, in cores, by tiers of the node's cores. */
const CPU_TIERS: [upToCores: number, fraction: number][] = [
  [1, 0.06],
  [2, 0.01],
  [4, 0.005],
  [Infinity, 0.0025],
];
/** The kubelet's hard eviction threshold (memory.available < 100Mi). */
const EVICTION_GIB = 100 / 1024;
/** Machines under 1 GiB get a flat 255 MiB reservation. */
const SMALL_MACHINE_RESERVED_GIB = 255 / 1024;

function tiered(amount: number, tiers: [number, number][]): number {
  let reserved = 0;
  let floor = 0;
  for (const [upTo, fraction] of tiers) {
    if (amount <= floor) break;
    reserved += (Math.min(amount, upTo) - floor) * fraction;
    floor = upTo;
  }
  return reserved;
}

export interface Allocatable {
  cpu: number;
  memoryGiB: number;
}

export function gkeAllocatable(vcpu: number, memoryGiB: number): Allocatable {
  const reservedMemory = memoryGiB < 1 ? SMALL_MACHINE_RESERVED_GIB : tiered(memoryGiB, MEMORY_TIERS);
  return {
    cpu: Math.max(0, vcpu - tiered(vcpu, CPU_TIERS)),
    memoryGiB: Math.max(0, memoryGiB - reservedMemory - EVICTION_GIB),
  };
}

/** Nodes of one shape needed to hold pods' total requests (a volume bound; per-pod fit is the caller's). */
export function nodesForRequests(total: { cpu: number; memoryGiB: number }, node: Allocatable): number {
  if (total.cpu <= 0 && total.memoryGiB <= 0) return 0;
  return Math.max(Math.ceil(total.cpu / node.cpu), Math.ceil(total.memoryGiB / node.memoryGiB), 1);
}

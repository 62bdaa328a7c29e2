import { loadCatalog } from "../../catalog/catalog";
import { MachineCandidate, PackingRequest, cheapestFit, machineCandidates, packOnto } from "../../opportunities/binPacking";
import { gkeAllocatable } from "../../sizing/gkeAllocatable";
import { nodeMonthly } from "../../opportunities/repricing";

const catalog = loadCatalog();
const REGION = "us-east1";
const BOOT_DISK = { diskType: "pd-balanced", diskGb: 100 };

/** A hand-picked candidate list, priced from the real catalog, small enough to work the optimum out by hand. */
function candidates(types: string[]): MachineCandidate[] {
  return types.map((machineType) => {
    const machine = catalog.machineTypes[machineType];
    return { machineType, vcpu: machine.vcpu, memoryGb: machine.memoryGb, allocatable: gkeAllocatable(machine.vcpu, machine.memoryGb), monthlyPerNode: nodeMonthly(catalog, machineType, REGION, false, BOOT_DISK)! };
  });
}

const HAND_PICKED = ["e2-standard-2", "e2-standard-4", "e2-standard-8", "n1-standard-4", "n1-standard-8", "e2-highcpu-8", "e2-highmem-2"];

/** 5 pods of 1 vCPU / 2 GiB and 1 of 0.5 vCPU / 2 GiB: 5.5 vCPU / 12 GiB; with 20 % headroom 6.6 / 14.4. */
function issueExample(maxPerNode?: number): PackingRequest {
  return {
    groups: [
      { name: "big", replicas: 5, cpu: 1, memoryGiB: 2, ...(maxPerNode !== undefined ? { maxPerNode } : {}) },
      { name: "small", replicas: 1, cpu: 0.5, memoryGiB: 2 },
    ],
    headroom: 0.2,
    zones: 1,
  };
}

describe("cheapestFit: a constructed pool with a known optimum", () => {
  test("5.5 vCPU / 12 GiB with 20 % headroom: one n1-standard-8", () => {
    // Worked by hand from the catalog (us-east1, 730 h, n1 30 % sustained use, e2 none; pd-balanced
    // 100 GB boot disk $10.00/node). Pods with headroom: 5 x (1.2 vCPU, 2.4 GiB) + (0.6, 2.4).
    // Allocatable (GKE tiers):       vCPU   GiB     nodes needed           USD/month
    //   e2-standard-2  (2, 8)        1.93   6.10    5 (one 1.2 pod each)   5 x 58.92 = 294.59
    //   e2-standard-4  (4, 16)       3.92  13.30    2 (3 + 2 pods)         2 x 107.84 = 215.67
    //   n1-standard-4  (4, 15)       3.92  12.40    2                      2 x 107.09 = 214.18
    //   e2-standard-8  (8, 32)       7.91  28.34    1                      205.67
    //   n1-standard-8  (8, 30)       7.91  26.46    1                      194.18 + 10 = 204.18  <- optimum
    //   e2-highcpu-8   (8, 8)        7.91   6.10    3 (memory 14.4 / 6.1)  3 x 154.45 = 463.35
    //   e2-highmem-2   (2, 16)       1.93  13.30    5                      5 x 75.99 = 379.96
    const outcome = cheapestFit(candidates(HAND_PICKED), issueExample());
    expect(outcome.best?.machineType).toBe("n1-standard-8");
    expect(outcome.best?.nodes).toBe(1);
    expect(outcome.best?.monthly).toBeCloseTo(0.379998 * 730 * 0.7 + 10, 6);
    expect(outcome.demand.cpu).toBeCloseTo(6.6, 9);
    expect(outcome.demand.memoryGiB).toBeCloseTo(14.4, 9);
    // The prune: the three candidates whose lower bound already costs more than 204.18 are never packed.
    expect(outcome.packed + outcome.pruned).toBe(HAND_PICKED.length);
    expect(outcome.pruned).toBeGreaterThan(0);
  });

  test("a disruption budget of 2 per node forces at least 3 nodes, which changes the answer to 5 x e2-standard-2", () => {
    // With at most 2 big pods a node: 3 nodes of 4 vCPU (n1-standard-4 3 x 107.09 = 321.27), or 5 of
    // e2-standard-2 (CPU already allows only one big pod each): 5 x 58.92 = 294.59, the cheapest.
    const outcome = cheapestFit(candidates(HAND_PICKED), issueExample(2));
    expect(outcome.best?.machineType).toBe("e2-standard-2");
    expect(outcome.best?.nodes).toBe(5);
    expect(outcome.best?.monthly).toBeCloseTo(5 * (0.06701142 * 730 + 10), 6);
    const n1 = packOnto(candidates(["n1-standard-8"])[0], issueExample(2))!;
    expect(n1.nodes).toBe(3);
    expect(n1.boundBy).toBe("disruption budget");
  });

  test("PDB minimum: 10 seeds with minAvailable 7 need at least ceil(10 / 3) = 4 nodes even when one node holds them all", () => {
    const request: PackingRequest = { groups: [{ name: "seeds", replicas: 10, cpu: 0.1, memoryGiB: 0.1, maxPerNode: 3 }], headroom: 0.2, zones: 1 };
    const outcome = cheapestFit(candidates(["e2-standard-8"]), request);
    expect(outcome.best?.nodes).toBe(4);
  });

  test("a budget that allows no eviction is infeasible, said in words", () => {
    const request: PackingRequest = { groups: [{ name: "seeds", replicas: 3, cpu: 0.5, memoryGiB: 1, maxPerNode: 0 }], headroom: 0.2, zones: 1 };
    const outcome = cheapestFit(candidates(HAND_PICKED), request);
    expect(outcome.best).toBeUndefined();
    expect(outcome.infeasible).toMatch(/allows no eviction/);
  });

  test("per-pod fit: a 3 vCPU pod (3.6 with headroom) rules out every 2 vCPU machine", () => {
    const request: PackingRequest = { groups: [{ name: "geth", replicas: 1, cpu: 3, memoryGiB: 4 }], headroom: 0.2, zones: 1 };
    const outcome = cheapestFit(candidates(["e2-standard-2", "e2-highmem-2", "e2-standard-4"]), request);
    expect(outcome.rejected).toBe(2);
    expect(outcome.best?.machineType).toBe("e2-standard-4");
    expect(packOnto(candidates(["e2-standard-2"])[0], request)).toBeUndefined();
    const tooBig: PackingRequest = { groups: [{ name: "huge", replicas: 1, cpu: 500, memoryGiB: 1 }], headroom: 0, zones: 1 };
    expect(cheapestFit(candidates(HAND_PICKED), tooBig).infeasible).toMatch(/largest pod/);
  });

  test("node counts are multiples of the pool's zones", () => {
    const request = { ...issueExample(), zones: 3 };
    const outcome = cheapestFit(candidates(HAND_PICKED), request);
    expect(outcome.best!.nodes % 3).toBe(0);
  });

  test("the pruned search finds the same optimum as packing every catalog machine type", () => {
    const all = machineCandidates(catalog, REGION, { bootDisk: BOOT_DISK, spot: false });
    const requests: PackingRequest[] = [
      issueExample(),
      issueExample(2),
      { groups: [{ name: "seeds", replicas: 10, cpu: 0.5, memoryGiB: 1.5, maxPerNode: 3 }], headroom: 0.2, zones: 1 },
      { groups: [{ name: "a", replicas: 37, cpu: 0.3, memoryGiB: 1.1 }, { name: "b", replicas: 9, cpu: 2, memoryGiB: 7 }], headroom: 0.1, zones: 1 },
    ];
    for (const request of requests) {
      const exhaustive = Math.min(...all.map((c) => packOnto(c, request)?.monthly ?? Infinity));
      expect(cheapestFit(all, request).best!.monthly).toBeCloseTo(exhaustive, 6);
    }
  });

  test("the default candidates leave out shared-core, accelerator, Arm, custom and Hyperdisk-only types", () => {
    const names = machineCandidates(catalog, REGION, { bootDisk: BOOT_DISK, spot: false }).map((c) => c.machineType);
    expect(names).toContain("n1-standard-2");
    for (const excluded of ["e2-medium", "e2-micro", "f1-micro", "g1-small", "a2-highgpu-1g", "t2a-standard-1", "n4-standard-2", "custom-1-7680-ext"]) {
      expect(names).not.toContain(excluded);
    }
  });
});

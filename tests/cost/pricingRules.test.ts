/**
 * Pricing rules as Google bills, each with its arithmetic: autoscaled pools at their
 * minimum, snapshots at storageBytes, PVCs binding pre-provisioned volumes, instance boot disks
 * whatever bootDisk.source says, custom machine types. catalog/gcp-prices.json (2026-07-30), 730 h.
 */
import { loadCatalog } from "../../catalog/catalog";
import { priceResources } from "../../cost/engine";
import { expectGolden, resource } from "./records";

const catalog = loadCatalog();

describe("snapshots bill what they store", () => {
  test("storageBytes when the state has it; the source disk's size only as the upper bound", () => {
    const disk = resource("gcp:compute/disk:Disk", "data", { name: "data", zone: "us-east1-c", type: "pd-balanced", size: 400 });
    const stored = resource("gcp:compute/snapshot:Snapshot", "stored", { sourceDisk: "data" }, { outputs: { storageBytes: 10 * 2 ** 30, diskSizeGb: 400 } });
    const fresh = resource("gcp:compute/snapshot:Snapshot", "fresh", { sourceDisk: "data" });
    const priced = priceResources([disk, stored, fresh], catalog);
    // snapshot 0.05/GiB-month: 10 GiB stored = 0.50; not stored yet: upper bound 400 GiB = 20.00
    expect(priced[1].monthly).toBeCloseTo(0.5, 6);
    expect(priced[2].monthly).toBeCloseTo(20, 6);
    expect(priced[2].assumptions.join(" ")).toMatch(/upper bound/);
    expectGolden("snapshot-storage-bytes", [priced[1], priced[2]]);
  });
});

describe("PersistentVolumeClaim", () => {
  test('storageClassName "" provisions nothing: it binds a pre-provisioned volume', () => {
    const claim = resource("kubernetes:core/v1:PersistentVolumeClaim", "bound", { spec: { storageClassName: "", resources: { requests: { storage: "500Gi" } } } });
    const [priced] = priceResources([claim], catalog);
    expect(priced).toMatchObject({ status: "free", monthly: 0 });
  });
});

describe("Instance boot disk", () => {
  test("priced from the outputs' initialize params even though GCE records bootDisk.source", () => {
    const vm = resource("gcp:compute/instance:Instance", "vm", { zone: "us-east1-b", machineType: "e2-standard-2" }, {
      outputs: { zone: "us-east1-b", machineType: "e2-standard-2", bootDisk: [{ source: "https://www.googleapis.com/compute/v1/projects/p/zones/us-east1-b/disks/vm", initializeParams: [{ size: 50, type: "pd-balanced" }] }] },
    });
    const [priced] = priceResources([vm], catalog);
    // boot disk pd-balanced 0.10 x 50 = 5.00
    expect(priced.components.find((c) => c.name.startsWith("Boot disk"))?.monthly).toBeCloseTo(5, 6);
  });

  test("a boot disk that is a Disk resource of the graph is priced by that disk only", () => {
    const bootDisk = resource("gcp:compute/disk:Disk", "boot", { name: "boot", zone: "us-east1-b", type: "pd-ssd", size: 20 });
    const vm = resource("gcp:compute/instance:Instance", "vm", { zone: "us-east1-b", machineType: "e2-standard-2", bootDisk: { source: "boot" } });
    const priced = priceResources([bootDisk, vm], catalog);
    expect(priced[1].components.some((c) => c.name.startsWith("Boot disk"))).toBe(false);
  });
});

describe("custom machine types", () => {
  const vm = (machineType: string) => resource("gcp:compute/instance:Instance", machineType, { zone: "us-east1-b", machineType, bootDisk: { initializeParams: { size: 10, type: "pd-balanced" } } });

  test("N1 custom: per vCPU and GiB at the catalog's N1 custom rates, with N1's sustained-use discount", () => {
    const [priced] = priceResources([vm("custom-4-16384")], catalog);
    // (4 x 0.03319155 + 16 x 0.004446) = 0.2039022/h x 730 x 0.7 = 104.1940242; boot pd-balanced 0.10 x 10 = 1.00
    expect(priced.components[0].monthly).toBeCloseTo(104.1940242, 5);
    expect(priced.monthly).toBeCloseTo(105.1940242, 5);
    expectGolden("instance-custom-n1", priced);
  });

  test("families without custom rates, and odd names, are unpriced with the reason; the rest still priced", () => {
    const priced = priceResources([vm("e2-custom-medium-4096"), vm("n2-custom-8-32768"), vm("zz-not-a-type"), vm("e2-standard-2")], catalog);
    expect(priced[0].unpricedReason).toBe("custom machine type e2-custom-medium-4096: the catalog has no E2 custom vCPU/memory rates (families with rates: N1)");
    expect(priced[1].unpricedReason).toMatch(/no N2 custom vCPU\/memory rates/);
    expect(priced[2].unpricedReason).toMatch(/unknown machine type "zz-not-a-type"/);
    expect(priced.every((p) => p.invalidInput === undefined)).toBe(true);
    expect(priced[3].status).toBe("priced");
  });
});

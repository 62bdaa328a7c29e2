/**
 * Golden tests per pricing rule. Each expected figure is worked out by hand from
 * catalog/gcp-prices.json (2026-07-30) in the comment beside it; 730 hours a month.
 */
import { loadCatalog } from "../../catalog/catalog";
import { priceResources } from "../../cost/engine";
import { UNKNOWN } from "../../graph/resourceRecord";
import { expectGolden, resource } from "./records";

const catalog = loadCatalog();
const CLUSTER = "gcp:container/cluster:Cluster";

function priceOne(records: ReturnType<typeof resource>[], name: string) {
  const priced = priceResources(records, catalog).find((p) => p.name === name);
  if (!priced) throw new Error(`no ${name}`);
  return priced;
}

describe("Cluster", () => {
  test("fee per cluster; default pool removed", () => {
    const priced = priceOne([resource(CLUSTER, "prod", { location: "us-east1-b", removeDefaultNodePool: true, initialNodeCount: 1 })], "prod");
    // 0.10/h x 730 = 73.00
    expect(priced.monthly).toBeCloseTo(73, 6);
    expectGolden("cluster-fee-only", priced);
  });

  test("default pool kept: initialNodeCount x zones of e2-medium with a 100 GB pd-balanced disk", () => {
    const priced = priceOne([resource(CLUSTER, "c", { location: "us-east1", initialNodeCount: 1 })], "c");
    // fee 73.00; 1 x 3 zones e2-medium 0.03350571 x 730 x 3 = 73.3775049; pd-balanced 0.10 x 100 x 3 = 30
    expect(priced.monthly).toBeCloseTo(73 + 73.3775049 + 30, 4);
    expect(priced.shape).toMatchObject({ kind: "gkeCluster", nodeGroups: [{ label: "default pool", group: { nodes: 3 } }] });
    expectGolden("cluster-default-pool", priced);
  });
});

describe("Disk, RegionDisk, Snapshot", () => {
  test("zonal disk by type and size; size may be only in outputs", () => {
    const disk = resource("gcp:compute/disk:Disk", "geth-mainnet-data", { zone: "us-east1-b", type: "pd-ssd" }, { outputs: { size: 7348, type: "pd-ssd" } });
    const priced = priceOne([disk], "geth-mainnet-data");
    // pd-ssd us-east1 0.17 x 7348 = 1249.16
    expect(priced.monthly).toBeCloseTo(1249.16, 6);
    expect(priced.summary).toBe("pd-ssd 7348 GiB");
    expectGolden("disk-pd-ssd", priced);
  });

  test("disk without a known size is unpriced with a reason", () => {
    const priced = priceOne([resource("gcp:compute/disk:Disk", "d", { zone: "us-east1-b", image: "debian-12" })], "d");
    expect(priced.status).toBe("unpriced");
    expect(priced.unpricedReason).toMatch(/size/);
  });

  test("regional disk at the regional price", () => {
    const priced = priceOne([resource("gcp:compute/regionDisk:RegionDisk", "r", { region: "us-east1", type: "pd-balanced", size: 100 })], "r");
    // regional-pd-balanced 0.20 x 100 = 20.00
    expect(priced.monthly).toBeCloseTo(20, 6);
    expectGolden("regionDisk-pd-balanced", priced);
  });

  test("snapshot size from its label, else the source disk in the graph, else unpriced", () => {
    const labelled = resource("gcp:compute/snapshot:Snapshot", "s1", { sourceDisk: "gone", zone: "us-east1-c", labels: { "source-disk-size-gb": "700" } });
    const disk = resource("gcp:compute/disk:Disk", "data", { name: "data", zone: "us-east1-c", type: "pd-balanced", size: 400 });
    const fromDisk = resource("gcp:compute/snapshot:Snapshot", "s2", { sourceDisk: "projects/p/zones/us-east1-c/disks/data" });
    const orphan = resource("gcp:compute/snapshot:Snapshot", "s3", { sourceDisk: "elsewhere" });
    const priced = priceResources([labelled, disk, fromDisk, orphan], catalog);
    // snapshot 0.05/GiB-month: 700 x 0.05 = 35.00; 400 x 0.05 = 20.00
    expect(priced[0].monthly).toBeCloseTo(35, 6);
    expect(priced[2].monthly).toBeCloseTo(20, 6);
    expect(priced[0].assumptions[0]).toMatch(/upper bound, the source disk's 700 GiB/);
    expect(priced[3]).toMatchObject({ status: "unpriced" });
    expect(priced[3].unpricedReason).toMatch(/source disk/);
    expectGolden("snapshot", [priced[0], priced[2], priced[3]]);
  });
});

describe("Address, ForwardingRule, Instance", () => {
  test("internal address free; external in use vs reserved unused", () => {
    const internal = resource("gcp:compute/address:Address", "internal", { region: "us-east1", addressType: "INTERNAL" });
    const unused = resource("gcp:compute/address:Address", "unused", { region: "us-east1" });
    const used = resource("gcp:compute/address:Address", "used", { region: "us-east1" });
    const rule = resource("gcp:compute/forwardingRule:ForwardingRule", "fr", { region: "us-east1" }, { dependencies: [used.urn] });
    const priced = priceResources([internal, unused, used, rule], catalog);
    expect(priced[0].status).toBe("free");
    // reserved unused us-east1 0.01/h x 730 = 7.30; in use 0.005 x 730 = 3.65
    expect(priced[1].monthly).toBeCloseTo(7.3, 6);
    expect(priced[2].monthly).toBeCloseTo(3.65, 6);
    // forwarding rule, first five: 0.025 x 730 = 18.25
    expect(priced[3].monthly).toBeCloseTo(18.25, 6);
    expectGolden("address-and-forwarding-rule", priced);
  });

  test("the first five forwarding rules of a region are one minimum charge, each further rule its own rate", () => {
    const rules = Array.from({ length: 6 }, (_, i) => resource("gcp:compute/forwardingRule:ForwardingRule", `fr${i}`, { region: "us-east1" }));
    const priced = priceResources(rules, catalog);
    // rules 1-5 of a region: one minimum charge 0.025 x 730 = 18.25, carried by the first;
    // the second to fifth are covered by it; the sixth: 0.01 x 730 = 7.30
    expect(priced.map((p) => p.monthly)).toEqual([18.25, 0, 0, 0, 0, 7.3].map((v) => expect.closeTo(v, 6)));
    // the region's total: 18.25 + 7.30 = 25.55
    expect(priced.reduce((sum, p) => sum + p.monthly, 0)).toBeCloseTo(25.55, 6);
    // two rules cost the minimum charge, not two of them: 18.25
    const two = priceResources(rules.slice(0, 2), catalog);
    expect(two.reduce((sum, p) => sum + p.monthly, 0)).toBeCloseTo(18.25, 6);
    expectGolden("forwardingRule-six-in-one-region", priced);
  });

  test("global address and global forwarding rule: an address the rule depends on is in use", () => {
    const address = resource("gcp:compute/globalAddress:GlobalAddress", "lb-ip", {});
    const rule = resource("gcp:compute/globalForwardingRule:GlobalForwardingRule", "lb", { ipAddress: "lb-ip" }, { dependencies: [address.urn] });
    const priced = priceResources([address, rule], catalog);
    // in-use external IP 0.005 x 730 = 3.65; the first forwarding rule: minimum charge 0.025 x 730 = 18.25
    expect(priced[0].monthly).toBeCloseTo(3.65, 6);
    expect(priced[1].monthly).toBeCloseTo(18.25, 6);
    expectGolden("global-address-and-forwarding-rule", priced);
  });

  test("instance: machine, boot disk, scratch SSD", () => {
    const vm = resource("gcp:compute/instance:Instance", "vm", {
      zone: "us-east1-b", machineType: "n2-standard-8",
      bootDisk: { initializeParams: { size: 50, type: "pd-ssd" } }, scratchDisks: [{ interface: "NVME" }],
    });
    const priced = priceOne([vm], "vm");
    // n2-standard-8 0.388472 x 730 x 0.8 = 226.867648; pd-ssd 0.17 x 50 = 8.5; local SSD 0.08 x 375 = 30
    expect(priced.monthly).toBeCloseTo(226.867648 + 8.5 + 30, 4);
    expectGolden("instance", priced);
  });
});

describe("Kubernetes", () => {
  const cluster = resource(CLUSTER, "prod", { location: "us-east1-b", removeDefaultNodePool: true });

  test("a LoadBalancer Service costs one forwarding rule; ClusterIP is free", () => {
    const lb = resource("kubernetes:core/v1:Service", "proxy", { spec: { type: "LoadBalancer" }, metadata: { annotations: { "networking.gke.io/load-balancer-type": "Internal" } } });
    const clusterIp = resource("kubernetes:core/v1:Service", "geth", { spec: { type: "ClusterIP" } });
    const priced = priceResources([cluster, lb, clusterIp], catalog);
    // 0.025 x 730 = 18.25
    expect(priced[1].monthly).toBeCloseTo(18.25, 6);
    expect(priced[1].summary).toBe("internal load balancer");
    expect(priced[2].status).toBe("free");
    expectGolden("service-load-balancer-and-cluster-ip", priced.slice(1));
  });

  test("a Service whose type is unknown until apply is unpriced: it may be a LoadBalancer", () => {
    const unknown = resource("kubernetes:core/v1:Service", "maybe", { spec: { type: UNKNOWN } });
    const [, priced] = priceResources([cluster, unknown], catalog);
    expect(priced).toMatchObject({ status: "unpriced", monthly: 0 });
    expect(priced.unpricedReason).toMatch(/spec.type is unknown until apply/);
    expectGolden("service-type-unknown", priced);
  });

  test("PVC by storage class; bound PVC not double-counted; PV free", () => {
    const premium = resource("kubernetes:core/v1:PersistentVolumeClaim", "validator", { spec: { storageClassName: "premium-rwo", resources: { requests: { storage: "60Gi" } } } });
    const standard = resource("kubernetes:core/v1:PersistentVolumeClaim", "std", { spec: { storageClassName: "standard", resources: { requests: { storage: "100Gi" } } } });
    const defaulted = resource("kubernetes:core/v1:PersistentVolumeClaim", "def", { spec: { resources: { requests: { storage: "1Ti" } } } });
    const bound = resource("kubernetes:core/v1:PersistentVolumeClaim", "bound", { spec: { volumeName: "geth-pv", resources: { requests: { storage: "7348Gi" } } } });
    const pv = resource("kubernetes:core/v1:PersistentVolume", "geth-pv", { metadata: { name: "geth-pv" }, spec: { gcePersistentDisk: { pdName: "geth-mainnet-data" } } });
    const priced = priceResources([cluster, premium, standard, defaulted, bound, pv], catalog);
    // premium-rwo -> pd-ssd 0.17 x 60 = 10.20; standard -> pd-standard 0.04 x 100 = 4.00; default standard-rwo -> pd-balanced 0.10 x 1024 = 102.40
    expect(priced[1].monthly).toBeCloseTo(10.2, 6);
    expect(priced[2].monthly).toBeCloseTo(4, 6);
    expect(priced[3].monthly).toBeCloseTo(102.4, 6);
    expect(priced[4]).toMatchObject({ status: "free", monthly: 0 });
    expect(priced[4].assumptions[0]).toMatch(/not counted twice/);
    expect(priced[5].status).toBe("free");
    expectGolden("persistent-volume-claims", priced.slice(1));
  });

  test("StatefulSet volume claim templates cost replicas x disk", () => {
    const sts = resource("kubernetes:apps/v1:StatefulSet", "seeds", {
      spec: { replicas: 10, volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName: "premium-rwo", resources: { requests: { storage: "60Gi" } } } }] },
    });
    // pd-ssd 0.17 x 60 x 10 = 102.00
    expect(priceOne([cluster, sts], "seeds").monthly).toBeCloseTo(102, 6);
    const workload = resource("kubernetes:apps/v1:StatefulSet", "stateless", { spec: { replicas: 3 } });
    expect(priceOne([cluster, workload], "stateless")).toMatchObject({ status: "free", monthly: 0 });
    expectGolden("statefulSet-volume-claim-templates", [priceOne([cluster, sts], "seeds"), priceOne([cluster, workload], "stateless")]);
  });

  test("a PersistentVolume is free: the disk it points at carries the cost, in this graph or outside it", () => {
    const disk = resource("gcp:compute/disk:Disk", "geth-mainnet-data", { name: "geth-mainnet-data", zone: "us-east1-b", type: "pd-ssd", size: 100 });
    const inGraph = resource("kubernetes:core/v1:PersistentVolume", "geth-pv", { spec: { gcePersistentDisk: { pdName: "geth-mainnet-data" } } });
    const outside = resource("kubernetes:core/v1:PersistentVolume", "old-pv", { spec: { csi: { volumeHandle: "projects/p/zones/us-east1-b/disks/elsewhere" } } });
    const priced = priceResources([cluster, disk, inGraph, outside], catalog);
    expect(priced[2]).toMatchObject({ status: "free", monthly: 0, summary: "volume on geth-mainnet-data" });
    expect(priced[2].assumptions[0]).toMatch(/points at disk geth-mainnet-data: that gcp Disk carries the cost/);
    expect(priced[3].assumptions[0]).toMatch(/managed outside this graph/);
    expectGolden("persistentVolume-in-graph-and-outside", priced.slice(2));
  });
});

describe("free and unpriced classification", () => {
  test("free types are free; AWS and unknown cost-bearing types are unpriced with a reason", () => {
    const records = [
      resource("kubernetes:core/v1:Namespace", "ns", {}),
      resource("gcp:serviceaccount/account:Account", "sa", {}),
      resource("gcp:compute/network:Network", "net", {}),
      resource("kubernetes:apps/v1:Deployment", "dep", {}),
      resource("kubernetes:policy/v1:PodDisruptionBudget", "pdb", {}),
      resource("relay-budget:gke:GkeCluster", "component", {}, { custom: false }),
      resource("pulumi:providers:gcp", "default", {}),
      resource("pulumi:pulumi:StackReference", "prod", {}),
      resource("aws:ec2/instance:Instance", "web", { instanceType: "t3.micro" }),
      resource("gcp:sql/databaseInstance:DatabaseInstance", "db", {}),
    ];
    const priced = priceResources(records, catalog);
    expect(priced.slice(0, 8).map((p) => p.status)).toEqual(Array(8).fill("free"));
    expect(priced[8]).toMatchObject({ status: "unpriced", unpricedReason: "aws resources are outside the GCP price catalog" });
    expect(priced[9].status).toBe("unpriced");
    expectGolden("unruled-free-and-unpriced", priced);
  });
});

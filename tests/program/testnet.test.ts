import { recordAllStacks, recordStack, RecordedStack } from "../../offline/recordStack";
import { TestnetChainConfig } from "../../config";
import { all, find, plainStrings, secretValue } from "./recorded";

const PASSWORD = "validators-secret-password-77";
let testnet: RecordedStack;
let chains: TestnetChainConfig[];

beforeAll(async () => {
  [, testnet] = await recordAllStacks({
    testnet: { configOverrides: { validatorProxyPassword: PASSWORD }, secretOverrides: ["validatorProxyPassword"] },
  });
  chains = (testnet.config as any).testnetChains;
});

describe("testnet: decommissioned blockchain nodes", () => {
  it("keeps a protected snapshot of each decommissioned chain's data disk", () => {
    const snapshots = all(testnet.resources, "gcp:compute/snapshot:Snapshot");
    expect(snapshots.map((s) => [s.name, s.inputs.sourceDisk, (s.inputs.labels as any)["relay-chain-id"], (s.inputs.labels as any)["source-disk-size-gb"]])).toEqual([
      ["testnet-geth-goerli-data-final", "projects/pokt-network-testnet/zones/us-east1-c/disks/testnet-geth-goerli-data", "0020", "50"],
      ["testnet-geth-rinkeby-data-final", "projects/pokt-network-testnet/zones/us-east1-c/disks/testnet-geth-rinkeby-data", "0022", "700"],
      ["testnet-geth-ropsten-data-final", "projects/pokt-network-testnet/zones/us-east1-c/disks/testnet-geth-ropsten-data", "0023", "400"],
    ]);
    for (const snapshot of snapshots) expect(snapshot.protect).toBe(true);
  });

  it("leaves no workload, service, volume, disk or node pool for them", () => {
    for (const type of ["kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:Service", "kubernetes:core/v1:PersistentVolume", "kubernetes:core/v1:PersistentVolumeClaim", "gcp:compute/disk:Disk"]) {
      expect(all(testnet.resources, type)).toEqual([]);
    }
    expect(all(testnet.resources, "gcp:container/nodePool:NodePool").map((p) => p.name).sort()).toEqual(["pocket-core", "system"]);
    expect(testnet.outputs.blockchainPoolNodeCount).toBe(0);
  });

  it("points the validators' chains.json at the prod proxy with basic auth, as a secret", () => {
    const secret = find(testnet.resources, "kubernetes:core/v1:Secret", "validator-chains");
    expect(secret.inputs).toMatchObject({ metadata: { name: "validator-chains", namespace: "pocket" } });
    const chainsJson = JSON.parse(secretValue((secret.inputs as any).stringData)["chains.json"]);
    const auth = { username: "testnet-validators", password: PASSWORD };
    expect(chainsJson).toEqual([
      { id: "0020", url: "http://10.142.0.250:8545/0020", basic_auth: auth },
      { id: "0022", url: "http://10.142.0.250:8545/0022", basic_auth: auth },
      { id: "0023", url: "http://10.142.0.250:8545/0023", basic_auth: auth },
    ]);
    for (const resource of testnet.resources) expect(plainStrings(resource.inputs).some((s) => s.includes(PASSWORD))).toBe(false);
    expect(JSON.stringify(testnet.outputs)).not.toContain(PASSWORD);
  });
});

describe("testnet: a chain flipped back to active", () => {
  let restored: RecordedStack;
  beforeAll(async () => {
    restored = await recordStack("testnet", {
      configOverrides: {
        validatorProxyPassword: PASSWORD,
        testnetChains: chains.map((c) => (c.name === "geth-goerli" ? { ...c, state: "active" } : c)),
      },
      secretOverrides: ["validatorProxyPassword"],
    });
  });

  it("gets its StatefulSet, Service, PV/PVC on its adopted, protected disk, and a node pool sized for it", () => {
    const disk = find(restored.resources, "gcp:compute/disk:Disk", "testnet-geth-goerli-data");
    expect(disk).toMatchObject({ protect: true, importId: "projects/pokt-network-testnet/zones/us-east1-c/disks/testnet-geth-goerli-data" });
    expect(disk.inputs).toMatchObject({ type: "pd-balanced", size: 50, zone: "us-east1-c" });
    const statefulSet = find(restored.resources, "kubernetes:apps/v1:StatefulSet", "geth-goerli");
    const pod = (statefulSet.inputs as any).spec.template.spec;
    expect(pod.nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "blockchain-nodes" });
    expect(pod.containers[0].resources.requests).toEqual({ cpu: "1", memory: "2Gi" });
    expect(find(restored.resources, "kubernetes:core/v1:PersistentVolumeClaim", "geth-goerli-data").inputs).toMatchObject({
      spec: { volumeName: "geth-goerli-data", storageClassName: "" },
    });
    find(restored.resources, "kubernetes:core/v1:Service", "geth-goerli");
    // 1 CPU / 2 GiB of requests fit one n1-standard-4.
    const pool = find(restored.resources, "gcp:container/nodePool:NodePool", "blockchain-nodes");
    expect(pool.inputs).toMatchObject({ nodeCount: 1, nodeConfig: { machineType: "n1-standard-4" } });
    expect(all(restored.resources, "gcp:compute/snapshot:Snapshot").map((s) => s.name)).not.toContain("testnet-geth-goerli-data-final");
  });

  it("points chains.json at the local Service for the active chain and the proxy for the rest", () => {
    const secret = find(restored.resources, "kubernetes:core/v1:Secret", "validator-chains");
    const chainsJson = JSON.parse(secretValue((secret.inputs as any).stringData)["chains.json"]);
    expect(chainsJson[0]).toEqual({ id: "0020", url: "http://geth-goerli.blockchain.svc.cluster.local:8545" });
    expect(chainsJson[1]).toMatchObject({ id: "0022", url: "http://10.142.0.250:8545/0022", basic_auth: { username: "testnet-validators" } });
  });

  it("sizes the pool by what every active chain requests", async () => {
    const allActive = await recordStack("testnet", { configOverrides: { testnetChains: chains.map((c) => ({ ...c, state: "active" })) } });
    // 2 CPU / 6 GiB of requests still fit one n1-standard-4 (3.92 CPU, 11.9 GiB allocatable).
    expect(find(allActive.resources, "gcp:container/nodePool:NodePool", "blockchain-nodes").inputs.nodeCount).toBe(1);
    expect(all(allActive.resources, "kubernetes:apps/v1:StatefulSet")).toHaveLength(3);
    expect(all(allActive.resources, "gcp:compute/snapshot:Snapshot")).toHaveLength(0);
  });
});

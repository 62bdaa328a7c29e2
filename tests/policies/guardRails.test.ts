/**
 * allowed-machine-types, proxy-internal-only, no-plaintext-secrets, snapshot-before-decommission
 * and cost-allocation-labels: each passes the committed stacks and fails its violation.
 */
import { COMPONENT_TYPES } from "../../graph/componentTypes";
import { UNKNOWN } from "../../graph/resourceRecord";
import { allowedMachineTypes } from "../../policies/allowedMachineTypes";
import { proxyInternalOnly } from "../../policies/proxyInternalOnly";
import { noPlaintextSecrets } from "../../policies/noPlaintextSecrets";
import { snapshotBeforeDecommission } from "../../policies/snapshotBeforeDecommission";
import { costAllocationLabels } from "../../policies/costAllocationLabels";
import { committedConfig, findRecord, recordedStack, resourceRecord, runResourcePolicy, runStackPolicy, withInputs } from "./util";
import { renderCredentialChecks } from "../../components/credentialChecks";

const NODE_POOL = "gcp:container/nodePool:NodePool";
const SERVICE = "kubernetes:core/v1:Service";
const ADDRESS = "gcp:compute/address:Address";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SNAPSHOT = "gcp:compute/snapshot:Snapshot";
const TESTNET_BLOCKCHAINS = COMPONENT_TYPES.testnetBlockchains;

describe("allowed-machine-types", () => {
  it.each(["prod", "testnet"] as const)("passes the committed %s stack", async (stack) => {
    const { resources } = await recordedStack(stack);
    expect(await runResourcePolicy(allowedMachineTypes, resources, committedConfig(stack, "allowed-machine-types"))).toEqual([]);
  });

  it("refuses an expensive family on testnet unless listed as an exception", async () => {
    const { resources } = await recordedStack("testnet");
    const pool = withInputs(findRecord(resources, NODE_POOL, "pocket-core"), { "nodeConfig.machineType": "n2-standard-8" });
    const config = committedConfig("testnet", "allowed-machine-types");
    expect((await runResourcePolicy(allowedMachineTypes, [pool], config)).map((v) => v.message)).toEqual([
      "pocket-core uses n2-standard-8 (family n2); this stack allows the families e2, n1. Add it to allowedMachineTypes if it is a deliberate exception.",
    ]);
    expect(await runResourcePolicy(allowedMachineTypes, [pool], { ...config, allowedMachineTypes: ["n2-standard-8"] })).toEqual([]);
  });

  it("leaves a machine type unknown during preview to the update's check", async () => {
    const { resources } = await recordedStack("testnet");
    const pool = withInputs(findRecord(resources, NODE_POOL, "pocket-core"), { "nodeConfig.machineType": UNKNOWN });
    expect(await runResourcePolicy(allowedMachineTypes, [pool], committedConfig("testnet", "allowed-machine-types"))).toEqual([]);
  });
});

describe("proxy-internal-only", () => {
  it("passes prod's blockchain proxy: internal annotation, source ranges, INTERNAL address", async () => {
    const { resources } = await recordedStack("prod");
    expect(await runResourcePolicy(proxyInternalOnly, resources)).toEqual([]);
  });

  it("fails a LoadBalancer without the internal annotation, or open to 0.0.0.0/0, or with no ranges", async () => {
    const { resources } = await recordedStack("prod");
    const service = findRecord(resources, SERVICE, "blockchain-proxy");
    const external = withInputs(service, { "metadata.annotations": {} });
    const open = withInputs(service, { "spec.loadBalancerSourceRanges": ["10.150.0.0/20", "0.0.0.0/0"] });
    const unlimited = withInputs(service, { "spec.loadBalancerSourceRanges": undefined });
    const messages = (await runResourcePolicy(proxyInternalOnly, [external, open, unlimited])).map((v) => v.message);
    expect(messages).toEqual([
      expect.stringContaining('Service blockchain-proxy is an external load balancer: annotate it "networking.gke.io/load-balancer-type": "Internal"'),
      'Service blockchain-proxy loadBalancerSourceRanges[1] "0.0.0.0/0" is broader than /8 (list the client cluster\'s node and pod ranges).',
      expect.stringContaining("Service blockchain-proxy has no loadBalancerSourceRanges"),
    ]);
  });

  it.each<[string[], string]>([
    [["0.0.0.0/00"], '[0] "0.0.0.0/00" has a prefix length that is not a plain decimal number'],
    [["0.0.0.0/000"], '[0] "0.0.0.0/000" has a prefix length that is not a plain decimal number'],
    [["::/00"], '[0] "::/00" has a prefix length that is not a plain decimal number'],
    [["0.0.0.0/1", "128.0.0.0/1"], '[0] "0.0.0.0/1" is broader than /8'],
    [["fe80::%eth0/64"], '[0] "fe80::%eth0/64" is a zone-scoped IPv6 address'],
    [["34.75.0.0/16"], '[0] "34.75.0.0/16" is not a private range'],
    [["10.0.0.0/8", "100.64.0.0/10"], '[1] "100.64.0.0/10" brings the IPv4 ranges together to more addresses than one /8 holds'],
    [["010.150.0.0/20"], '[0] "010.150.0.0/20" is not a four-part decimal IPv4 address'],
  ])("fails loadBalancerSourceRanges %j as the stack config does (one parser)", async (ranges, message) => {
    const { resources } = await recordedStack("prod");
    const service = withInputs(findRecord(resources, SERVICE, "blockchain-proxy"), { "spec.loadBalancerSourceRanges": ranges });
    const messages = (await runResourcePolicy(proxyInternalOnly, [service])).map((v) => v.message);
    expect(messages).toEqual([expect.stringContaining(`Service blockchain-proxy loadBalancerSourceRanges${message}`)]);
  });

  it("fails the proxy's Address when it is not INTERNAL (GCP's default type is EXTERNAL)", async () => {
    const { resources } = await recordedStack("prod");
    const address = findRecord(resources, ADDRESS, "blockchain-proxy-ip");
    expect(await runResourcePolicy(proxyInternalOnly, [withInputs(address, { addressType: undefined })])).toEqual([
      { urn: address.urn, message: expect.stringContaining("Address blockchain-proxy-ip is the blockchain proxy's (label component=blockchain-proxy) but of type EXTERNAL") },
    ]);
    expect(await runResourcePolicy(proxyInternalOnly, [withInputs(address, { addressType: "EXTERNAL", "labels.component": "web" })])).toEqual([]);
  });

  it("fails a LoadBalancer Service that asks for a public loadBalancerIP", async () => {
    const { resources } = await recordedStack("prod");
    const service = findRecord(resources, SERVICE, "blockchain-proxy");
    expect(await runResourcePolicy(proxyInternalOnly, [withInputs(service, { "spec.loadBalancerIP": "34.75.1.2" })])).toEqual([
      { urn: service.urn, message: "Service blockchain-proxy asks for loadBalancerIP 34.75.1.2, a public address: use an INTERNAL gcp.compute.Address in the cluster's subnetwork." },
    ]);
    for (const ip of ["10.142.0.250", "172.16.0.9", "192.168.1.1", "100.64.0.1"]) {
      expect(await runResourcePolicy(proxyInternalOnly, [withInputs(service, { "spec.loadBalancerIP": ip })])).toEqual([]);
    }
  });
});

describe("no-plaintext-secrets", () => {
  it.each(["prod", "testnet"] as const)("passes the committed %s stack (the nginx config mentions credentials but holds none)", async (stack) => {
    const { resources } = await recordedStack(stack);
    expect(await runResourcePolicy(noPlaintextSecrets, resources)).toEqual([]);
  });

  it("fails a ConfigMap with the proxy's credential checks, without repeating the value", async () => {
    const files = renderCredentialChecks([{ username: "testnet-validators", password: "hunter2-hunter2-hunter2" }]);
    const encoded = Buffer.from("testnet-validators:hunter2-hunter2-hunter2").toString("base64");
    const violations = await runResourcePolicy(noPlaintextSecrets, [resourceRecord(CONFIG_MAP, "proxy-clients", { data: { clients: files["client-credentials.conf"] } })]);
    expect(violations.map((v) => v.message)).toEqual([
      "ConfigMap proxy-clients data.clients holds a Basic credential check: ConfigMaps are plain text; put it in a Secret and mount or reference that.",
    ]);
    expect(violations.some((v) => v.message.includes(encoded) || v.message.includes("hunter2"))).toBe(false);
  });

  it("fails a ConfigMap with an htpasswd line or a chains.json password, without repeating the value", async () => {
    const htpasswd = resourceRecord(CONFIG_MAP, "proxy-auth", { data: { users: "testnet-validators:$apr1$x8f0$Qm3vL0tq2bA1\n" } });
    const chains = resourceRecord(CONFIG_MAP, "chains", {
      data: { "chains.json": JSON.stringify([{ id: "0020", url: "http://10.142.0.250:8545/0020", basic_auth: { username: "v", password: "hunter2-hunter2" } }]) },
    });
    const violations = await runResourcePolicy(noPlaintextSecrets, [htpasswd, chains]);
    expect(violations.map((v) => v.message)).toEqual([
      "ConfigMap proxy-auth data.users holds an htpasswd line: ConfigMaps are plain text; put it in a Secret and mount or reference that.",
      "ConfigMap chains data.chains.json holds a password or key assignment: ConfigMaps are plain text; put it in a Secret and mount or reference that.",
    ]);
    expect(violations.some((v) => v.message.includes("hunter2"))).toBe(false);
  });

  it("fails a literal password in a container env var, but not a secretKeyRef", async () => {
    const { resources } = await recordedStack("prod");
    const deployment = findRecord(resources, "kubernetes:apps/v1:Deployment", "blockchain-proxy");
    const container = (deployment.inputs as any).spec.template.spec.containers[0];
    const literal = withInputs(deployment, { "spec.template.spec.containers": [{ ...container, env: [{ name: "PROXY_PASSWORD", value: "s3cret-s3cret" }] }] });
    const referenced = withInputs(deployment, {
      "spec.template.spec.containers": [{ ...container, env: [{ name: "PROXY_PASSWORD", valueFrom: { secretKeyRef: { name: "proxy", key: "password" } } }] }],
    });
    expect((await runResourcePolicy(noPlaintextSecrets, [literal])).map((v) => v.message)).toEqual([
      "blockchain-proxy container nginx env PROXY_PASSWORD holds a literal credential in plain text: use valueFrom.secretKeyRef.",
    ]);
    expect(await runResourcePolicy(noPlaintextSecrets, [referenced])).toEqual([]);
  });
});

describe("snapshot-before-decommission", () => {
  it("passes testnet: each decommissioned chain's disk has a protected snapshot; prod has none to keep", async () => {
    expect(await runStackPolicy(snapshotBeforeDecommission, (await recordedStack("testnet")).resources)).toEqual([]);
    expect(await runStackPolicy(snapshotBeforeDecommission, (await recordedStack("prod")).resources)).toEqual([]);
  });

  it("fails a decommissioned chain without a snapshot, and one whose snapshot is not protected", async () => {
    const { resources } = await recordedStack("testnet");
    const component = resources.find((r) => r.type === TESTNET_BLOCKCHAINS)!;
    const goerli = findRecord(resources, SNAPSHOT, "testnet-geth-goerli-data-final");
    const rinkeby = findRecord(resources, SNAPSHOT, "testnet-geth-rinkeby-data-final");
    const graph = resources.filter((r) => r !== goerli).map((r) => (r === rinkeby ? { ...r, protect: false } : r));
    expect(await runStackPolicy(snapshotBeforeDecommission, graph)).toEqual([
      { urn: component.urn, message: "decommissioned chain geth-goerli (relay chain 0020) has no snapshot of its data disk testnet-geth-goerli-data in the stack: declare a protected gcp.compute.Snapshot of it before its disk goes." },
      { urn: rinkeby.urn, message: expect.stringContaining("decommissioned chain geth-rinkeby: snapshot testnet-geth-rinkeby-data-final of its data disk testnet-geth-rinkeby-data is not protected") },
    ]);
  });

  it("reads the component's outputs as the CLI's AnalyzeStack sends them (chain names, matched by label)", async () => {
    const { resources } = await recordedStack("testnet");
    const component = resources.find((r) => r.type === TESTNET_BLOCKCHAINS)!;
    const withOutputs = { ...component, outputs: { decommissionedChains: ["geth-goerli", "geth-rinkeby", "geth-ropsten"], activeChains: [] } };
    const graph = resources.map((r) => (r === component ? withOutputs : r));
    expect(await runStackPolicy(snapshotBeforeDecommission, graph)).toEqual([]);
    const ropsten = findRecord(resources, SNAPSHOT, "testnet-geth-ropsten-data-final");
    const violations = await runStackPolicy(snapshotBeforeDecommission, graph.filter((r) => r !== ropsten));
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining("decommissioned chain geth-ropsten has no snapshot")]);
  });
});

describe("cost-allocation-labels", () => {
  it.each(["prod", "testnet"] as const)("passes the committed %s stack", async (stack) => {
    const { resources } = await recordedStack(stack);
    expect(await runResourcePolicy(costAllocationLabels, resources, committedConfig(stack, "cost-allocation-labels"))).toEqual([]);
  });

  it("fails a node pool whose nodes lack a billing label, and a disk with none", async () => {
    const { resources } = await recordedStack("prod");
    const pool = findRecord(resources, NODE_POOL, "seeds");
    const unlabelledPool = withInputs(pool, { "nodeConfig.resourceLabels": { team: "infra", env: "prod" } });
    const disk = withInputs(findRecord(resources, "gcp:compute/disk:Disk", "poa-xdai-data"), { labels: undefined });
    expect((await runResourcePolicy(costAllocationLabels, [unlabelledPool, disk], committedConfig("prod", "cost-allocation-labels"))).map((v) => v.message)).toEqual([
      "seeds lacks the cost-allocation label component in nodeConfig.resourceLabels: its cost cannot be attributed in the billing export.",
      "poa-xdai-data lacks the cost-allocation labels team, env, component in labels: its cost cannot be attributed in the billing export.",
    ]);
  });
});

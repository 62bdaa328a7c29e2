/** One failing config per validated key, each with its exact one-line message. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify, parse } from "yaml";
import { clusterZones, parseStackConfig } from "../../config";
import { readStackConfig, stackConfigPath } from "../../offline/stackConfig";
import { PROJECT_ROOT } from "../../program/projectRoot";

type Raw = Record<string, any>;
const base = (stack: string): Raw => structuredClone(readStackConfig(stack).values);
const K = (key: string) => `relay-budget:${key}`;

const cases: [string, "prod" | "testnet", (raw: Raw) => void, string][] = [
  ["gcp:region", "prod", (r) => (r["gcp:region"] = "us-east9"), 'prod: gcp:region "us-east9" is not a GCP region of the price catalog (e.g. us-east1)'],
  ["gcp:project", "prod", (r) => (r["gcp:project"] = "Pokt"), 'prod: gcp:project "Pokt" is not a GCP project id (6-30 lower-case letters, digits and \'-\')'],
  ["seedPool.machineType", "prod", (r) => (r[K("seedPool")].machineType = "n1-standrd-4"), 'prod: seedPool.machineType "n1-standrd-4" is not a machine type offered in us-east1'],
  ["seedPool.machineType (not in region)", "prod", (r) => (r[K("seedPool")].machineType = "a4-highgpu-8g"), 'prod: seedPool.machineType "a4-highgpu-8g" is not a machine type offered in us-east1'],
  ["seedPool.diskType", "prod", (r) => (r[K("seedPool")].diskType = "pd-fast"), 'prod: seedPool.diskType "pd-fast" must be one of pd-standard, pd-balanced, pd-ssd, pd-extreme'],
  ["seedPool.diskSizeGb", "prod", (r) => (r[K("seedPool")].diskSizeGb = 5), "prod: seedPool.diskSizeGb 5 must be at least 10 (GKE's minimum boot disk)"],
  ["seedPool.nodeCount", "prod", (r) => (r[K("seedPool")].nodeCount = 0), "prod: seedPool.nodeCount 0 must be a positive whole number"],
  ["seedPool.nodeCount type", "prod", (r) => (r[K("seedPool")].nodeCount = "3"), 'prod: seedPool.nodeCount "3" must be a number'],
  ["seedPool.nodeCount missing", "prod", (r) => delete r[K("seedPool")].nodeCount, "prod: seedPool.nodeCount is required (or autoscaling with minNodeCount and maxNodeCount)"],
  ["seedPool autoscaling + nodeCount", "prod", (r) => (r[K("seedPool")].autoscaling = { minNodeCount: 1, maxNodeCount: 3 }), "prod: seedPool.nodeCount 4 cannot be set together with autoscaling (choose one)"],
  ["seedPool.autoscaling min > max", "prod", (r) => { delete r[K("seedPool")].nodeCount; r[K("seedPool")].autoscaling = { minNodeCount: 4, maxNodeCount: 2 }; }, "prod: seedPool.autoscaling.minNodeCount 4 must not exceed maxNodeCount 2"],
  ["seedPool.nodeLocations", "prod", (r) => (r[K("seedPool")].nodeLocations = ["us-west1-a"]), 'prod: seedPool.nodeLocations[0] "us-west1-a" is not a zone of us-east1 (e.g. us-east1-b)'],
  ["seedPool.minAvailableSeeds", "prod", (r) => (r[K("seedPool")].minAvailableSeeds = 10), "prod: seedPool.minAvailableSeeds 10 must be less than seedReplicas 10 (otherwise no node can ever be drained)"],
  ["seedPool.seedResources", "prod", (r) => (r[K("seedPool")].seedResources.cpuRequest = 2), "prod: seedPool.seedResources.cpuRequest 2 must not exceed cpuLimit 1.5"],
  ["seedPool unknown key", "prod", (r) => (r[K("seedPool")].machinetype = "e2-standard-2"), 'prod: seedPool has unknown key "machinetype" (allowed: name, machineType, nodeCount, autoscaling, nodeLocations, diskType, diskSizeGb, spot, component, taints, importId, seedReplicas, minAvailableSeeds, seedNamespace, seedResources, seedVolumeClaims)'],
  ["nodePools[].name unique", "prod", (r) => (r[K("nodePools")][1].name = "system"), 'prod: nodePools[1].name "system" is used by another node pool (names must be unique)'],
  ["nodePools[].name format", "prod", (r) => (r[K("nodePools")][0].name = "System_Pool"), 'prod: nodePools[0].name "System_Pool" is not a valid node pool name (lower-case letters, digits and \'-\', starting with a letter, at most 63 characters)'],
  ["cluster.location", "prod", (r) => (r[K("cluster")].location = "europe-west1-b"), 'prod: cluster.location "europe-west1-b" is not in gcp:region us-east1 (a zone such as us-east1-b, or us-east1)'],
  ["cluster.podCidr", "prod", (r) => (r[K("cluster")].podCidr = "10.40.0.0/33"), 'prod: cluster.podCidr "10.40.0.0/33" has a prefix longer than /32'],
  ["blockchainNodes[].relayChainIds format", "prod", (r) => (r[K("blockchainNodes")][0].relayChainIds = ["21"]), 'prod: blockchainNodes[0].relayChainIds[0] "21" is not a relay chain ID (4 hex digits, e.g. 0021)'],
  ["blockchainNodes[].relayChainIds unique", "prod", (r) => (r[K("blockchainNodes")][1].relayChainIds = ["0021"]), 'prod: blockchainNodes[1].relayChainIds "0021" is served by another blockchain node (relay chain IDs must be unique)'],
  ["blockchainNodes[].disk.sizeGb", "prod", (r) => (r[K("blockchainNodes")][0].disk.sizeGb = -7348), "prod: blockchainNodes[0].disk.sizeGb -7348 must be a positive whole number"],
  ["blockchainNodes[].disk.type", "prod", (r) => (r[K("blockchainNodes")][0].disk.type = "ssd"), 'prod: blockchainNodes[0].disk.type "ssd" must be one of pd-standard, pd-balanced, pd-ssd, pd-extreme'],
  ["blockchainProxy.routes[].relayChainId format", "prod", (r) => (r[K("blockchainProxy")].routes[0].relayChainId = "00G0"), 'prod: blockchainProxy.routes[0].relayChainId "00G0" is not a relay chain ID (4 hex digits, e.g. 0020)'],
  ["blockchainProxy.routes[].relayChainId unique", "prod", (r) => (r[K("blockchainProxy")].routes[1].relayChainId = "0020"), 'prod: blockchainProxy.routes[1].relayChainId "0020" is routed twice (relay chain IDs must be unique)'],
  ["blockchainProxy.routes[].blockchainNode", "prod", (r) => (r[K("blockchainProxy")].routes[0].blockchainNode = "geth-sepolia"), 'prod: blockchainProxy.routes[0].blockchainNode "geth-sepolia" is not a blockchain node of this stack (allowed: geth-mainnet, geth-rinkeby, geth-ropsten, geth-goerli, poa-kovan, poa-xdai)'],
  ["blockchainProxy.allowedSourceRanges CIDR", "prod", (r) => (r[K("blockchainProxy")].allowedSourceRanges = ["10.150.0.0"]), 'prod: blockchainProxy.allowedSourceRanges[0] "10.150.0.0" is not a CIDR range (address/prefix, e.g. 10.8.0.0/14)'],
  ["blockchainProxy.allowedSourceRanges open", "prod", (r) => (r[K("blockchainProxy")].allowedSourceRanges = ["0.0.0.0/0"]), 'prod: blockchainProxy.allowedSourceRanges[0] "0.0.0.0/0" is broader than /8 (list the client cluster\'s node and pod ranges)'],
  ["blockchainProxy.replicas", "prod", (r) => (r[K("blockchainProxy")].replicas = 1), "prod: blockchainProxy.replicas 1 must be at least 2 (one pod may be disrupted at a time)"],
  ["blockchainProxy.internalIp", "prod", (r) => (r[K("blockchainProxy")].internalIp = "10.142.0"), 'prod: blockchainProxy.internalIp "10.142.0" is not an IPv4 address'],
  ["blockchainProxy.maxBodySize", "prod", (r) => (r[K("blockchainProxy")].maxBodySize = "1 MB"), 'prod: blockchainProxy.maxBodySize "1 MB" is not an nginx size (digits without leading zeros, optional k or m, e.g. 512k or 1m)'],
  ["blockchainProxy.rateLimit", "prod", (r) => (r[K("blockchainProxy")].rateLimit.requestsPerSecond = 0), "prod: blockchainProxy.rateLimit.requestsPerSecond 0 must be from 1 to 100000"],
  ["blockchainProxy.clientRegion", "prod", (r) => (r[K("blockchainProxy")].clientRegion = "mars-1"), 'prod: blockchainProxy.clientRegion "mars-1" is not a GCP region (e.g. us-east1)'],
  ["blockchainProxy.clients password", "prod", (r) => (r[K("blockchainProxy")].clients = ["testnet-validators", "qa"]), "prod: blockchainProxy.clients[1] \"qa\" has no password in the secret key proxyPasswords (pulumi config set --secret --path 'proxyPasswords.qa' ...)"],
  ["proxyPasswords (secret value not echoed)", "prod", (r) => (r[K("proxyPasswords")] = { "testnet-validators": "short" }), 'prod: proxyPasswords.testnet-validators [secret] must be at least 16 characters'],
  ["proxyPasswords too long for the proxy's credential check (not echoed)", "prod", (r) => (r[K("proxyPasswords")] = { "testnet-validators": "p".repeat(129) }), 'prod: proxyPasswords.testnet-validators [secret] must be at most 128 characters'],
  ["testnetChains[].state", "testnet", (r) => (r[K("testnetChains")][0].state = "deleted"), 'testnet: testnetChains[0].state "deleted" must be active or decommissioned'],
  ["testnetChains[].relayChainId unique", "testnet", (r) => (r[K("testnetChains")][1].relayChainId = "0020"), 'testnet: testnetChains[1].relayChainId "0020" is used by another chain (relay chain IDs must be unique)'],
  ["testnetChains[].relayChainId format", "testnet", (r) => (r[K("testnetChains")][0].relayChainId = 20), "testnet: testnetChains[0].relayChainId 20 must be a string"],
  ["testnetChains[].disk (snapshot source)", "testnet", (r) => delete r[K("testnetChains")][0].disk, "testnet: testnetChains[0].disk is required"],
  ["testnetChains[].disk.name", "testnet", (r) => (r[K("testnetChains")][0].disk.name = ""), 'testnet: testnetChains[0].disk.name "" is not a valid disk name (lower-case letters, digits and \'-\', starting with a letter, at most 63 characters)'],
  ["testnetBlockchainPool.machineType", "testnet", (r) => (r[K("testnetBlockchainPool")].machineType = "n9-standard-4"), 'testnet: testnetBlockchainPool.machineType "n9-standard-4" is not a machine type offered in us-east1'],
  ["validators.proxyStack", "testnet", (r) => (r[K("validators")].proxyStack = "prod"), 'testnet: validators.proxyStack "prod" is not a stack reference (<organization>/<project>/<stack>)'],
  ["validatorProxyPassword required", "testnet", (r) => delete r[K("validatorProxyPassword")], "testnet: validatorProxyPassword is required when a chain is decommissioned (pulumi config set --secret validatorProxyPassword ...)"],
  ["poolWorkloads volumeClaims custom class", "testnet", (r) => (r[K("poolWorkloads")]["pocket-core"][0].volumeClaims = [{ name: "data", sizeGiB: 60, storageClass: "fast" }]), "testnet: poolWorkloads.pocket-core[0].volumeClaims[0].storageClass \"fast\" is not one of GKE's built-in classes (standard, standard-rwo, premium-rwo): state the disk type it provisions in diskType"],
  ["poolWorkloads volumeClaims size", "testnet", (r) => (r[K("poolWorkloads")]["pocket-core"][0].volumeClaims = [{ name: "data", sizeGiB: -1, storageClass: "premium-rwo" }]), "testnet: poolWorkloads.pocket-core[0].volumeClaims[0].sizeGiB -1 must be a positive number of GiB"],
  ["seedPool.seedVolumeClaims built-in class", "prod", (r) => (r[K("seedPool")].seedVolumeClaims = [{ name: "data", sizeGiB: 60, storageClass: "premium-rwo", diskType: "pd-standard" }]), "prod: seedPool.seedVolumeClaims[0].diskType \"pd-standard\" must be pd-ssd, the disk type GKE's premium-rwo class provisions"],
  ["unknown top-level key", "testnet", (r) => (r[K("seedPool")] = {}), 'testnet: config has unknown key "seedPool" (allowed: labels, cluster, nodePools, poolWorkloads, testnetChains, testnetBlockchainPool, validators, validatorProxyPassword)'],
];

describe("config validation", () => {
  it.each(cases)("%s", (_key, stack, mutate, message) => {
    const raw = base(stack);
    mutate(raw);
    expect(() => parseStackConfig(stack, raw)).toThrow(message);
    try {
      parseStackConfig(stack, raw);
    } catch (err) {
      expect((err as Error).message).toBe(message);
      expect((err as Error).message).not.toContain("\n");
    }
  });

  it("accepts both committed stacks", () => {
    expect(parseStackConfig("prod", base("prod")).stack).toBe("prod");
    expect(parseStackConfig("testnet", base("testnet")).stack).toBe("testnet");
  });

  it("rejects an unknown stack", () => {
    expect(() => parseStackConfig("staging", base("prod"))).toThrow('staging: unknown stack "staging" (allowed: prod, testnet)');
  });
});

describe("bad config through `npm run render`", () => {
  it("exits 2 with the one-line error and writes nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-bad-"));
    const document = parse(fs.readFileSync(stackConfigPath("prod"), "utf8"));
    document.config["relay-budget:seedPool"].machineType = "n1-standrd-4";
    const stackFile = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(stackFile, stringify(document));
    const out = path.join(dir, "out");
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "cli/render.ts", "--stack", "prod", "--stack-file", stackFile, "--out", out], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('render: prod: seedPool.machineType "n1-standrd-4" is not a machine type offered in us-east1');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(["Pulumi.prod.yaml"]);
  });
});

describe("clusterZones", () => {
  it("counts a zonal cluster's own zone beside its node locations, as GKE and the cost engine do", () => {
    expect(clusterZones({ location: "us-east1-b" })).toEqual(["us-east1-b"]);
    expect(clusterZones({ location: "us-east1-b", nodeLocations: ["us-east1-c"] })).toEqual(["us-east1-b", "us-east1-c"]);
    expect(clusterZones({ location: "us-east1", nodeLocations: ["us-east1-c", "us-east1-d"] })).toEqual(["us-east1-c", "us-east1-d"]);
    expect(clusterZones({ location: "us-east1" })).toHaveLength(3);
  });
});

/**
 * Config that validated but that nginx or Kubernetes refuse, or that cannot be right.
 * One failing config per rule, each with its one-line message; none echoes a secret.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseStackConfig } from "../../config";
import { recordStack } from "../../offline/recordStack";
import { readStackConfig, stackConfigPath } from "../../offline/stackConfig";

type Raw = Record<string, any>;
const base = (stack: string): Raw => structuredClone(readStackConfig(stack).values);
const K = (key: string) => `relay-budget:${key}`;
const proxy = (r: Raw) => r[K("blockchainProxy")];

const cases: [string, "prod" | "testnet", (raw: Raw) => void, string][] = [
  // Ranges nginx reads as "everyone", or that no internal client has.
  ["a /00 prefix", "prod", (r) => (proxy(r).allowedSourceRanges = ["0.0.0.0/00"]), 'prod: blockchainProxy.allowedSourceRanges[0] "0.0.0.0/00" has a prefix length that is not a plain decimal number (no leading zeros, e.g. /14)'],
  ["a /000 prefix", "prod", (r) => (proxy(r).allowedSourceRanges = ["10.150.0.0/20", "0.0.0.0/000"]), 'prod: blockchainProxy.allowedSourceRanges[1] "0.0.0.0/000" has a prefix length that is not a plain decimal number (no leading zeros, e.g. /14)'],
  ["an IPv6 /00 prefix", "prod", (r) => (proxy(r).allowedSourceRanges = ["::/00"]), 'prod: blockchainProxy.allowedSourceRanges[0] "::/00" has a prefix length that is not a plain decimal number (no leading zeros, e.g. /14)'],
  ["two halves of the internet", "prod", (r) => (proxy(r).allowedSourceRanges = ["0.0.0.0/1", "128.0.0.0/1"]), 'prod: blockchainProxy.allowedSourceRanges[0] "0.0.0.0/1" is broader than /8 (list the client cluster\'s node and pod ranges)'],
  ["private ranges that together exceed a /8", "prod", (r) => (proxy(r).allowedSourceRanges = ["10.0.0.0/8", "172.16.0.0/12"]), 'prod: blockchainProxy.allowedSourceRanges[1] "172.16.0.0/12" brings the IPv4 ranges together to more addresses than one /8 holds'],
  ["a zone-scoped IPv6 range", "prod", (r) => (proxy(r).allowedSourceRanges = ["fd00::%eth0/64"]), 'prod: blockchainProxy.allowedSourceRanges[0] "fd00::%eth0/64" is a zone-scoped IPv6 address (%zone): nginx and Kubernetes refuse it'],
  ["a public range", "prod", (r) => (proxy(r).allowedSourceRanges = ["34.75.0.0/16"]), 'prod: blockchainProxy.allowedSourceRanges[0] "34.75.0.0/16" is not a private range (allowed: inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 or fc00::/7)'],
  ["host bits below the prefix", "prod", (r) => (proxy(r).allowedSourceRanges = ["10.150.0.1/20"]), 'prod: blockchainProxy.allowedSourceRanges[0] "10.150.0.1/20" has address bits set below its /20 prefix (the range is 10.150.0.0/20)'],
  ["a leading-zero octet", "prod", (r) => (proxy(r).allowedSourceRanges = ["010.150.0.0/20"]), 'prod: blockchainProxy.allowedSourceRanges[0] "010.150.0.0/20" is not a four-part decimal IPv4 address without leading zeros'],
  ["a range listed inside another", "prod", (r) => (proxy(r).allowedSourceRanges = ["10.48.0.0/14", "10.48.4.0/22"]), 'prod: blockchainProxy.allowedSourceRanges[1] "10.48.4.0/22" overlaps "10.48.0.0/14" at index 0 (list each range once)'],
  // Values nginx refuses: the pods would never start.
  ["a connection cap of 70,000", "prod", (r) => (proxy(r).maxConnectionsPerUpstream = 70000), "prod: blockchainProxy.maxConnectionsPerUpstream 70000 must be from 1 to 4096"],
  ["a body size of 9999999999999m", "prod", (r) => (proxy(r).maxBodySize = "9999999999999m"), 'prod: blockchainProxy.maxBodySize "9999999999999m" is not an nginx size (digits without leading zeros, optional k or m, e.g. 512k or 1m)'],
  ["a body size over nginx's bound", "prod", (r) => (proxy(r).maxBodySize = "17m"), 'prod: blockchainProxy.maxBodySize "17m" is more than 16m (each body is held in memory whole)'],
  ["a CPU limit of 1e21", "prod", (r) => (proxy(r).resources.cpuLimit = 1e21), "prod: blockchainProxy.resources.cpuLimit 1e+21 must be at most 416 CPU cores (the largest GCE machine)"],
  ["a CPU limit nginx would run 65 workers for", "prod", (r) => (proxy(r).resources.cpuLimit = 64.5), "prod: blockchainProxy.resources.cpuLimit 64.5 would run 65 nginx workers (one per CPU), more than 64"],
  ["a keepalive pool over the cap", "prod", (r) => (proxy(r).keepaliveConnections = 100000), "prod: blockchainProxy.keepaliveConnections 100000 must not exceed maxConnectionsPerUpstream 32 (idle connections beyond the cap are never used)"],
  ["caps that need more worker connections than nginx can hold", "prod", (r) => {
    proxy(r).routes = [1, 2, 3, 4, 5, 6].map((n, i) => ({ relayChainId: `002${n}`, blockchainNode: ["geth-mainnet", "geth-rinkeby", "geth-ropsten", "geth-goerli", "poa-kovan", "poa-xdai"][i] }));
    proxy(r).maxConnectionsPerUpstream = 4096;
    proxy(r).keepaliveConnections = 4096;
  }, "prod: blockchainProxy.workerConnections 4096 is below the 73984 one worker may need (6 prod nodes × (2 × maxConnectionsPerUpstream 4096 + keepaliveConnections 4096) + 256 spare)"],
  // The fair-share and capacity rules (validation/proxyLimits.ts proxyCapacityProblem).
  ["a client share over half a node's cap", "prod", (r) => (proxy(r).maxConnectionsPerClient = 17), "prod: blockchainProxy.maxConnectionsPerClient 17 must be at most half of maxConnectionsPerUpstream 32 (16): one client at its share must leave the others at least as much of a node"],
  ["credential shares that together exceed a node's cap", "prod", (r) => {
    proxy(r).clients = ["testnet-validators", "second-validator", "third-validator"];
    r[K("proxyPasswords")] = Object.fromEntries(proxy(r).clients.map((c: string) => [c, `${c}-password-0a1b2c3d`]));
    proxy(r).maxConnectionsPerCredential = 11;
  }, "prod: blockchainProxy.maxConnectionsPerCredential 11 × 3 clients is more than maxConnectionsPerUpstream 32: every client at its share must fit a node's cap, so no client is refused because others hold it (at most 10)"],
  ["bodies whose worst case does not fit the pod's memory", "prod", (r) => (proxy(r).maxBodySize = "4m"), "prod: blockchainProxy.resources.memoryLimitGiB 256 MiB is below the proxy's worst case of 1682 MiB: 4096 connections (88 MiB), 96 relays with maxBodySize 4m (1549 MiB), base 46 MiB; lower workerConnections, maxBodySize or maxConnectionsPerUpstream, or raise the memory limit"],
  ["worker connections with no room beside the relays", "prod", (r) => (proxy(r).workerConnections = 300), "prod: blockchainProxy.workerConnections 300 is below the 544 one worker may need (3 prod nodes × (2 × maxConnectionsPerUpstream 32 + keepaliveConnections 32) + 256 spare)"],
  ["an image by tag", "prod", (r) => (proxy(r).image = "us-east1-docker.pkg.dev/pokt-network-prod/relay-budget/blockchain-proxy:1.22"), 'prod: blockchainProxy.image "us-east1-docker.pkg.dev/pokt-network-prod/relay-budget/blockchain-proxy:1.22" is not an image pinned by digest (<registry>/<path>@sha256:<64 hex digits>)'],
  ["a batch limit of 0", "prod", (r) => (proxy(r).maxBatchCalls = 0), "prod: blockchainProxy.maxBatchCalls 0 must be from 1 to 10000"],
  ["a header timeout of two minutes", "prod", (r) => (proxy(r).clientTimeouts.headerSeconds = 120), "prod: blockchainProxy.clientTimeouts.headerSeconds 120 must be from 1 to 60 seconds"],
  ["a timeout over an hour", "prod", (r) => (proxy(r).upstreamTimeoutSeconds = 1e9), "prod: blockchainProxy.upstreamTimeoutSeconds 1000000000 must be from 1 to 3600 seconds"],
  ["memory that renders as 0Mi", "prod", (r) => (proxy(r).resources.memoryRequestGiB = 0.0001), "prod: blockchainProxy.resources.memoryRequestGiB 0.0001 must be a whole number of MiB (a multiple of 1/1024 GiB, e.g. 0.25 or 1.5)"],
  ["memory that renders as 1e-7Gi", "testnet", (r) => (r[K("testnetChains")][0].resources.memoryRequestGiB = 1e-7), "testnet: testnetChains[0].resources.memoryRequestGiB 1e-7 must be a whole number of MiB (a multiple of 1/1024 GiB, e.g. 0.25 or 1.5)"],
  ["CPU finer than a millicore", "prod", (r) => (r[K("seedPool")].seedResources.cpuRequest = 0.0005), "prod: seedPool.seedResources.cpuRequest 0.0005 must be a whole number of millicores (at most three decimals, e.g. 0.25)"],
  // Values that validate one by one but cannot be right together.
  ["duplicate clients", "prod", (r) => (proxy(r).clients = ["testnet-validators", "testnet-validators"]), 'prod: blockchainProxy.clients[1] "testnet-validators" is listed twice (clients[0])'],
  ["a password with a newline", "prod", (r) => (r[K("proxyPasswords")] = { "testnet-validators": "a-long-password-1\nsecond-line" }), "prod: proxyPasswords.testnet-validators [secret] must not contain ':', a line break or another control character"],
  ["a password with ':'", "prod", (r) => (r[K("proxyPasswords")] = { "testnet-validators": "a-long-password:with-colon" }), "prod: proxyPasswords.testnet-validators [secret] must not contain ':', a line break or another control character"],
  ["two prod nodes on one disk", "prod", (r) => (r[K("blockchainNodes")][1].disk.name = r[K("blockchainNodes")][0].disk.name), `prod: blockchainNodes[1].disk has the name "geth-mainnet-data" of blockchainNodes[0].disk (each needs its own disk: a disk mounts read-write on one node)`],
  ["two testnet chains on one disk", "testnet", (r) => (r[K("testnetChains")][1].disk = { ...r[K("testnetChains")][1].disk, importId: r[K("testnetChains")][0].disk.importId }), 'testnet: testnetChains[1].disk has the importId "projects/pokt-network-testnet/zones/us-east1-c/disks/testnet-geth-goerli-data" of testnetChains[0].disk (each needs its own disk: a disk mounts read-write on one node)'],
  ["a disk zone outside the cluster's zones", "prod", (r) => (r[K("blockchainNodes")][0].disk.zone = "us-east1-d"), 'prod: blockchainNodes[0].disk.zone "us-east1-d" is not a zone of cluster prod (its nodes run in us-east1-b; a pod cannot mount a disk of another zone)'],
  ["internalIp outside the node range", "prod", (r) => (proxy(r).internalIp = "10.1.2.3"), 'prod: blockchainProxy.internalIp "10.1.2.3" is not in cluster.nodeCidr 10.142.0.0/20 (the internal load balancer takes an address of the cluster\'s subnetwork)'],
  ["internalIp on a reserved address", "prod", (r) => (proxy(r).internalIp = "10.142.0.1"), 'prod: blockchainProxy.internalIp "10.142.0.1" is one of the four addresses GCP reserves in 10.142.0.0/20 (its first two and last two)'],
  ["internalIp with a leading zero", "prod", (r) => (proxy(r).internalIp = "10.142.0.025"), 'prod: blockchainProxy.internalIp "10.142.0.025" is not an IPv4 address'],
  ["a cluster range with host bits", "prod", (r) => (r[K("cluster")].podCidr = "10.142.0.0/14"), 'prod: cluster.podCidr "10.142.0.0/14" has address bits set below its /14 prefix (the range is 10.140.0.0/14)'],
  ["overlapping node and pod ranges", "prod", (r) => (r[K("cluster")].podCidr = "10.142.0.0/16"), 'prod: cluster.podCidr "10.142.0.0/16" overlaps cluster.nodeCidr "10.142.0.0/20" (node, pod and service ranges must not overlap)'],
  ["overlapping pod and service ranges", "testnet", (r) => (r[K("cluster")].servicesCidr = "10.48.16.0/20"), 'testnet: cluster.servicesCidr "10.48.16.0/20" overlaps cluster.podCidr "10.48.0.0/14" (node, pod and service ranges must not overlap)'],
  ["a seed pool that cannot drain a node", "prod", (r) => (r[K("seedPool")].nodeCount = 2), "prod: seedPool.minAvailableSeeds 7 cannot be kept while one node drains: 10 seeds on 2 node(s) put up to 5 on one, leaving 5 (lower minAvailableSeeds or add nodes)"],
  // Uneven: 10 seeds on 3 nodes put 4 on one (ceil), so a drain leaves 6; rounding down would wrongly leave 7.
  ["a seed pool spread unevenly that cannot drain a node", "prod", (r) => (r[K("seedPool")].nodeCount = 3), "prod: seedPool.minAvailableSeeds 7 cannot be kept while one node drains: 10 seeds on 3 node(s) put up to 4 on one, leaving 6 (lower minAvailableSeeds or add nodes)"],
];

describe("config refuses what would hurt prod", () => {
  it.each(cases)("%s", (_what, stack, mutate, message) => {
    const raw = base(stack);
    mutate(raw);
    let error: Error | undefined;
    try {
      parseStackConfig(stack, raw);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toBe(message);
    expect(message).not.toContain("\n");
  });

  it("the committed stacks still pass every rule", () => {
    expect(parseStackConfig("prod", base("prod")).stack).toBe("prod");
    expect(parseStackConfig("testnet", base("testnet")).stack).toBe("testnet");
  });

  it("a secure: value under any key is never echoed, not only the two password keys", () => {
    const raw = base("prod");
    const secretValue = "Not_A_Name-s3cr3t-value";
    raw[K("labels")] = { team: secretValue };
    expect(() => parseStackConfig("prod", raw, ["relay-budget:labels"])).toThrow(/^prod: labels\.team \[secret\] is not a valid team name/);
    expect(() => parseStackConfig("prod", raw, ["relay-budget:labels"])).not.toThrow(secretValue);
  });

  it("through the program (as `pulumi up` and `render` run it): a secure: value under cluster is [secret] in the error", async () => {
    const document = parse(fs.readFileSync(stackConfigPath("prod"), "utf8"));
    document.config["relay-budget:cluster"].podCidr = { secure: "v1:c2VjcmV0LXJhbmdl" };
    const stackFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "secure-label-")), "Pulumi.prod.yaml");
    fs.writeFileSync(stackFile, stringify(document));
    const error = await recordStack("prod", { stackFile }).then(
      () => undefined,
      (err: Error) => err,
    );
    // The offline run stands in "offline-<hash>" for the undecryptable value: that must not show either.
    expect(error?.message).toBe("prod: cluster.podCidr [secret] is not a CIDR range (address/prefix, e.g. 10.8.0.0/14)");
    expect(error?.message).not.toMatch(/offline-|v1:/);
  });
});

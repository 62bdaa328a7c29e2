/**
 * The blockchain proxy: every route to a blockchain node of the stack and each relay chain routed
 * once, every client listed once with a password, the internal address a usable one of the nodes'
 * subnetwork, and settings nginx accepts (worker connections and processes within its bounds).
 */
import type { PriceCatalog } from "../../catalog/catalog";
import { Cidr, cidrContains, parseCidr } from "../../validation/cidr";
import { credentialShareOf, MAX_WORKER_PROCESSES, proxyCapacityProblem } from "../../validation/proxyLimits";
import type { StackConfig } from "../stackSchemas";
import { resourcesProblem } from "./containerResources";

export function proxyProblem(config: StackConfig, catalog: PriceCatalog): string | undefined {
  if (config.stack !== "prod" || !config.blockchainProxy) return undefined;
  const proxy = config.blockchainProxy;
  const nodeNames = config.blockchainNodes.map((node) => node.name);
  const routed = new Set<string>();
  for (const [i, route] of proxy.routes.entries()) {
    if (routed.has(route.relayChainId.toLowerCase())) {
      return `blockchainProxy.routes[${i}].relayChainId ${JSON.stringify(route.relayChainId)} is routed twice (relay chain IDs must be unique)`;
    }
    routed.add(route.relayChainId.toLowerCase());
    if (!nodeNames.includes(route.blockchainNode)) {
      return `blockchainProxy.routes[${i}].blockchainNode ${JSON.stringify(route.blockchainNode)} is not a blockchain node of this stack (allowed: ${nodeNames.join(", ")})`;
    }
  }
  if (!catalog.regions.includes(proxy.clientRegion)) {
    return `blockchainProxy.clientRegion ${JSON.stringify(proxy.clientRegion)} is not a GCP region (e.g. us-east1)`;
  }
  const resources = resourcesProblem("blockchainProxy.resources", proxy.resources);
  if (resources) return resources;
  const passwords = config.proxyPasswords ?? {};
  const seen = new Map<string, number>();
  for (const [i, client] of proxy.clients.entries()) {
    if (passwords[client] === undefined) {
      return `blockchainProxy.clients[${i}] ${JSON.stringify(client)} has no password in the secret key proxyPasswords (pulumi config set --secret --path 'proxyPasswords.${client}' ...)`;
    }
    if (seen.has(client)) return `blockchainProxy.clients[${i}] ${JSON.stringify(client)} is listed twice (clients[${seen.get(client)}])`;
    seen.set(client, i);
  }
  return internalAddressProblem(proxy.internalIp, config.cluster.nodeCidr) ?? nginxBoundsProblem(proxy);
}

function internalAddressProblem(internalIp: string, nodeCidr: string): string | undefined {
  const nodeRange = parseCidr(nodeCidr) as Cidr;
  const address = parseCidr(`${internalIp}/32`) as Cidr;
  if (!cidrContains(nodeRange, address)) {
    return `blockchainProxy.internalIp ${JSON.stringify(internalIp)} is not in cluster.nodeCidr ${nodeCidr} (the internal load balancer takes an address of the cluster's subnetwork)`;
  }
  // GCP reserves a subnet's network and gateway addresses and its last two.
  const offset = parseInt(address.bits.slice(nodeRange.prefix), 2);
  const size = 2 ** (32 - nodeRange.prefix);
  if (offset < 2 || offset >= size - 2) {
    return `blockchainProxy.internalIp ${JSON.stringify(internalIp)} is one of the four addresses GCP reserves in ${nodeCidr} (its first two and last two)`;
  }
  return undefined;
}

function nginxBoundsProblem(proxy: NonNullable<Extract<StackConfig, { stack: "prod" }>["blockchainProxy"]>): string | undefined {
  if (proxy.keepaliveConnections > proxy.maxConnectionsPerUpstream) {
    return `blockchainProxy.keepaliveConnections ${proxy.keepaliveConnections} must not exceed maxConnectionsPerUpstream ${proxy.maxConnectionsPerUpstream} (idle connections beyond the cap are never used)`;
  }
  const workers = Math.ceil(proxy.resources.cpuLimit);
  if (workers > MAX_WORKER_PROCESSES) {
    return `blockchainProxy.resources.cpuLimit ${proxy.resources.cpuLimit} would run ${workers} nginx workers (one per CPU), more than ${MAX_WORKER_PROCESSES}`;
  }
  const fields: Record<string, string> = { memoryLimitBytes: "resources.memoryLimitGiB", workerProcesses: "resources.cpuLimit", nodes: "routes" };
  return proxyCapacityProblem(
    {
      ...proxy,
      maxConnectionsPerCredential: credentialShareOf(proxy),
      clients: proxy.clients.length,
      nodes: new Set(proxy.routes.map((r) => r.blockchainNode)).size,
      workerProcesses: workers,
      memoryLimitBytes: proxy.resources.memoryLimitGiB * 2 ** 30,
    },
    (name) => `blockchainProxy.${fields[name] ?? name}`,
  );
}

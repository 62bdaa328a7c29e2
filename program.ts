/**
 * The program: what each stack declares, from its validated config. `index.ts` runs it under the
 * Pulumi CLI; offline/recordStack.ts runs the same function under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { clusterZones, parseStackConfig, ProdConfig, StackConfig, TestnetConfig } from "./config";
import { BlockchainNodeDisks } from "./components/blockchainNodeDisks";
import { BlockchainProxy } from "./components/blockchainProxy";
import { GkeCluster } from "./components/gkeCluster";
import { SeedNodePool } from "./components/seedNodePool";
import { BLOCKCHAIN_NAMESPACE, TestnetBlockchains } from "./components/testnetBlockchains";
import { ValidatorChains } from "./components/validatorChains";

/** The stack's config as the Pulumi runtime holds it (the CLI or the mocks set it), validated. */
export function stackConfigFromRuntime(): StackConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    raw[key] = parseConfigValue(value);
  }
  // Which keys are `secure:` (the runtime knows; its check is not in the SDK's typings): their
  // values never appear in a config error, whatever the key.
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  const secretKeys = isConfigSecret ? Object.keys(raw).filter((key) => isConfigSecret(key)) : [];
  return parseStackConfig(pulumi.getStack(), raw, secretKeys);
}

/** Pulumi hands structured config over as JSON text and scalars as plain strings. */
function parseConfigValue(value: string): unknown {
  if (/^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

export function defineStack(config: StackConfig): Record<string, pulumi.Input<unknown>> {
  const labels = { team: config.labels.team, env: config.stack };
  const cluster = new GkeCluster(config.cluster.name, {
    project: config.gcpProject,
    name: config.cluster.name,
    location: config.cluster.location,
    nodeLocations: config.cluster.nodeLocations,
    network: config.cluster.network,
    subnetwork: config.cluster.subnetwork,
    podCidr: config.cluster.podCidr,
    servicesCidr: config.cluster.servicesCidr,
    nodePools: config.nodePools,
    labels,
    importId: config.cluster.importId,
  });
  return config.stack === "prod" ? defineProd(config, cluster, labels) : defineTestnet(config, cluster, labels);
}

function defineProd(config: ProdConfig, cluster: GkeCluster, labels: { team: string; env: string }) {
  const defaultZone = clusterZones(config.cluster)[0];
  const { seedReplicas, minAvailableSeeds, seedNamespace, seedResources: _seedResources, ...pool } = config.seedPool;
  const seedPool = new SeedNodePool("seed-node-pool", {
    pool,
    seedReplicas,
    minAvailableSeeds,
    seedNamespace,
    cluster: cluster.clusterName,
    clusterLocation: config.cluster.location,
    clusterNodeLocations: config.cluster.nodeLocations,
    project: config.gcpProject,
    labels,
    provider: cluster.provider,
  });
  new BlockchainNodeDisks("blockchain-node-disks", {
    project: config.gcpProject,
    defaultZone,
    disks: config.blockchainNodes.map((node) => ({ blockchainNode: node.name, disk: node.disk })),
    labels,
  });
  const outputs: Record<string, pulumi.Input<unknown>> = {
    seedPool: {
      name: seedPool.poolName,
      nodeCount: seedPool.nodeCount,
      vcpuPerNode: seedPool.vcpuPerNode,
      memoryGbPerNode: seedPool.memoryGbPerNode,
    },
  };
  if (config.blockchainProxy) {
    const proxy = new BlockchainProxy("blockchain-proxy", {
      proxy: config.blockchainProxy,
      blockchainNodes: config.blockchainNodes.map((n) => ({ name: n.name, namespace: n.namespace, port: n.port })),
      passwords: pulumi.secret(config.proxyPasswords ?? {}),
      project: config.gcpProject,
      region: config.region,
      subnetwork: config.cluster.subnetwork,
      labels,
      provider: cluster.provider,
    });
    outputs.proxyAddress = proxy.address;
    outputs.proxyUrls = proxy.urls;
  }
  return outputs;
}

function defineTestnet(config: TestnetConfig, cluster: GkeCluster, labels: { team: string; env: string }) {
  const blockchains = new TestnetBlockchains("testnet-blockchains", {
    chains: config.testnetChains,
    pool: config.testnetBlockchainPool,
    namespace: BLOCKCHAIN_NAMESPACE,
    project: config.gcpProject,
    cluster: cluster.clusterName,
    clusterLocation: config.cluster.location,
    defaultZone: clusterZones(config.cluster)[0],
    labels,
    provider: cluster.provider,
  });
  // Only a stack that sends validators to the proxy depends on the prod stack.
  const proxyUrls = blockchains.decommissionedChains.length
    ? new pulumi.StackReference(config.validators.proxyStack).requireOutput("proxyUrls").apply((urls) => urls as Record<string, string>)
    : {};
  const chains = new ValidatorChains("validator-chains", {
    chains: config.testnetChains,
    namespace: config.validators.namespace,
    secretName: config.validators.chainsSecretName,
    proxyUrls,
    proxyUsername: config.validators.proxyUsername,
    proxyPassword: pulumi.secret(config.validatorProxyPassword ?? ""),
    provider: cluster.provider,
  });
  return {
    blockchainPoolNodeCount: blockchains.poolNodeCount,
    activeChains: blockchains.activeChains,
    decommissionedChains: blockchains.decommissionedChains,
    snapshots: blockchains.snapshots,
    chainsSecret: chains.secretName,
  };
}

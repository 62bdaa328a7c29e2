/**
 * The program: what each stack declares, from its validated config. `index.ts` runs it under the
 * Pulumi CLI; offline/recordStack.ts runs the same function under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadCatalog } from "../catalog/catalog";
import { BlockchainNodeDiskConfig, clusterZones, newDiskNameOf, parseStackConfig, ProdConfig, StackConfig, TestnetConfig } from "../config";
import type { StatedWorkload } from "../config/poolWorkloadsSchema";
import { claimDiskType } from "../config/volumeClaimSchema";
import type { StatedDemand, StatedPodGroup } from "../graph/statedPodGroup";
import { BlockchainNodeDisks } from "../components/blockchainNodeDisks";
import type { BlockchainNodeDiskSpec } from "../components/blockchainNodeDisksArgs";
import { BlockchainProxy } from "../components/blockchainProxy";
import { GkeCluster } from "../components/gkeCluster";
import { SEED_POD_SELECTOR, SeedNodePool } from "../components/seedNodePool";
import { BLOCKCHAIN_NAMESPACE, TestnetBlockchains } from "../components/testnetBlockchains";
import { ValidatorChains } from "../components/validatorChains";
import { prodProxyUrls } from "./prodProxyUrls";
import { appliedDiskMigrations } from "./appliedDiskMigrations";
import { AppliedDiskMigration, DISK_MIGRATIONS_OUTPUT } from "../graph/diskMigration";

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

/** Async because testnet waits for prod's deployed routes before it declares what uses them. */
export async function defineStack(config: StackConfig): Promise<Record<string, pulumi.Input<unknown>>> {
  const labels = { team: config.labels.team, env: config.stack };
  // First: a skipped disk migration step stops the run before any resource is declared.
  const appliedMigrations = config.stack === "prod" ? await appliedDiskMigrations(config) : {};
  const demand = poolDemand(config);
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
    statedDemand: demandOf(demand, config.nodePools.map((pool) => pool.name)),
    labels,
    importId: config.cluster.importId,
  });
  return config.stack === "prod" ? defineProd(config, cluster, labels, demand, appliedMigrations) : defineTestnet(config, cluster, labels, demand);
}

/** The config entries as graph entries, each naming its config key. */
export function statedPodGroups(poolWorkloads: Record<string, StatedWorkload[]>): StatedDemand {
  const pools: StatedDemand = {};
  for (const [pool, workloads] of Object.entries(poolWorkloads)) {
    pools[pool] = workloads.map(({ volumeClaims, ...w }, i) => ({
      ...w,
      ...(volumeClaims ? { volumeClaims: volumeClaims.map((claim, c) => ({ ...claim, diskType: claimDiskType(claim), configKey: `poolWorkloads.${pool}[${i}].volumeClaims[${c}]` })) } : {}),
      configKey: `poolWorkloads.${pool}[${i}]`,
    }));
  }
  return pools;
}

/** The stated demand of the given pools (what the component declaring them carries into the graph). */
function demandOf(demand: StatedDemand, pools: string[]): StatedDemand {
  return Object.fromEntries(Object.entries(demand).filter(([pool]) => pools.includes(pool)));
}

/** vCPUs and memory of one node of a machine type, from the price catalog. */
function machineOf(machineType: string): { vcpu: number; memoryGb: number } {
  const { vcpu, memoryGb } = loadCatalog().machineTypes[machineType];
  return { vcpu, memoryGb };
}

/** Every pool's stated demand: config poolWorkloads, plus prod's seed pods sized from seedPool. */
export function poolDemand(config: StackConfig): StatedDemand {
  const pools = statedPodGroups(config.poolWorkloads);
  if (config.stack === "prod") {
    const seeds = config.seedPool;
    const seedPods: StatedPodGroup = {
      name: SEED_POD_SELECTOR["app.kubernetes.io/name"],
      namespace: seeds.seedNamespace,
      replicas: seeds.seedReplicas,
      requests: { cpu: seeds.seedResources.cpuRequest, memoryGiB: seeds.seedResources.memoryRequestGiB },
      limits: { cpu: seeds.seedResources.cpuLimit, memoryGiB: seeds.seedResources.memoryLimitGiB },
      onePerNode: false,
      // The program declares the seeds' PodDisruptionBudget (SeedNodePool): it matches these labels.
      podLabels: { ...SEED_POD_SELECTOR },
      inferred: "no public source gives the seed pods' requests: seedPool.seedResources is the stack's inferred value (RC-0.5.2.9 fixed the memory growth; the chain was about 14.5 GB in Jan 2021)",
      configKey: "seedPool.seedResources x seedReplicas",
      ...(seeds.seedVolumeClaims ? { volumeClaims: seeds.seedVolumeClaims.map((claim, c) => ({ ...claim, diskType: claimDiskType(claim), configKey: `seedPool.seedVolumeClaims[${c}]` })) } : {}),
    };
    pools[seeds.name] = [...(pools[seeds.name] ?? []), seedPods];
  }
  return pools;
}

function defineProd(config: ProdConfig, cluster: GkeCluster, labels: { team: string; env: string }, demand: StatedDemand, appliedMigrations: Record<string, AppliedDiskMigration>) {
  const defaultZone = clusterZones(config.cluster)[0];
  const { seedReplicas, minAvailableSeeds, seedNamespace, seedResources: _seedResources, seedVolumeClaims: _seedVolumeClaims, ...pool } = config.seedPool;
  const seedPool = new SeedNodePool("seed-node-pool", {
    pool,
    machine: machineOf(pool.machineType),
    seedReplicas,
    minAvailableSeeds,
    seedNamespace,
    cluster: cluster.clusterName,
    clusterLocation: config.cluster.location,
    clusterZones: clusterZones(config.cluster),
    project: config.gcpProject,
    labels,
    statedDemand: demandOf(demand, [pool.name]),
    provider: cluster.provider,
  });
  const disks = new BlockchainNodeDisks("blockchain-node-disks", {
    project: config.gcpProject,
    defaultZone,
    nodes: config.blockchainNodes.map((node) => ({
      blockchainNode: node.name,
      relayChainIds: node.relayChainIds,
      namespace: node.namespace,
      disk: blockchainNodeDiskArgs(node.disk),
      volume: { ...node.volume },
    })),
    labels,
    appliedMigrations,
    provider: cluster.provider,
  });
  const outputs: Record<string, pulumi.Input<unknown>> = {
    seedPool: {
      name: seedPool.poolName,
      nodeCount: seedPool.nodeCount,
      vcpuPerNode: seedPool.vcpuPerNode,
      memoryGbPerNode: seedPool.memoryGbPerNode,
    },
  };
  // What this up applies of each migration: the next run's self StackReference reads it back.
  if (Object.keys(disks.migrationOutputs).length) outputs[DISK_MIGRATIONS_OUTPUT] = disks.migrationOutputs;
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

/** A blockchain node's disk as BlockchainNodeDisks takes it: a migration's new disk named (the configured name or the default). */
function blockchainNodeDiskArgs(disk: BlockchainNodeDiskConfig): BlockchainNodeDiskSpec {
  const { migration, ...dataDisk } = disk;
  return migration ? { ...dataDisk, migration: { toType: migration.toType, step: migration.step, newDiskName: newDiskNameOf(disk)!, keepSnapshot: migration.keepSnapshot } } : dataDisk;
}

async function defineTestnet(config: TestnetConfig, cluster: GkeCluster, labels: { team: string; env: string }, demand: StatedDemand) {
  const blockchains = new TestnetBlockchains("testnet-blockchains", {
    chains: config.testnetChains,
    pool: config.testnetBlockchainPool,
    machine: machineOf(config.testnetBlockchainPool.machineType),
    statedDemand: demandOf(demand, [config.testnetBlockchainPool.name]),
    namespace: BLOCKCHAIN_NAMESPACE,
    project: config.gcpProject,
    cluster: cluster.clusterName,
    clusterLocation: config.cluster.location,
    defaultZone: clusterZones(config.cluster)[0],
    labels,
    provider: cluster.provider,
  });
  // Only a stack that sends validators to the proxy depends on the prod stack.
  // Awaited before chains.json is declared: a refused route stops the run before any resource uses it.
  const proxyUrls = blockchains.decommissionedChains.length ? await prodProxyUrls(config.validators.proxyStack, config.testnetChains) : {};
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
    // Where validators reach each decommissioned chain; also makes a refused route fail the run.
    validatorProxyUrls: proxyUrls,
  };
}

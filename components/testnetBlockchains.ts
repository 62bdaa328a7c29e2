/**
 * The testnet cluster's own blockchain nodes, each `active` (StatefulSet, Service and its data
 * disk, as today) or `decommissioned` (all of that gone, a protected snapshot of the disk kept so
 * the chain can be restored by flipping it back). The blockchain node pool is sized from the
 * chains that remain active and disappears when none does.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../graph/componentTypes";
import { withLegacyTypeAlias } from "./componentType";
import { regionOf } from "../catalog/gcpLocations";
import type { StatedDemand } from "../graph/statedPodGroup";
import { gkeAllocatable, nodesForRequests } from "../sizing/gkeAllocatable";
import { NodePoolSpec, nodePoolArgs, nodePoolOptions } from "./nodePoolArgs";
import { dataDiskLabels } from "./blockchainNodeDisks";
import type { DataDiskSpec } from "./blockchainNodeDisksArgs";
import { cpuQuantity, memoryQuantity } from "../validation/kubernetesQuantity";

/** A testnet blockchain node: running (`active`) or replaced by the prod proxy (`decommissioned`). */
export interface TestnetChainSpec {
  /** The node's name (its StatefulSet and Service). */
  name: string;
  /** The relay chain ID it serves (4 hex digits). */
  relayChainId: string;
  state: "active" | "decommissioned";
  /** Container image and arguments. */
  image: string;
  args: string[];
  /** RPC port. */
  port: number;
  /** One pod's requests and limits (CPU cores, GiB). */
  resources: { cpuRequest: number; cpuLimit: number; memoryRequestGiB: number; memoryLimitGiB: number };
  /** Its data disk; a decommissioned chain keeps a snapshot of it. */
  disk: DataDiskSpec;
}

export interface TestnetBlockchainsArgs {
  chains: TestnetChainSpec[];
  /** The testnet blockchain node pool; its count is sized here from the active chains unless set. */
  pool: Omit<NodePoolSpec, "autoscaling">;
  /** vCPUs and memory (GB) of one node of the pool's machine type, from the price catalog. */
  machine: { vcpu: number; memoryGb: number };
  /** Pods stated for the pool that the program does not declare, as the graph carries them for the investigation. */
  statedDemand: StatedDemand;
  /** Namespace of the blockchain nodes. */
  namespace: string;
  project: string;
  cluster: pulumi.Input<string>;
  clusterLocation: string;
  /** Zone of data disks whose config names none. */
  defaultZone: string;
  labels: { team: string; env: string };
  provider: k8s.Provider;
}

export const BLOCKCHAIN_NAMESPACE = "blockchain";

/** The name of the snapshot kept for a decommissioned chain. */
export function finalSnapshotName(chain: Pick<TestnetChainSpec, "disk">): string {
  return `${chain.disk.name}-final`.slice(0, 63);
}

/** The in-cluster URL of an active chain (what validators used before the proxy). */
export function localChainUrl(chain: Pick<TestnetChainSpec, "name" | "port">, namespace = BLOCKCHAIN_NAMESPACE): string {
  return `http://${chain.name}.${namespace}.svc.cluster.local:${chain.port}`;
}

/** Nodes the blockchain pool needs for the active chains' requests (0 when none is active). */
export function blockchainPoolNodeCount(chains: TestnetChainSpec[], machineType: string, machine: { vcpu: number; memoryGb: number }): number {
  const active = chains.filter((c) => c.state === "active");
  const node = gkeAllocatable(machine.vcpu, machine.memoryGb);
  const fitting = active.filter((c) => c.resources.cpuRequest <= node.cpu && c.resources.memoryRequestGiB <= node.memoryGiB);
  if (fitting.length !== active.length) {
    const chain = active.find((c) => !fitting.includes(c))!;
    throw new Error(`testnet: testnetChains ${chain.name} requests more than one ${machineType} node can allocate (${node.cpu.toFixed(2)} CPU, ${node.memoryGiB.toFixed(1)} GiB)`);
  }
  const total = active.reduce((sum, c) => ({ cpu: sum.cpu + c.resources.cpuRequest, memoryGiB: sum.memoryGiB + c.resources.memoryRequestGiB }), { cpu: 0, memoryGiB: 0 });
  return nodesForRequests(total, node);
}

export class TestnetBlockchains extends pulumi.ComponentResource {
  /** Nodes of the blockchain pool (0: the pool is gone). */
  public readonly poolNodeCount: number;
  public readonly activeChains: string[];
  public readonly decommissionedChains: string[];
  /** Decommissioned chain -> the name of the snapshot that keeps its data. */
  public readonly snapshots: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: TestnetBlockchainsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Each chain's state and disk, as inputs and outputs: the snapshot-before-decommission policy
    // reads them from the graph (a stack check under the CLI sees a component's outputs).
    const chainStates = args.chains.map(({ name, relayChainId, state, disk }) => ({ name, relayChainId, state, disk: disk.name }));
    const { provider: _provider, chains: _chains, ...serialisable } = args;
    super(COMPONENT_TYPES.testnetBlockchains, name, { ...serialisable, chains: chainStates }, withLegacyTypeAlias("testnetBlockchains", opts));
    const active = args.chains.filter((c) => c.state === "active");
    this.activeChains = active.map((c) => c.name);
    this.decommissionedChains = args.chains.filter((c) => c.state === "decommissioned").map((c) => c.name);
    this.poolNodeCount = args.pool.nodeCount ?? blockchainPoolNodeCount(args.chains, args.pool.machineType, args.machine);

    if (active.length > 0 && this.poolNodeCount > 0) {
      new gcp.container.NodePool(
        args.pool.name,
        nodePoolArgs({ ...args.pool, nodeCount: this.poolNodeCount }, { cluster: args.cluster, location: args.clusterLocation, project: args.project }, args.labels),
        nodePoolOptions(args.pool, this),
      );
    }

    for (const chain of args.chains) {
      const zone = chain.disk.zone ?? args.defaultZone;
      if (chain.state === "active") {
        this.declareActiveChain(chain, zone, args);
      } else {
        // The disk is gone from the program; Pulumi deletes removed resources after creating new
        // ones, so this snapshot exists before the disk is deleted.
        const snapshot = new gcp.compute.Snapshot(
          finalSnapshotName(chain),
          {
            name: finalSnapshotName(chain),
            project: args.project,
            zone,
            sourceDisk: `projects/${args.project}/zones/${zone}/disks/${chain.disk.name}`,
            storageLocations: [regionOf(zone)],
            labels: {
              ...args.labels,
              component: "blockchain-nodes",
              "blockchain-node": chain.name,
              "relay-chain-id": chain.relayChainId.toLowerCase(),
              // The snapshot's billed size is at most its source disk's: priced from this until GCP reports it.
              "source-disk-size-gb": String(chain.disk.sizeGb),
            },
          },
          { parent: this, protect: true },
        );
        this.snapshots[chain.name] = snapshot.name;
      }
    }

    // statedDemand again as an output: the engine keeps a local component's outputs, not its args (graph/statedPodGroup.ts).
    this.registerOutputs({
      chains: chainStates,
      poolNodeCount: this.poolNodeCount,
      activeChains: this.activeChains,
      decommissionedChains: this.decommissionedChains,
      snapshots: this.snapshots,
      statedDemand: args.statedDemand,
    });
  }

  private declareActiveChain(chain: TestnetChainSpec, zone: string, args: TestnetBlockchainsArgs): void {
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = { "app.kubernetes.io/name": chain.name, "app.kubernetes.io/component": "blockchain-node", "pokt.network/relay-chain-id": chain.relayChainId };
    const disk = new gcp.compute.Disk(
      chain.disk.name,
      { name: chain.disk.name, project: args.project, zone, type: chain.disk.type, size: chain.disk.sizeGb, labels: dataDiskLabels(args.labels, chain.name) },
      { parent: this, import: chain.disk.importId, protect: true },
    );
    // The pre-created disk is bound through a PV/PVC pair, as the cluster does today.
    const volume = new k8s.core.v1.PersistentVolume(
      `${chain.name}-data`,
      {
        metadata: { name: `${chain.name}-data`, labels },
        spec: {
          capacity: { storage: `${chain.disk.sizeGb}Gi` },
          accessModes: ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Retain",
          storageClassName: "",
          claimRef: { namespace: args.namespace, name: `${chain.name}-data` },
          csi: { driver: "pd.csi.storage.gke.io", volumeHandle: pulumi.interpolate`projects/${args.project}/zones/${zone}/disks/${disk.name}`, fsType: "ext4" },
        },
      },
      k8sOpts,
    );
    const claim = new k8s.core.v1.PersistentVolumeClaim(
      `${chain.name}-data`,
      {
        metadata: { name: `${chain.name}-data`, namespace: args.namespace, labels },
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: "", volumeName: volume.metadata.name, resources: { requests: { storage: `${chain.disk.sizeGb}Gi` } } },
      },
      k8sOpts,
    );
    new k8s.core.v1.Service(
      chain.name,
      { metadata: { name: chain.name, namespace: args.namespace, labels }, spec: { type: "ClusterIP", selector: labels, ports: [{ name: "rpc", port: chain.port, targetPort: "rpc", protocol: "TCP" }] } },
      k8sOpts,
    );
    new k8s.apps.v1.StatefulSet(
      chain.name,
      {
        metadata: { name: chain.name, namespace: args.namespace, labels },
        spec: {
          serviceName: chain.name,
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              nodeSelector: { "cloud.google.com/gke-nodepool": args.pool.name },
              containers: [
                {
                  name: "node",
                  image: chain.image,
                  args: chain.args,
                  ports: [{ name: "rpc", containerPort: chain.port, protocol: "TCP" }],
                  resources: {
                    requests: { cpu: cpuQuantity(chain.resources.cpuRequest), memory: memoryQuantity(chain.resources.memoryRequestGiB) },
                    limits: { cpu: cpuQuantity(chain.resources.cpuLimit), memory: memoryQuantity(chain.resources.memoryLimitGiB) },
                  },
                  volumeMounts: [{ name: "data", mountPath: "/data" }],
                },
              ],
              volumes: [{ name: "data", persistentVolumeClaim: { claimName: `${chain.name}-data` } }],
            },
          },
        },
      },
      // Its pod uses the claim: Pulumi deletes dependents first, so on decommission the StatefulSet
      // (and its pod) goes before the claim, whose deletion otherwise waits on that pod until the
      // provider times out.
      { ...k8sOpts, dependsOn: [claim] },
    );
  }
}

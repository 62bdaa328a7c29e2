/**
 * A GKE cluster as it exists today, adopted into the stack: the cluster itself (protected), the
 * node pools that stay as they are, and a Kubernetes provider bound to the cluster.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../graph/componentTypes";
import { withLegacyTypeAlias } from "./componentType";
import type { StatedDemand } from "../graph/statedPodGroup";
import { NodePoolSpec, nodePoolArgs, nodePoolOptions } from "./nodePoolArgs";

export interface GkeClusterArgs {
  /** The GCP project id. */
  project: string;
  /** Cluster name, e.g. "prod". */
  name: string;
  /** Zone (zonal cluster) or region. */
  location: string;
  /** Zones of the cluster's nodes; default: GKE's (the zone of a zonal cluster). */
  nodeLocations?: string[];
  network: string;
  subnetwork: string;
  /** Secondary ranges of the VPC-native cluster. */
  podCidr: string;
  servicesCidr: string;
  /** Node pools declared as they are, so the stack's cost is the cluster's real cost. */
  nodePools: NodePoolSpec[];
  /** Pool name -> the pods on these pools the program does not declare, as stated (what the savings investigation sizes them from). */
  statedDemand: StatedDemand;
  /** team and env cost-allocation labels. */
  labels: { team: string; env: string };
  /** Existing cluster to adopt (Pulumi `import`). */
  importId?: string;
}

export class GkeCluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  /** The provider every Kubernetes object of the stack is created through. */
  public readonly provider: k8s.Provider;
  public readonly nodePoolNames: pulumi.Output<string>[];

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.gkeCluster, name, { ...args }, withLegacyTypeAlias("gkeCluster", opts));

    const cluster = new gcp.container.Cluster(
      args.name,
      {
        name: args.name,
        project: args.project,
        location: args.location,
        nodeLocations: args.nodeLocations,
        network: args.network,
        subnetwork: args.subnetwork,
        // Node pools are separate resources; the default pool GKE creates is removed.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        ipAllocationPolicy: { clusterIpv4CidrBlock: args.podCidr, servicesIpv4CidrBlock: args.servicesCidr },
        networkPolicy: { enabled: true, provider: "CALICO" },
        resourceLabels: { ...args.labels, component: "cluster" },
        deletionProtection: true,
      },
      // The cluster holds every workload: never deleted or replaced by this program.
      { parent: this, import: args.importId, protect: true, ignoreChanges: ["initialNodeCount", "removeDefaultNodePool"] },
    );
    this.clusterName = cluster.name;

    this.nodePoolNames = args.nodePools.map(
      (pool) =>
        new gcp.container.NodePool(
          pool.name,
          nodePoolArgs(pool, { cluster: cluster.name, location: args.location, project: args.project }, args.labels),
          nodePoolOptions(pool, this),
        ).name,
    );

    this.provider = new k8s.Provider(
      `${args.name}-k8s`,
      { kubeconfig: pulumi.secret(kubeconfigFor(cluster)), enableServerSideApply: true },
      { parent: this },
    );

    // statedDemand again as an output: the engine keeps a local component's outputs, not its args (graph/statedPodGroup.ts).
    this.registerOutputs({ clusterName: this.clusterName, nodePoolNames: this.nodePoolNames, statedDemand: args.statedDemand });
  }
}

/** A kubeconfig that authenticates with gke-gcloud-auth-plugin, as `gcloud container clusters get-credentials` writes. */
function kubeconfigFor(cluster: gcp.container.Cluster): pulumi.Output<string> {
  return pulumi
    .all([cluster.name, cluster.endpoint, cluster.masterAuth])
    .apply(([name, endpoint, auth]) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: `https://${endpoint}`, "certificate-authority-data": auth.clusterCaCertificate } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [
          {
            name,
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "gke-gcloud-auth-plugin",
                provideClusterInfo: true,
                installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
              },
            },
          },
        ],
      }),
    );
}

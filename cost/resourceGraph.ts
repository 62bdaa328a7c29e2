/**
 * The lookups across one resource graph that pricing rules need: a node pool's cluster, a
 * snapshot's source disk, a PVC's volume, a resource's region (own location, else its provider's
 * config, else the catalog default) and the numbering of forwarding rules per region (the first
 * five of a project region cost more than the rest).
 */
import { ResourceRecord } from "../graph/resourceRecord";
import { PriceCatalog } from "../catalog/catalog";
import { regionOf } from "../catalog/gcpLocations";
import { OpaqueRead, ReadTracker, ResourceAttributes } from "./resourceAttributes";
import { RESOURCE_TYPES } from "../graph/resourceTypes";

/** Where GKE, disks and everything else are assumed to live when nothing says: the project's home region. */
export const FALLBACK_REGION = "us-east1";

/** The resource types the rules dispatch on (graph/resourceTypes.ts). */
export const TYPE = RESOURCE_TYPES;

/** What a pricing rule may consult besides its own resource. */
export interface PricingContext {
  catalog: PriceCatalog;
  graph: ResourceGraph;
  attributes(record: ResourceRecord): ResourceAttributes;
}

export interface RegionResolution {
  region: string;
  /** Set when the region was not stated by the resource itself. */
  assumption?: string;
}

export class ResourceGraph {
  readonly context: PricingContext;
  /** Notes the opaque values read while one resource is priced, on whichever record they sit. */
  readonly tracker = new ReadTracker();
  private readonly byUrn = new Map<string, ResourceRecord>();
  private readonly attributeCache = new Map<ResourceRecord, ResourceAttributes>();
  private readonly clustersByReference = new Map<string, ResourceRecord>();
  private readonly disksByReference = new Map<string, ResourceRecord>();
  private readonly volumesByName = new Map<string, ResourceRecord>();
  private referencedUrns?: Set<string>;
  private forwardingRuleOrdinals?: Map<string, number>;
  /** Asked once per Kubernetes Service or PVC: computed once per graph, not once per object, with the opaque values it read. */
  private kubernetesRegionResolution?: { resolution: RegionResolution; reads: OpaqueRead[] };

  constructor(readonly resources: ResourceRecord[], readonly catalog: PriceCatalog) {
    this.context = { catalog, graph: this, attributes: (record) => this.attributes(record) };
    for (const record of resources) {
      this.byUrn.set(record.urn, record);
      if (record.type === TYPE.cluster) this.indexByReferences(this.clustersByReference, record);
      if (record.type === TYPE.disk || record.type === TYPE.regionDisk) this.indexByReferences(this.disksByReference, record);
      if (record.type === TYPE.k8sPersistentVolume) {
        const name = this.attributes(record).string("metadata.name");
        if (name) this.volumesByName.set(name, record);
      }
    }
  }

  attributes(record: ResourceRecord): ResourceAttributes {
    let attributes = this.attributeCache.get(record);
    if (!attributes) {
      attributes = new ResourceAttributes(record, this.tracker);
      this.attributeCache.set(record, attributes);
    }
    return attributes;
  }

  get(urn: string): ResourceRecord | undefined {
    return this.byUrn.get(urn);
  }

  /** The cluster a node pool names (by name, id or self link), if it is in this graph. */
  clusterFor(reference: string | undefined): ResourceRecord | undefined {
    return reference ? this.clustersByReference.get(reference) ?? this.clustersByReference.get(lastSegment(reference)) : undefined;
  }

  /** All clusters of the graph (a node pool whose cluster reference is unknown falls back to the only one). */
  clusters(): ResourceRecord[] {
    return [...new Set(this.clustersByReference.values())];
  }

  /** The disk a snapshot names (by name, id or self link), if it is in this graph. */
  diskFor(reference: string | undefined): ResourceRecord | undefined {
    return reference ? this.disksByReference.get(reference) ?? this.disksByReference.get(lastSegment(reference)) : undefined;
  }

  persistentVolumeNamed(name: string): ResourceRecord | undefined {
    return this.volumesByName.get(name);
  }

  /** Whether any other resource of the graph depends on this one (an address a load balancer uses). */
  isDependedOn(urn: string): boolean {
    if (!this.referencedUrns) {
      this.referencedUrns = new Set();
      for (const record of this.resources) {
        for (const dependency of record.dependencies ?? []) this.referencedUrns.add(dependency);
        const propertyDependencies = (record as { propertyDependencies?: Record<string, string[]> }).propertyDependencies;
        for (const list of Object.values(propertyDependencies ?? {})) for (const dependency of list ?? []) this.referencedUrns.add(dependency);
      }
    }
    return this.referencedUrns.has(urn);
  }

  /** The region a GCP resource runs in: its own location/zone/region, else its provider's, else the fallback. */
  regionOf(record: ResourceRecord): RegionResolution {
    const own = locationOf(this.attributes(record));
    if (own) return { region: regionOf(own) };
    const provider = this.providerOf(record);
    const fromProvider = provider && locationOf(this.attributes(provider));
    if (fromProvider) return { region: regionOf(fromProvider), assumption: `region ${regionOf(fromProvider)} taken from the provider configuration` };
    return { region: FALLBACK_REGION, assumption: `no location set: assumed the default region ${FALLBACK_REGION}` };
  }

  /**
   * The region of a resource whose rule knows the location that counts (its own zone, a node
   * pool's location or its cluster's): that location's region, else `regionOf(record)`.
   */
  regionFrom(location: string | undefined, record: ResourceRecord): RegionResolution {
    return location ? { region: regionOf(location) } : this.regionOf(record);
  }

  /**
   * The region of Kubernetes objects' cloud side (a LoadBalancer's forwarding rule, a PVC's disk):
   * the GKE cluster's region when the graph's clusters agree on one.
   */
  kubernetesRegion(): RegionResolution {
    if (!this.kubernetesRegionResolution) {
      const { result, reads } = this.tracker.track(undefined, () => this.resolveKubernetesRegion());
      this.kubernetesRegionResolution = { resolution: result, reads };
    }
    // Each object whose region this is read the clusters' locations, not only the first one asking.
    this.tracker.replay(this.kubernetesRegionResolution.reads);
    return this.kubernetesRegionResolution.resolution;
  }

  private resolveKubernetesRegion(): RegionResolution {
    const regions = new Set(this.clusters().map((cluster) => this.regionOf(cluster).region));
    if (regions.size === 1) {
      const [region] = regions;
      return { region, assumption: `runs in the GKE cluster's region ${region}` };
    }
    return { region: FALLBACK_REGION, assumption: `cluster region not determinable from the graph: assumed ${FALLBACK_REGION}` };
  }

  /**
   * 1-based position of a forwarding rule among those of its region, in graph order (the first five
   * of a project region are billed at a higher hourly rate than further ones).
   */
  forwardingRuleOrdinal(record: ResourceRecord, isForwardingRule: (r: ResourceRecord) => boolean, regionFor: (r: ResourceRecord) => string): number {
    // The numbering is the graph's, not one rule's reading: computed once, its reads counting for nobody.
    if (!this.forwardingRuleOrdinals) this.tracker.untracked(() => this.numberForwardingRules(isForwardingRule, regionFor));
    return this.forwardingRuleOrdinals!.get(record.urn) ?? 1;
  }

  private numberForwardingRules(isForwardingRule: (r: ResourceRecord) => boolean, regionFor: (r: ResourceRecord) => string): void {
    const ordinals = new Map<string, number>();
    const countPerRegion = new Map<string, number>();
    for (const candidate of this.resources) {
      if (!isForwardingRule(candidate)) continue;
      const region = regionFor(candidate);
      const ordinal = (countPerRegion.get(region) ?? 0) + 1;
      countPerRegion.set(region, ordinal);
      ordinals.set(candidate.urn, ordinal);
    }
    this.forwardingRuleOrdinals = ordinals;
  }

  private providerOf(record: ResourceRecord): ResourceRecord | undefined {
    if (!record.provider) return undefined;
    // A provider reference is "<provider urn>::<provider id>".
    const urn = record.provider.split("::").slice(0, -1).join("::");
    return this.byUrn.get(urn) ?? this.byUrn.get(record.provider);
  }

  private indexByReferences(index: Map<string, ResourceRecord>, record: ResourceRecord): void {
    const attributes = this.attributes(record);
    for (const reference of [attributes.string("name"), attributes.string("id"), attributes.string("selfLink"), record.name]) {
      if (!reference) continue;
      index.set(reference, record);
      index.set(lastSegment(reference), record);
    }
  }
}

function lastSegment(reference: string): string {
  return reference.split("/").pop() ?? reference;
}

function locationOf(attributes: ResourceAttributes): string | undefined {
  return attributes.string("location") ?? attributes.string("zone") ?? attributes.string("region");
}

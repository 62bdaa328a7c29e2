/**
 * The cost engine: turns a resource graph (ResourceRecord[]) into a monthly price per resource.
 *
 * Parse, then price, infracost style: one reader per resource type (cost/readers/) turns provider
 * attributes into a typed shape (cost/shapes.ts: machine type, nodes, zones, disks, region ...),
 * one pricer per shape (cost/pricers/) turns the shape into named cost components with the
 * catalog. The engine only dispatches, gives each reader the graph (a node pool looks up its
 * cluster, a snapshot its source disk) and makes sure nothing throws: a reader that cannot make a
 * shape says why, and a resource no reader knows is "free" or "unpriced with a reason", never a
 * silent zero. A "what if" (priceWhatIf) is a changed shape priced again.
 */
import { ResourceRecord, secretStrings, withoutSecrets } from "../graph/resourceRecord";
import { PriceCatalog, loadCatalog } from "../catalog/catalog";
import { ResourceGraph } from "./resourceGraph";
import { readerForType } from "./readers";
import { priceShape } from "./pricers";
import type { InvalidInput, PricedResource, ReadOutcome } from "./model";
import type { ResourceShape } from "./shapes";
import { ImpossibleValueError, opaqueField, opaqueReason } from "./resourceAttributes";


/** What the engine makes of one resource before secrets are hidden: priced, free or unpriced. */
interface Outcome {
  status: "priced" | "free" | "unpriced";
  components: PricedResource["components"];
  assumptions: string[];
  unpricedReason?: string;
  summary?: string;
  shape?: ResourceShape;
  invalidInput?: InvalidInput;
}

/**
 * Prices every resource of one graph (one stack, or one side of a preview). Graph-aware: rules
 * may consult other resources of the same list. Never throws on unknown values, secrets or types.
 */
export function priceResources(resources: ResourceRecord[], catalog: PriceCatalog = loadCatalog()): PricedResource[] {
  return priceResourcesWithReads(resources, catalog).map(({ priced }) => priced);
}

/** What a reader made of a resource even when a value it depends on is a secret or unknown until apply. */
export interface ResourceRead {
  /** The shape as read; for a resource left unpriced by an opaque value, built around that value. */
  shape?: ResourceShape;
  /** The secret or unknown values the reader read: their paths, "<path> of <resource>" for another resource's. */
  opaquePaths: string[];
}

/**
 * Prices every resource and keeps what its reader made of it: a budget ceiling bounds an autoscaled
 * pool whose node count is unknown until apply by its maximum, so it needs the shape the engine
 * would not price. One read per resource serves both.
 */
export function priceResourcesWithReads(
  resources: ResourceRecord[],
  catalog: PriceCatalog = loadCatalog(),
  options: PricingOptions = {},
): { priced: PricedResource; read: ResourceRead }[] {
  const graph = new ResourceGraph(resources, catalog);
  return resources.map((record) => priceOne(record, graph, options));
}

export interface PricingOptions {
  /**
   * The records hold no Pulumi secret wrapper: their secrets, if any, are already plain values (a
   * policy's view: the CLI reveals secrets before a policy sees them), so no value is known to be
   * secret and there is nothing to hide from messages; each record's values are not walked for one.
   */
  noSecretWrappers?: boolean;
}

function priceOne(record: ResourceRecord, graph: ResourceGraph, options: PricingOptions): { priced: PricedResource; read: ResourceRead } {
  // Every opaque value read while this resource is priced counts for it, its cluster's included.
  const { result: read, reads: opaque } = graph.tracker.track(record, () => readResource(record, graph));
  let outcome = read.status === "shape" ? priceRead(read, graph.catalog) : { components: [], assumptions: read.assumptions ?? [], ...read };
  // A figure computed from a guess at a secret or not-yet-known value is not a price: say which value.
  if (outcome.status === "priced" && opaque.length > 0) {
    outcome = { status: "unpriced", components: [], unpricedReason: opaqueReason(opaque), assumptions: outcome.assumptions };
  }
  return {
    priced: options.noSecretWrappers ? pricedResource(record, outcome) : hideSecrets(pricedResource(record, outcome), record),
    read: { ...(read.status === "shape" ? { shape: read.shape } : {}), opaquePaths: opaque.map(opaqueField) },
  };
}

/** The resource's reader, which never throws: an impossible value or a reader bug is an unpriced outcome. */
function readResource(record: ResourceRecord, graph: ResourceGraph): ReadOutcome {
  try {
    return readerForType(record)(record, graph.context);
  } catch (err) {
    if (err instanceof ImpossibleValueError) {
      // A value no GCP resource can have: the caller refuses the document, naming the field.
      return { status: "unpriced", unpricedReason: err.message, invalidInput: { field: err.field, message: err.problem } };
    }
    // A reader bug on one odd resource must not take the whole review down; say so instead.
    return { status: "unpriced", unpricedReason: `reading the resource failed: ${(err as Error).message}` };
  }
}

/** A shape priced by its pricer, with the reader's assumptions first. */
function priceRead(read: Extract<ReadOutcome, { status: "shape" }>, catalog: PriceCatalog): Outcome {
  const priced = priceShape(read.shape, catalog);
  const assumptions = [...read.assumptions, ...priced.assumptions];
  if (priced.status === "unpriced") return { status: "unpriced", components: [], assumptions, unpricedReason: priced.unpricedReason };
  return { status: "priced", components: priced.components, assumptions, summary: read.summary ?? priced.summary, shape: read.shape };
}

function pricedResource(record: { urn: string; type: string; name: string }, outcome: Outcome): PricedResource {
  const components = outcome.status === "priced" ? outcome.components : [];
  const priced: PricedResource = {
    urn: record.urn,
    type: record.type,
    name: record.name,
    status: outcome.status,
    monthly: outcome.status === "priced" ? components.reduce((sum, c) => sum + c.monthly, 0) : 0,
    components,
    assumptions: outcome.assumptions,
  };
  if (outcome.status === "unpriced") priced.unpricedReason = outcome.unpricedReason ?? "no pricing rule for this type";
  if (outcome.summary !== undefined) priced.summary = outcome.summary;
  if (outcome.shape !== undefined) priced.shape = outcome.shape;
  if (outcome.invalidInput !== undefined) priced.invalidInput = outcome.invalidInput;
  return priced;
}

/**
 * A "what if": the resource priced again with its shape changed (another machine type, node
 * count, spot, disk type), by the same pricer, so a saving is always engine(before) -
 * engine(after), never a second cost model. Readers' assumptions about the old attributes no
 * longer hold and are dropped; the pricer's own (sustained use, spot) are kept.
 */
export function priceWhatIf(current: PricedResource, change: (shape: ResourceShape) => ResourceShape, catalog: PriceCatalog = loadCatalog()): PricedResource {
  if (!current.shape) throw new Error(`${current.urn}: not priced from a shape, so it has no what-if`);
  const shape = change(structuredClone(current.shape));
  const priced = priceShape(shape, catalog);
  const outcome: Outcome =
    priced.status === "priced"
      ? { status: "priced", components: priced.components, assumptions: priced.assumptions, summary: priced.summary, shape }
      : { status: "unpriced", components: [], assumptions: priced.assumptions, unpricedReason: priced.unpricedReason };
  return pricedResource(current, outcome);
}

/**
 * Readers read attributes through the secret wrapper (a secret machine type still has a price);
 * what they say about them (reasons, errors, component names, summaries) must not repeat a secret
 * value. The `shape` stays as read: machine-readable input to rightsizing and the policy pack, never
 * printed.
 */
function hideSecrets(priced: PricedResource, record: ResourceRecord): PricedResource {
  const secrets = secretStrings([record.inputs, record.outputs]);
  if (secrets.length === 0) return priced;
  const hide = (text: string) => withoutSecrets(text, secrets);
  return {
    ...priced,
    components: priced.components.map((c) => ({ ...c, name: hide(c.name) })),
    assumptions: priced.assumptions.map(hide),
    ...(priced.unpricedReason !== undefined ? { unpricedReason: hide(priced.unpricedReason) } : {}),
    ...(priced.summary !== undefined ? { summary: hide(priced.summary) } : {}),
    ...(priced.invalidInput !== undefined ? { invalidInput: { ...priced.invalidInput, message: hide(priced.invalidInput.message) } } : {}),
  };
}

/**
 * The cost engine: turns a resource graph (ResourceRecord[]) into a monthly price per resource.
 *
 * One pricing rule per resource type (cost/rules/) turns attributes into named cost components,
 * infracost style. The engine only dispatches, gives each rule the graph (a node pool looks up its
 * cluster, a snapshot its source disk) and makes sure nothing throws: a rule that cannot price a
 * resource says why, and a resource no rule knows is "free" or "unpriced with a reason", never a
 * silent zero.
 */
import { ResourceRecord, secretStrings, withoutSecrets } from "../graph/resourceRecord";
import { PriceCatalog, loadCatalog } from "../catalog/catalog";
import { ResourceGraph } from "./resourceGraph";
import { ruleForType } from "./rules";
import type { PricedResource, RuleOutcome } from "./model";
import { ImpossibleValueError, opaqueReason } from "./resourceAttributes";

// The model types live in a leaf module (cost/model.ts); re-exported for the engine's callers.
export type { CostCategory, CostComponent, PricedResource } from "./model";

/**
 * Prices every resource of one graph (one stack, or one side of a preview). Graph-aware: rules
 * may consult other resources of the same list. Never throws on unknown values, secrets or types.
 */
export function priceResources(resources: ResourceRecord[], catalog: PriceCatalog = loadCatalog()): PricedResource[] {
  const graph = new ResourceGraph(resources, catalog);
  return resources.map((record) => priceOne(record, graph));
}

function priceOne(record: ResourceRecord, graph: ResourceGraph): PricedResource {
  const base = { urn: record.urn, type: record.type, name: record.name };
  let outcome: RuleOutcome;
  const attributes = graph.attributes(record);
  attributes.beginTracking();
  try {
    outcome = ruleForType(record)(record, graph.context);
  } catch (err) {
    if (err instanceof ImpossibleValueError) {
      // A value no GCP resource can have: the caller refuses the document, naming the field.
      outcome = { status: "unpriced", unpricedReason: err.message, invalidInput: { field: err.field, message: err.problem } };
    } else {
      // A rule bug on one odd resource must not take the whole review down; say so instead.
      outcome = { status: "unpriced", unpricedReason: `pricing rule failed: ${(err as Error).message}` };
    }
  }
  // A figure computed from a guess at a secret or not-yet-known value is not a price: say which value.
  const opaque = attributes.opaqueReads();
  if (outcome.status === "priced" && opaque.length > 0) {
    outcome = { status: "unpriced", unpricedReason: opaqueReason(opaque), assumptions: outcome.assumptions };
  }
  const components = outcome.status === "priced" ? outcome.components ?? [] : [];
  const monthly = components.reduce((sum, c) => sum + c.monthly, 0);
  const priced: PricedResource = {
    ...base,
    status: outcome.status,
    monthly: outcome.status === "priced" ? monthly : 0,
    components,
    assumptions: outcome.assumptions ?? [],
  };
  if (outcome.status === "unpriced") priced.unpricedReason = outcome.unpricedReason ?? "no pricing rule for this type";
  if (outcome.summary !== undefined) priced.summary = outcome.summary;
  if (outcome.facts !== undefined) priced.facts = outcome.facts;
  if (outcome.invalidInput !== undefined) priced.invalidInput = outcome.invalidInput;
  return hideSecrets(priced, record);
}

/**
 * Rules read attributes through the secret wrapper (a secret machine type still has a price); what
 * they say about them (reasons, errors, component names, summaries) must not repeat a secret value.
 * `facts` stay as read: they are machine-readable inputs to the policy pack, never printed.
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

/** Sum of monthly costs of priced resources. */
export function totalMonthly(priced: PricedResource[]): number {
  return priced.reduce((sum, r) => sum + (r.status === "priced" ? r.monthly : 0), 0);
}

/**
 * What the program declares for each resource, as the CLI's `Analyze` calls handed it to this pack:
 * the stand-in for a state a preview does not know.
 *
 * In a preview, a resource whose provider's configuration is not fully known gets no state at all.
 * Every Kubernetes object of a stack that creates its cluster in the same run is one: the
 * provider's kubeconfig holds the cluster's endpoint, unknown until apply. The engine then does
 * not call the provider's Create and hands back an empty property map, after its Check passed the
 * inputs through unchanged (pkg/resource/plugin/provider_plugin.go, Create: "if the configuration
 * for the provider is not fully known, hand back an empty property map"). A stack check reading
 * that `{}` would take the proxy's LoadBalancer Service for a free ClusterIP one, and so miss its
 * forwarding rule and the usage stated for it.
 *
 * The CLI starts the pack for one run and calls `Analyze` with each resource's inputs before it
 * calls `AnalyzeStack` once, in this same process. So the inputs are kept by URN as they arrive,
 * and a stack check reads them for a provider-managed resource whose state is empty; its view says
 * so (`declaredInputsAsState`), and the ceiling names it among its assumptions.
 */

/** URN -> the inputs `Analyze` received (the props @pulumi/policy decoded, unknowns as sentinels). */
const declaredInputs = new Map<string, Record<string, unknown>>();

export function rememberDeclaredInputs(urn: string, inputs: Record<string, unknown>): void {
  declaredInputs.set(urn, inputs);
}

/** The inputs `Analyze` received for a resource in this run, if it was analyzed. */
export function declaredInputsOf(urn: string): Record<string, unknown> | undefined {
  return declaredInputs.get(urn);
}

/** Whether any resource was analyzed in this run (a stack check without `Analyze` before it has nothing to stand in). */
export function hasDeclaredInputs(): boolean {
  return declaredInputs.size > 0;
}

/** True for `{}`: the state the engine hands back for a resource it did not ask its provider about. */
export function isEmptyState(props: Record<string, unknown>): boolean {
  for (const _key in props) return false;
  return true;
}

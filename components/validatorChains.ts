/**
 * The testnet validators' chains.json, in pocket-core's format, as a Secret the validator pods
 * mount: decommissioned chains point at the prod proxy (with basic auth), active ones at their
 * local Service.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../graph/componentTypes";
import { withLegacyTypeAlias } from "./componentType";
import { type TestnetChainSpec, localChainUrl } from "./testnetBlockchains";

/** One entry of pocket-core's chains.json. */
export interface ChainsJsonEntry {
  id: string;
  url: string;
  basic_auth?: { username: string; password: string };
}

/** A testnet chain as the validators reach it: locally while active, through the prod proxy once decommissioned. */
export type ValidatorChainSpec = Pick<TestnetChainSpec, "name" | "relayChainId" | "state" | "port">;

export interface ValidatorChainsArgs {
  chains: ValidatorChainSpec[];
  namespace: string;
  secretName: string;
  /** Relay chain ID -> the prod proxy's URL (from the prod stack's outputs). */
  proxyUrls: pulumi.Input<Record<string, string>>;
  proxyUsername: string;
  /** Secret: the validators' password at the proxy. */
  proxyPassword: pulumi.Input<string>;
  provider: k8s.Provider;
}

/** chains.json for the given chains; throws if a decommissioned chain has no proxy route. */
export function renderChainsJson(chains: ValidatorChainSpec[], proxyUrls: Record<string, string>, credentials: { username: string; password: string }): string {
  const entries: ChainsJsonEntry[] = chains.map((chain) => {
    if (chain.state === "active") return { id: chain.relayChainId, url: localChainUrl(chain) };
    const url = proxyUrls[chain.relayChainId];
    if (!url) {
      throw new Error(`testnet: testnetChains ${chain.name} is decommissioned but the prod proxy routes no relay chain ID ${chain.relayChainId} (routes: ${Object.keys(proxyUrls).join(", ") || "none"})`);
    }
    return { id: chain.relayChainId, url, basic_auth: { ...credentials } };
  });
  return JSON.stringify(entries, null, 2) + "\n";
}

export class ValidatorChains extends pulumi.ComponentResource {
  public readonly secretName: string;

  constructor(name: string, args: ValidatorChainsArgs, opts?: pulumi.ComponentResourceOptions) {
    // The secret password, the provider and the prod stack's URLs (outputs of another stack) stay out of the recorded inputs.
    const { namespace, secretName, proxyUsername } = args;
    const chains = args.chains.map(({ name, relayChainId, state, port }) => ({ name, relayChainId, state, port }));
    super(COMPONENT_TYPES.validatorChains, name, { chains, namespace, secretName, proxyUsername }, withLegacyTypeAlias("validatorChains", opts));
    const chainsJson = pulumi.secret(
      pulumi
        .all([args.proxyUrls, args.proxyPassword])
        .apply(([urls, password]) => renderChainsJson(args.chains, urls, { username: args.proxyUsername, password })),
    );
    new k8s.core.v1.Secret(
      args.secretName,
      {
        metadata: { name: args.secretName, namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "relay-budget" } },
        type: "Opaque",
        stringData: { "chains.json": chainsJson },
      },
      { parent: this, provider: args.provider },
    );
    this.secretName = args.secretName;
    this.registerOutputs({ secretName: this.secretName });
  }
}

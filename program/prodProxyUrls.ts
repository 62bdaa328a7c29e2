/**
 * Where testnet's validators reach prod's proxy, made safe for the two-stack change "add a proxy
 * route in prod and decommission the matching testnet chain" (one pull request, prod deployed first):
 * - a preview takes the routes from prod's committed config (Pulumi.prod.yaml, read and validated
 *   exactly as prod's own run reads it), so the pull request previews cleanly before prod is up;
 * - an `up` takes them from the deployed prod stack (the StackReference) and is refused, with one
 *   line, when prod does not serve a route yet: validators are never pointed at a missing route.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig, TestnetChainConfig } from "../config";
import { proxyUrl } from "../components/blockchainProxy";
import { readStackConfig, stackConfigPath } from "../offline/stackConfig";

/** Relay chain ID -> proxy URL, from the committed config of the stack `proxyStack` names (<org>/<project>/<stack>). */
export function committedProxyUrls(proxyStack: string, file = stackConfigPath(proxyStack.split("/").pop()!)): Record<string, string> {
  const stack = proxyStack.split("/").pop()!;
  const config = parseStackConfig(stack, readStackConfig(stack, file).values);
  if (config.stack !== "prod" || !config.blockchainProxy) {
    throw new ConfigError(`testnet: validators.proxyStack ${proxyStack}: ${path.basename(file)} declares no blockchainProxy, so no chain can be decommissioned`);
  }
  const proxy = config.blockchainProxy;
  return Object.fromEntries(proxy.routes.map((route) => [route.relayChainId, proxyUrl(proxy.internalIp, route.relayChainId)]));
}

/** The decommissioned chains' URLs among `urls`; the one-line refusal when one has no route there. */
export function requireRoutes(chains: TestnetChainConfig[], urls: Record<string, string>, source: string, remedy: string): Record<string, string> {
  const routed: Record<string, string> = {};
  for (const chain of chains.filter((c) => c.state === "decommissioned")) {
    const url = urls[chain.relayChainId];
    if (!url) {
      throw new ConfigError(
        `testnet: testnetChains ${chain.name} is decommissioned but ${source} routes no relay chain ID ${chain.relayChainId} ` +
          `(routes: ${Object.keys(urls).sort().join(", ") || "none"}); ${remedy}`,
      );
    }
    routed[chain.relayChainId] = url;
  }
  return routed;
}

/**
 * The proxy URLs testnet's chains.json uses, for its decommissioned chains. The StackReference is
 * declared in previews too, so a preview and its `up` register the same resources.
 */
export async function prodProxyUrls(proxyStack: string, chains: TestnetChainConfig[]): Promise<Record<string, string>> {
  const reference = new pulumi.StackReference(proxyStack);
  if (pulumi.runtime.isDryRun()) {
    const file = stackConfigPath(proxyStack.split("/").pop()!);
    const name = path.basename(file);
    return requireRoutes(chains, committedProxyUrls(proxyStack, file), `prod's committed ${name}`, `add the route to blockchainProxy.routes in ${name}`);
  }
  const deployed = (await reference.getOutputValue("proxyUrls")) as Record<string, string> | undefined;
  return requireRoutes(chains, deployed ?? {}, `the deployed prod stack ${proxyStack}`, "deploy prod with the route first");
}

/**
 * The two-stack change "add a proxy route in prod and decommission the matching testnet chain", as
 * one pull request. The committed stack files are the pull request (prod routes 0023, testnet
 * decommissions geth-ropsten); the deployed prod is a prod run without that route.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { ConfigError, PROJECT } from "../../config";
import { recordStack, RecordedStack } from "../../offline/recordStack";
import { readStackConfig } from "../../offline/stackConfig";
import { committedProxyUrls, requireRoutes } from "../../program/prodProxyUrls";
import { find, secretValue } from "./recorded";

const NEW_ROUTE = "0023";
const PROXY_STACK = "pokt-network/relay-budget/prod";
let committedProd: RecordedStack;
let deployedProdWithoutRoute: RecordedStack;

function chainsJson(stack: RecordedStack): Array<{ id: string; url: string }> {
  const secret = find(stack.resources, "kubernetes:core/v1:Secret", "validator-chains");
  return JSON.parse(secretValue((secret.inputs as any).stringData)["chains.json"]);
}

beforeAll(async () => {
  const proxy = (readStackConfig("prod").values[`${PROJECT}:blockchainProxy`] as any);
  expect(proxy.routes.map((r: any) => r.relayChainId)).toContain(NEW_ROUTE);
  committedProd = await recordStack("prod");
  deployedProdWithoutRoute = await recordStack("prod", {
    configOverrides: { blockchainProxy: { ...proxy, routes: proxy.routes.filter((r: any) => r.relayChainId !== NEW_ROUTE) } },
  });
  expect(Object.keys((deployedProdWithoutRoute.outputs as any).proxyUrls)).not.toContain(NEW_ROUTE);
});

describe("testnet before prod has deployed the new route", () => {
  it("previews cleanly: the routes come from prod's committed config", async () => {
    const preview = await recordStack("testnet", { preview: true, prod: deployedProdWithoutRoute });
    const ropsten = chainsJson(preview).find((entry) => entry.id === NEW_ROUTE);
    expect(ropsten?.url).toBe(`http://10.142.0.250:8545/${NEW_ROUTE}`);
  });

  it("refuses the up with one line naming the chain, the route and the deployed stack", async () => {
    const error = await recordStack("testnet", { prod: deployedProdWithoutRoute }).then(
      () => undefined,
      (err: Error) => err,
    );
    // A RunError: the Pulumi CLI prints its message alone, without a stack trace.
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(
      `testnet: testnetChains geth-ropsten is decommissioned but the deployed prod stack ${PROXY_STACK} routes no relay chain ID ${NEW_ROUTE} (routes: 0020, 0022); deploy prod with the route first`,
    );
  });
});

describe("testnet after prod has deployed it", () => {
  it("goes up pointing the validators at prod's deployed URLs, the same ones its preview showed", async () => {
    const up = await recordStack("testnet", { prod: committedProd });
    const preview = await recordStack("testnet", { preview: true, prod: committedProd });
    expect(chainsJson(up)).toEqual(chainsJson(preview));
    // What an update plan saved from the preview would hold: the same resources with the same inputs.
    const byUrn = (stack: RecordedStack) => Object.fromEntries(stack.resources.map((r) => [r.urn, r.inputs]));
    expect(byUrn(up)).toEqual(byUrn(preview));
    expect(up.outputs.validatorProxyUrls).toEqual((committedProd.outputs as any).proxyUrls);
  });
});

describe("prod's committed config as the preview reads it", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-stack-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeProd(edit: (config: Record<string, any>) => void): string {
    const document = { config: { ...readStackConfig("prod").values } };
    edit(document.config);
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, stringify(document));
    return file;
  }

  it("is validated like prod's own run", () => {
    const file = writeProd((c) => (c[`${PROJECT}:blockchainProxy`].internalIp = "10.142.0"));
    expect(() => committedProxyUrls(PROXY_STACK, file)).toThrow('prod: blockchainProxy.internalIp "10.142.0" is not an IPv4 address');
  });

  it("without a proxy, refuses any decommissioned chain", () => {
    const file = writeProd((c) => delete c[`${PROJECT}:blockchainProxy`]);
    expect(() => committedProxyUrls(PROXY_STACK, file)).toThrow("testnet: validators.proxyStack pokt-network/relay-budget/prod: Pulumi.prod.yaml declares no blockchainProxy, so no chain can be decommissioned");
  });

  it("without the route, fails the preview too", async () => {
    const file = writeProd((c) => (c[`${PROJECT}:blockchainProxy`].routes = c[`${PROJECT}:blockchainProxy`].routes.filter((r: any) => r.relayChainId !== NEW_ROUTE)));
    const urls = committedProxyUrls(PROXY_STACK, file);
    expect(Object.keys(urls)).toEqual(["0020", "0022"]);
    const chains = (readStackConfig("testnet").values[`${PROJECT}:testnetChains`] as any[]).map((c) => ({ ...c, state: c.relayChainId === NEW_ROUTE ? "decommissioned" : c.state }));
    expect(() => requireRoutes(chains, urls, "prod's committed Pulumi.prod.yaml", "add the route to blockchainProxy.routes in Pulumi.prod.yaml")).toThrow(
      "testnet: testnetChains geth-ropsten is decommissioned but prod's committed Pulumi.prod.yaml routes no relay chain ID 0023 (routes: 0020, 0022); add the route to blockchainProxy.routes in Pulumi.prod.yaml",
    );
  });
});

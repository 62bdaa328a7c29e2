/**
 * Every Kubernetes object the program declares, in every stack and in the variants the config
 * allows, validated against the Kubernetes API's OpenAPI schema (kubernetes-models).
 */
import { recordAllStacks, recordStack } from "../../offline/recordStack";
import { kubernetesObject } from "../../offline/render";
import { ResourceRecord } from "../../graph/resourceRecord";

/** The kubernetes-models module of an apiVersion: "v1" -> v1, "apps/v1" -> apps/v1, "policy/v1" -> policy/v1. */
function modelClass(apiVersion: string, kind: string): new (data: unknown) => { validate(): void } {
  const models = require(`kubernetes-models/${apiVersion}`);
  if (!models[kind]) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return models[kind];
}

function validateAll(resources: ResourceRecord[]): string[] {
  const validated: string[] = [];
  for (const resource of resources) {
    const object = kubernetesObject(resource) as { apiVersion: string; kind: string } | undefined;
    if (!object) continue;
    const Model = modelClass(object.apiVersion, object.kind);
    expect(() => new Model(object).validate()).not.toThrow();
    validated.push(`${object.kind}/${resource.name}`);
  }
  return validated;
}

it("validates the committed stacks' objects against the Kubernetes API schema", async () => {
  const [prod, testnet] = await recordAllStacks();
  expect(validateAll(prod.resources).sort()).toEqual([
    "ConfigMap/blockchain-proxy-config",
    "Deployment/blockchain-proxy",
    "Namespace/blockchain-proxy",
    "NetworkPolicy/blockchain-proxy",
    "PersistentVolume/geth-goerli-data",
    "PersistentVolume/geth-mainnet-data",
    "PersistentVolume/geth-rinkeby-data",
    "PersistentVolume/geth-ropsten-data",
    "PersistentVolume/poa-kovan-data",
    "PersistentVolume/poa-xdai-data",
    "PersistentVolumeClaim/geth-goerli-data",
    "PersistentVolumeClaim/geth-mainnet-data",
    "PersistentVolumeClaim/geth-rinkeby-data",
    "PersistentVolumeClaim/geth-ropsten-data",
    "PersistentVolumeClaim/poa-kovan-data",
    "PersistentVolumeClaim/poa-xdai-data",
    "PodDisruptionBudget/blockchain-proxy",
    "PodDisruptionBudget/pocket-seeds",
    "Secret/blockchain-proxy-credentials",
    "Service/blockchain-proxy",
  ]);
  expect(validateAll(testnet.resources)).toEqual(["Secret/validator-chains"]);
});

it("validates an active testnet chain's objects too", async () => {
  const chains = (await recordStack("testnet")).config as any;
  const active = await recordStack("testnet", { configOverrides: { testnetChains: chains.testnetChains.map((c: any) => ({ ...c, state: "active" })) } });
  expect(validateAll(active.resources)).toHaveLength(1 + 3 * 4);
});

it("catches an invalid object (the check can fail)", () => {
  const Model = modelClass("apps/v1", "Deployment");
  expect(() => new Model({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: "two" } }).validate()).toThrow();
});

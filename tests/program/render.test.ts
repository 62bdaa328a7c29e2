import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { renderStack } from "../../offline/render";

const out = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "render-")), name);

it("renders prod: one YAML file per Kubernetes object, secrets redacted, plus resources.json", async () => {
  const dir = out("prod");
  const counts = await renderStack("prod", dir);
  const files = fs.readdirSync(dir).sort();
  expect(files).toContain("resources.json");
  expect(files.filter((f) => f.endsWith(".yaml"))).toHaveLength(counts.manifests);
  expect(counts.manifests).toBe(8);
  const secret = parse(fs.readFileSync(path.join(dir, "secret-blockchain-proxy-blockchain-proxy-credentials.yaml"), "utf8"));
  expect(secret.stringData).toEqual({ "client-names.map": "[secret]", "client-credentials.map": "[secret]" });
  const deployment = parse(fs.readFileSync(path.join(dir, "deployment-blockchain-proxy-blockchain-proxy.yaml"), "utf8"));
  // The credentials' digest does not make the Deployment secret: its spec renders in the clear.
  expect(deployment.spec.replicas).toBe(2);
  expect(deployment.spec.template.metadata.annotations["relay-budget/credentials-scrypt"]).toMatch(/^[0-9a-f]{64}$/);
  const graph = JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8"));
  expect(graph.resources).toHaveLength(counts.resources);
  expect(graph.resources.find((r: any) => r.type === "gcp:container/nodePool:NodePool" && r.name === "seeds")).toMatchObject({
    parent: expect.stringContaining("SeedNodePool"),
    inputs: { nodeConfig: { machineType: "n1-standard-2" } },
  });
  expect(JSON.stringify(graph)).not.toContain("4dabf18193072939515e22adb298388d");
});

it("renders testnet, whose chains.json is redacted", async () => {
  const dir = out("testnet");
  await renderStack("testnet", dir);
  const secret = parse(fs.readFileSync(path.join(dir, "secret-pocket-validator-chains.yaml"), "utf8"));
  expect(secret.stringData).toEqual({ "chains.json": "[secret]" });
  expect(fs.readFileSync(path.join(dir, "resources.json"), "utf8")).not.toMatch(/offline-[0-9a-f]{24}/);
});

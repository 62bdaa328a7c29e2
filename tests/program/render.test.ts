import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { main as render } from "../../cli/render";

const out = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "render-")), name);

/** `npm run render -- --stack STACK --out DIR` in-process: its exit code and what it printed. */
async function renderStack(stack: string, dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await render(["--stack", stack, "--out", dir], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

it("renders prod: one YAML file per Kubernetes object, secrets redacted, plus resources.json", async () => {
  const dir = out("prod");
  const { code, stdout, stderr } = await renderStack("prod", dir);
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  const files = fs.readdirSync(dir).sort();
  expect(files).toContain("resources.json");
  expect(files.filter((f) => f.endsWith(".yaml"))).toHaveLength(8 + 2 * 6); // + each blockchain node's PersistentVolume and claim
  const secret = parse(fs.readFileSync(path.join(dir, "secret-blockchain-proxy-blockchain-proxy-credentials.yaml"), "utf8"));
  expect(secret.stringData).toEqual({ "client-credentials.conf": "[secret]" });
  const deployment = parse(fs.readFileSync(path.join(dir, "deployment-blockchain-proxy-blockchain-proxy.yaml"), "utf8"));
  // The credentials' digest does not make the Deployment secret: its spec renders in the clear.
  expect(deployment.spec.replicas).toBe(2);
  expect(deployment.spec.template.metadata.annotations["relay-budget/credentials-scrypt"]).toMatch(/^[0-9a-f]{64}$/);
  const graph = JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8"));
  expect(stdout).toBe(`prod: ${8 + 2 * 6} Kubernetes objects and ${graph.resources.length} resources written to ${dir}\n`);
  expect(graph.resources.find((r: any) => r.type === "gcp:container/nodePool:NodePool" && r.name === "seeds")).toMatchObject({
    parent: expect.stringContaining("SeedNodePool"),
    inputs: { nodeConfig: { machineType: "n1-standard-2" } },
  });
  expect(JSON.stringify(graph)).not.toContain("4dabf18193072939515e22adb298388d");
});

it("renders testnet, whose chains.json is redacted", async () => {
  const dir = out("testnet");
  expect((await renderStack("testnet", dir)).code).toBe(0);
  const secret = parse(fs.readFileSync(path.join(dir, "secret-pocket-validator-chains.yaml"), "utf8"));
  expect(secret.stringData).toEqual({ "chains.json": "[secret]" });
  expect(fs.readFileSync(path.join(dir, "resources.json"), "utf8")).not.toMatch(/offline-[0-9a-f]{24}/);
});

/**
 * The binary that was tested is the binary that runs: the proxy image (docker/blockchain-proxy)
 * installs Debian's nginx and njs at exactly the package versions these tests run and CI installs
 * (.ci/apt-packages.txt), its base is pinned by digest, and the Deployment runs only an image pinned
 * by digest: the deploy workflow's build, refused by `pulumi up` when absent.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseStackConfig } from "../../config";
import { recordStack } from "../../offline/recordStack";
import { readStackConfig } from "../../offline/stackConfig";
import { PROXY_UID, proxyImageRepository, UNPINNED_TAG } from "../../components/blockchainProxy";
import { NJS_MODULE_PATH } from "../../components/nginxConfigScript";
import { NGINX_BINARY, requireNginx } from "./proxyHarness";

const ROOT = path.join(__dirname, "..", "..");
const dockerfile = fs.readFileSync(path.join(ROOT, "docker", "blockchain-proxy", "Dockerfile"), "utf8");
const PACKAGES = ["nginx", "libnginx-mod-http-js"];

/** The Dockerfile's pinned package versions (its ARGs, as the install line uses them). */
function dockerfileVersions(): Record<string, string> {
  const arg = (name: string) => new RegExp(`^ARG ${name}=(\\S+)$`, "m").exec(dockerfile)?.[1];
  const install = /apt-get install[^\n]*\\\n\s*(.*)$/m.exec(dockerfile)?.[1] ?? "";
  const versions: Record<string, string> = {};
  for (const m of install.matchAll(/"([a-z0-9.+-]+)=\$\{(\w+)\}"/g)) versions[m[1]] = arg(m[2])!;
  return versions;
}

/** .ci/apt-packages.txt's pins. */
function ciVersions(): Record<string, string> {
  const lines = fs.readFileSync(path.join(ROOT, ".ci", "apt-packages.txt"), "utf8").split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
  return Object.fromEntries(lines.map((l) => l.trim().split("=") as [string, string]));
}

function installedVersion(pkg: string): string {
  const query = spawnSync("dpkg-query", ["-W", "-f=${Version}", pkg], { encoding: "utf8" });
  if (query.status !== 0) throw new Error(`${pkg} is not installed: apt-get install -y $(grep -v '^#' .ci/apt-packages.txt)`);
  return query.stdout;
}

test("the image installs nginx and njs at the versions CI installs and these tests run", () => {
  requireNginx();
  const image = dockerfileVersions();
  expect(Object.keys(image).sort()).toEqual([...PACKAGES, "nginx-common"].sort());
  expect(ciVersions()).toEqual(image);
  for (const pkg of PACKAGES) expect({ pkg, version: installedVersion(pkg) }).toEqual({ pkg, version: image[pkg] });
  // The binary itself: Debian's 1.22.1-9+deb12u11 is nginx 1.22.1, and it loads the njs module the config names.
  const upstream = /^([\d.]+)-/.exec(image.nginx)![1];
  expect(spawnSync(NGINX_BINARY, ["-v"], { encoding: "utf8" }).stderr).toContain(`nginx/${upstream}`);
  expect(fs.existsSync(NJS_MODULE_PATH)).toBe(true);
});

test("the image's base is pinned by digest, and it runs nginx as the pod's user with a graceful stop", () => {
  expect(dockerfile).toMatch(/^FROM debian:bookworm-slim@sha256:[0-9a-f]{64}$/m);
  expect(dockerfile).toMatch(new RegExp(`^USER ${PROXY_UID}:${PROXY_UID}$`, "m"));
  expect(dockerfile).toMatch(/^STOPSIGNAL SIGQUIT$/m);
});

test("the deploy workflow builds the image, pushes it and pins its digest before pulumi up", () => {
  const deploy = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "deploy.yml"), "utf8"));
  const steps: { name?: string; run?: string }[] = deploy.jobs["up-prod"].steps;
  const build = steps.findIndex((s) => /docker build [^\n]*docker\/blockchain-proxy/.test(s.run ?? ""));
  const up = steps.findIndex((s) => /pulumi up /.test(s.run ?? ""));
  expect(build).toBeGreaterThan(-1);
  expect(build).toBeLessThan(up);
  const run = steps[build].run!;
  // The repository the program names (proxyImageRepository), from the stack's own region and project.
  expect(proxyImageRepository("$region", "$project")).toBe("$region-docker.pkg.dev/$project/relay-budget/blockchain-proxy");
  expect(run).toContain('repository="$region-docker.pkg.dev/$project/relay-budget/blockchain-proxy"');
  expect(run).toMatch(/docker push "\$repository:\$GITHUB_SHA"/);
  expect(run).toMatch(/pulumi config set --stack "\$PULUMI_ORG\/\$STACK" --path blockchainProxy\.image "\$pinned"/);
});

describe("the Deployment's image", () => {
  const prodProxy = () => readStackConfig("prod").values["relay-budget:blockchainProxy"] as Record<string, unknown>;
  const image = (stack: Awaited<ReturnType<typeof recordStack>>) =>
    (stack.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "blockchain-proxy")!.inputs as any).spec.template.spec.containers[0].image;
  const passwords = { configOverrides: { proxyPasswords: { "testnet-validators": "image-test-password-8c1e" } }, secretOverrides: ["proxyPasswords"] };

  test("is the digest the stack config pins", async () => {
    const pinned = `${proxyImageRepository("us-east1", "pokt-network-prod")}@sha256:${"ab".repeat(32)}`;
    const stack = await recordStack("prod", { ...passwords, configOverrides: { ...passwords.configOverrides, blockchainProxy: { ...prodProxy(), image: pinned } } });
    expect(image(stack)).toBe(pinned);
  });

  test("without a digest, a preview shows the unpinned build and pulumi up refuses before any proxy resource", async () => {
    const stack = await recordStack("prod", passwords);
    expect(image(stack)).toBe(`${proxyImageRepository("us-east1", "pokt-network-prod")}:${UNPINNED_TAG}`);
    // As the engine runs an update: not a preview, with the engine's monitor address set.
    process.env.PULUMI_NODEJS_MONITOR = "127.0.0.1:1";
    try {
      await expect(recordStack("prod", passwords)).rejects.toThrow(/blockchainProxy\.image is not set: pulumi up runs only a proxy image pinned by digest/);
    } finally {
      delete process.env.PULUMI_NODEJS_MONITOR;
    }
  });

  test("a tag is refused by the config itself, with one line", () => {
    const raw = structuredClone(readStackConfig("prod").values) as Record<string, any>;
    raw["relay-budget:blockchainProxy"].image = `${proxyImageRepository("us-east1", "pokt-network-prod")}:1.22`;
    expect(() => parseStackConfig("prod", raw)).toThrow(/^prod: blockchainProxy\.image ".*:1\.22" is not an image pinned by digest/);
  });
});

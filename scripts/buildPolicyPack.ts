/**
 * Builds the policy pack's JavaScript: policies/index.ts and what it imports from the project
 * (cost engine, price catalog, graph helpers, zod) bundled by esbuild into policies/dist/index.js,
 * the `main` of policies/package.json. @pulumi/policy and @pulumi/pulumi stay external: the pack
 * installs them from its own package.json, and the SDK must be the one the CLI's
 * run-policy-pack loads (one gRPC runtime, one set of proto classes).
 *
 * Why a bundle: the pack shares the cost engine with the review, yet `pulumi policy publish` and
 * a lone `npm install` in policies/ see only that folder; the bundle carries the engine and the
 * catalog inline, so nothing reads the project root at run time, and the CLI starts plain
 * JavaScript instead of type-checking TypeScript with ts-node at every start.
 *
 * `npm run build` (and so `npm ci`, through `prepare`) runs it; the protocol tests run it too, so
 * they never judge a stale bundle.
 */
import * as fs from "fs";
import * as path from "path";
import { buildSync } from "esbuild";

// Run from scripts/ (ts-node, jest) or dist/scripts/ (npm run build): find policies/ either way.
const PACK_DIR = path.basename(path.dirname(__dirname)) === "dist" ? path.join(__dirname, "..", "..", "policies") : path.join(__dirname, "..", "policies");

export const POLICY_PACK_DIR = PACK_DIR;
export const POLICY_PACK_BUNDLE = path.join(PACK_DIR, "dist", "index.js");

/**
 * Writes policies/dist/index.js from the sources; returns its path. The bundle is written beside it
 * and renamed into place, so a pack starting (or being copied) while another process rebuilds it,
 * as parallel test workers do, reads the whole old bundle or the whole new one.
 */
export function buildPolicyPack(): string {
  const { outputFiles } = buildSync({
    entryPoints: [path.join(PACK_DIR, "index.ts")],
    outfile: POLICY_PACK_BUNDLE,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["@pulumi/policy", "@pulumi/pulumi"],
    logLevel: "warning",
    // The bundle carries a 1.8 MB price catalog: not worth a warning.
    logOverride: { "large-file": "silent" } as Record<string, "silent">,
    write: false,
  });
  const [bundle] = outputFiles;
  const partial = `${POLICY_PACK_BUNDLE}.${process.pid}.partial`;
  fs.mkdirSync(path.dirname(POLICY_PACK_BUNDLE), { recursive: true });
  fs.writeFileSync(partial, bundle.contents);
  fs.renameSync(partial, POLICY_PACK_BUNDLE);
  return POLICY_PACK_BUNDLE;
}

if (require.main === module) buildPolicyPack();

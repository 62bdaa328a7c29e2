/**
 * The field schemas every area of the stack config shares: resource names, counts, CIDR ranges,
 * CPU and memory quantities, relay chain IDs, usernames and passwords. Each carries the "what is
 * allowed" text the one-line error quotes.
 */
import { z } from "zod";
import { allowListProblem, parseCidr } from "../validation/cidr";
import { cpuCoresProblem, memoryGiBProblem } from "../validation/kubernetesQuantity";
import { MAX_PASSWORD_LENGTH } from "../validation/proxyLimits";

export const RELAY_CHAIN_ID = /^[0-9A-Fa-f]{4}$/;
/** GCE / Kubernetes resource names: RFC 1035 labels. */
const RESOURCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;

export const name = (what: string) => z.string().regex(RESOURCE_NAME, `is not a valid ${what} name (lower-case letters, digits and '-', starting with a letter, at most 63 characters)`);
export const positiveInt = z.number({ error: "must be a number" }).int("must be a whole number").positive("must be a positive whole number");
export const nonNegativeInt = z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more");
/** A wrapped "why not" check as a zod refinement: the reason becomes the issue's message. */
export function checked<T>(problem: (value: T) => string | undefined) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const why = problem(value);
    if (why) ctx.addIssue({ code: "custom", message: why });
  };
}
/** A canonical CIDR range (validation/cidr.ts, the parser the policy pack uses too). */
export const cidr = z.string().superRefine(checked((v: string) => { const r = parseCidr(v); return typeof r === "string" ? r : undefined; }));
/** A list of client ranges an internal service allows: canonical, private, each and together no broader than /8. */
export const allowList = z.array(z.string()).min(1, "must list at least one range").superRefine((ranges, ctx) => {
  const bad = allowListProblem(ranges);
  if (bad) ctx.addIssue({ code: "custom", path: [bad.index], message: bad.problem });
});
/** Kubernetes CPU quantity in cores (0.5) and memory in GiB (2): numbers keep config and sizing arithmetic simple. */
const cpuCores = z.number({ error: "must be a number of CPU cores" }).superRefine(checked(cpuCoresProblem));
const memoryGiB = z.number({ error: "must be a number of GiB" }).superRefine(checked(memoryGiBProblem));
export const boundedInt = (min: number, max: number, unit = "") =>
  z.number({ error: "must be a number" }).int("must be a whole number").min(min, `must be from ${min} to ${max}${unit}`).max(max, `must be from ${min} to ${max}${unit}`);
/** An IPv4 address written canonically (no leading zeros). */
export const ipv4Address = z.string().refine((v) => !v.includes(":") && typeof parseCidr(`${v}/32`) !== "string", "is not an IPv4 address");

/** What a container requests and may use: the proxy pods, the seed pods and the testnet chains. */
export const resourcesSchema = z.strictObject({
  cpuRequest: cpuCores,
  cpuLimit: cpuCores,
  memoryRequestGiB: memoryGiB,
  memoryLimitGiB: memoryGiB,
});
export type ResourcesConfig = z.infer<typeof resourcesSchema>;

/**
 * Basic-auth passwords: no line break (it would split the chains.json line), no ':' (the Basic
 * credential separator), no control character; bounded so the proxy's credential check stays a
 * short nginx string (components/credentialChecks.ts).
 */
export const secretPassword = z
  .string()
  .min(16, "must be at least 16 characters")
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`)
  .refine((v) => !/[\u0000-\u001f\u007f:]/.test(v), "must not contain ':', a line break or another control character");

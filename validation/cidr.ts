/**
 * The one CIDR parser of the project: stack config validation (config/), the nginx config
 * renderer (components/nginxConfig.ts) and the proxy-internal-only policy read ranges through it,
 * so a range one of them accepts the others read the same way. No Pulumi SDK import: the policy
 * pack bundles this file.
 *
 * Why stricter than `net.isIP` + a prefix: nginx's `geo` and `allow` read `0.0.0.0/00` as /0
 * (everyone), and Node accepts `fe80::1%eth0` (a zone-scoped address nginx refuses). A range here
 * is written exactly one way: decimal prefix without leading zeros, four-part decimal IPv4 without
 * leading zeros, IPv6 without a zone, and no host bits set below the prefix.
 */
import * as ipaddr from "ipaddr.js";

export interface Cidr {
  family: 4 | 6;
  /** The range as written (already canonical when parsing succeeded). */
  text: string;
  prefix: number;
  /** The network address as a bit string of 32 or 128 characters (for containment arithmetic). */
  bits: string;
}

const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

/** Parses a range or says why it is not one (one phrase, to follow the quoted value in an error). */
export function parseCidr(text: string): Cidr | string {
  if (typeof text !== "string") return "is not a string CIDR range";
  const parts = text.split("/");
  if (parts.length !== 2) return "is not a CIDR range (address/prefix, e.g. 10.8.0.0/14)";
  const [address, prefixText] = parts;
  if (!PREFIX.test(prefixText)) return "has a prefix length that is not a plain decimal number (no leading zeros, e.g. /14)";
  const prefix = Number(prefixText);
  let family: 4 | 6;
  let bytes: number[];
  if (address.includes(":")) {
    if (address.includes("%")) return "is a zone-scoped IPv6 address (%zone): nginx and Kubernetes refuse it";
    if (!ipaddr.IPv6.isValid(address)) return "is not an IPv6 address";
    family = 6;
    bytes = ipaddr.IPv6.parse(address).toByteArray();
  } else {
    if (!ipaddr.IPv4.isValidFourPartDecimal(address)) return "is not a four-part decimal IPv4 address without leading zeros";
    family = 4;
    bytes = ipaddr.IPv4.parse(address).toByteArray();
  }
  const width = family === 4 ? 32 : 128;
  if (prefix > width) return `has a prefix longer than /${width}`;
  const bits = bytes.map((b) => b.toString(2).padStart(8, "0")).join("");
  if (/1/.test(bits.slice(prefix))) {
    const network = bitsToAddress(bits.slice(0, prefix).padEnd(width, "0"));
    return `has address bits set below its /${prefix} prefix (the range is ${network}/${prefix})`;
  }
  return { family, text, prefix, bits };
}

function bitsToAddress(bits: string): string {
  const bytes = bits.match(/.{8}/g)!.map((b) => parseInt(b, 2));
  return ipaddr.fromByteArray(bytes).toString();
}

export function isCidr(text: string): boolean {
  return typeof parseCidr(text) !== "string";
}

/** Does range `outer` contain range `inner` (same family, inner's prefix at least outer's)? */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && inner.bits.startsWith(outer.bits.slice(0, outer.prefix));
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** The private ranges an internal client can come from: RFC 1918, shared address space (RFC 6598, GKE uses it), IPv6 unique-local. */
export const PRIVATE_RANGES: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].map((r) => parseCidr(r) as Cidr);

/** The broadest single range a client allow list may hold: a /8 (IPv4 and IPv6 alike). */
export const BROADEST_ALLOWED_PREFIX = 8;
/** What a whole allow list may cover at most: the addresses of one IPv4 /8 (IPv6 lists: one /8 of IPv6). */
const MAX_ALLOWED_PREFIX_SPAN = BROADEST_ALLOWED_PREFIX;

/** Is the single address private (inside PRIVATE_RANGES)? */
export function isPrivateAddress(address: string): boolean {
  const range = parseCidr(`${address}/${address.includes(":") ? 128 : 32}`);
  return typeof range !== "string" && PRIVATE_RANGES.some((p) => cidrContains(p, range));
}

/**
 * Checks a list of client ranges a proxy or internal load balancer allows: each canonical, private,
 * no broader than /8, none listed twice or inside another, and together no more than a /8 holds.
 * Returns undefined when fine, else `{ index, value, problem }` for the first bad entry.
 */
export function allowListProblem(ranges: readonly string[]): { index: number; value: string; problem: string } | undefined {
  const parsed: Cidr[] = [];
  for (const [index, value] of ranges.entries()) {
    const range = parseCidr(value);
    if (typeof range === "string") return { index, value, problem: range };
    if (range.prefix < BROADEST_ALLOWED_PREFIX) {
      return { index, value, problem: `is broader than /${BROADEST_ALLOWED_PREFIX} (list the client cluster's node and pod ranges)` };
    }
    if (!PRIVATE_RANGES.some((p) => cidrContains(p, range))) {
      return { index, value, problem: "is not a private range (allowed: inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 or fc00::/7)" };
    }
    const other = parsed.findIndex((p) => cidrsOverlap(p, range));
    if (other !== -1) return { index, value, problem: `overlaps ${JSON.stringify(ranges[other])} at index ${other} (list each range once)` };
    parsed.push(range);
  }
  for (const family of [4, 6] as const) {
    // Ranges are disjoint here, so their shares of the address space add up (powers of two: exact).
    const members = parsed.filter((p) => p.family === family);
    const share = members.reduce((sum, p) => sum + 2 ** -p.prefix, 0);
    if (share > 2 ** -MAX_ALLOWED_PREFIX_SPAN) {
      const index = ranges.indexOf(members[members.length - 1].text);
      return { index, value: ranges[index], problem: `brings the IPv${family} ranges together to more addresses than one /${MAX_ALLOWED_PREFIX_SPAN} holds` };
    }
  }
  return undefined;
}

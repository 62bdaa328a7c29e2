/**
 * The relay script's call count (components/nginxConfigScript.ts), run in Node on the exact text
 * nginx loads: which bodies count over the limit. The same script runs in njs 0.7.9 on the real
 * nginx in tests/proxy/hostileClients.test.ts and attacks.test.ts; these cases pin its reading of
 * bodies no attack test sends (deep nesting, unbalanced braces, long literals, large bodies).
 */
import { MAX_OBJECT_DEPTH, PREFILTER_MAX_BYTES, RELAY_SCRIPT } from "../../components/nginxConfigScript";

const callsOver: (body: string, max: number) => boolean = new Function(`${RELAY_SCRIPT.replace(/^export default .*$/m, "")}\nreturn callsOver;`)();
const J = JSON.stringify;
/** A batch whose strings hold commas, brackets, braces and escaped quotes. */
const tricky = (n: number) => J(Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_call", params: [{ data: `x,]}[{"\\,${i}` }, ["latest", [1, 2]]] })));
const repeat = (n: number, element: string) => `[${Array(n).fill(element).join(",")}]`;
const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const BIG_HEX = `0x${"ab".repeat(125_000)}`;

test.each<[string, string, number, boolean]>([
  ["a single call", J({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }), 25, false],
  ["a batch at the limit, tricky strings", tricky(25), 25, false],
  ["a batch one over, tricky strings", tricky(26), 25, true],
  ["a byte order mark before one over", `\uFEFF${tricky(26)}`, 25, true],
  ["whitespace before one over", ` \r\n\t${tricky(26)}`, 25, true],
  ["one over nested in a batch", `[${tricky(26)}]`, 25, true],
  ["numbers at the limit", repeat(25, "1"), 25, false],
  ["numbers one over", repeat(26, "1"), 25, true],
  ["empty objects one over", repeat(26, "{}"), 25, true],
  ["two batches of 13 in one body", `${repeat(13, '{"method":"a"}')}\n${repeat(13, '{"method":"a"}')}`, 25, true],
  ["nested arrays: 1, [2, 3] is four", J([1, [2, 3]]), 4, false],
  ["nested arrays over three", J([1, [2, 3]]), 3, true],
  ["an empty body", "", 25, false],
  ["a body that is not JSON", "not json", 25, false],
  ["objects nested as deep as allowed, in a large body", `[${deep(MAX_OBJECT_DEPTH)},"${"x".repeat(PREFILTER_MAX_BYTES)}"]`, 25, false],
  ["objects nested deeper than allowed, in a large body", `[${deep(MAX_OBJECT_DEPTH + 1)},"${"x".repeat(PREFILTER_MAX_BYTES)}"]`, 25, true],
  ["unbalanced braces in a large body", `[{"a":1,"b":"${"x".repeat(PREFILTER_MAX_BYTES)}"`, 25, true],
  ["a 250 KB single call", J({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [BIG_HEX] }), 25, false],
  ["a 250 KB call in a batch", J([{ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [BIG_HEX] }]), 25, false],
  ["a number of 200,000 digits", `[${"1".repeat(200_000)}]`, 25, false],
  ["junk structure far longer than the limit's", "1]".repeat(100_000), 25, true],
  ["100,000 numbers in one call's params", J({ method: "x", params: Array(100_000).fill(1) }), 1, false],
  ["100,000 objects at the top level", "{}".repeat(100_000), 25, true],
  ["calls nested six objects deep, at the limit", J(Array(25).fill({ method: "eth_call", params: [{ a: { b: { c: { d: { e: { f: 1 } } } } } }] })), 25, false],
])("the call count: %s", (_what, body, max, over) => {
  expect(callsOver(body, max)).toBe(over);
});

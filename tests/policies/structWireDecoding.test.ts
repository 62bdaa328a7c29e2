/**
 * The pack's own decoding of Struct payloads (policies/structWireDecoding.ts) gives exactly what
 * google-protobuf gives: same values, same key order, the library's error where the library errs.
 * Both decodings run on the same bytes: the recorded stacks' AnalyzeStack requests, as the harness
 * builds them for the pack, and hand-made edge cases.
 */
import * as path from "path";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { installStructWireDecoding, decodeStructBytes } from "../../policies/structWireDecoding";
import { analyzeStackRequest } from "./analyzerHarness";
import { recordedStack } from "./util";

const protoDir = path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"));
// eslint-disable-next-line @typescript-eslint/no-var-requires
const structPb = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [protoDir] }));
const { Struct, Value } = structPb;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { BinaryReader } = require(require.resolve("google-protobuf", { paths: [protoDir] }));

/**
 * Struct bytes decoded as the Analyzer messages decode their properties (through the class's own
 * `deserializeBinaryFromReader`; `Struct.deserializeBinary` would go through the `proto` global,
 * which the last google-protobuf copy loaded in this process owns).
 */
function readStruct(bytes: Uint8Array): { toJavaScript(): unknown; getFieldsMap(): any; serializeBinary(): Uint8Array } {
  return Struct.deserializeBinaryFromReader(new Struct(), new BinaryReader(bytes));
}

/** `bytes` decoded as an AnalyzeStackRequest, each resource and provider's properties as plain values. */
function decodedProperties(bytes: Uint8Array): string {
  const request = analyzerPb.AnalyzeStackRequest.deserializeBinary(bytes);
  // JSON keeps key order, so a reordering shows as a difference.
  return JSON.stringify(
    request.getResourcesList().map((resource) => ({
      urn: resource.getUrn(),
      properties: resource.getProperties()?.toJavaScript(),
      provider: resource.getProvider()?.getProperties()?.toJavaScript(),
    })),
  );
}

/** Decodes `bytes` with the library's decoding, then with the fast path installed. */
function bothWays<T>(decode: () => T): { library: T; fast: T } {
  const library = decode();
  const fastPath = installStructWireDecoding();
  if (!fastPath) throw new Error("the fast path could not be installed");
  try {
    return { library, fast: decode() };
  } finally {
    fastPath.uninstall();
  }
}

function structBytes(value: Record<string, unknown>): Uint8Array {
  return Struct.fromJavaScript(value).serializeBinary();
}

describe("the policy pack's Struct wire decoding", () => {
  it("installs on the SDK versions the pack pins (if this fails after an SDK upgrade, the pack silently runs on the library's slower decoding)", () => {
    const fastPath = installStructWireDecoding();
    expect(fastPath).toBeDefined();
    fastPath!.uninstall();
  });

  it.each(["prod", "testnet"] as const)("decodes the %s stack's AnalyzeStack request as google-protobuf does", async (stack) => {
    const { resources } = await recordedStack(stack);
    // The harness fills the request as the CLI does (outputs, secrets and providers included).
    const bytes = analyzeStackRequest(resources, stack, "relay-budget", { "gcp:project": "p", "gcp:region": "us-east1" }).serializeBinary();
    const { library, fast } = bothWays(() => decodedProperties(bytes));
    expect(fast).toBe(library);
    expect(library).toContain("4dabf18193072939515e22adb298388d"); // secrets travel wrapped, and were compared
  });

  it("keeps values, sorts keys as jspb.Map does and lets a repeated key's last value win", () => {
    const tricky = {
      "zeta": 1,
      "10": "integer-like keys first in any JS object",
      "2": true,
      "Émile": "ünïcödé ✓ 🚀",
      "": "",
      "a": { "nested": { "deeper": [1, -0.5, 1e300, null, false, "", [], {}] } },
      "b": null,
      "list": [[["x"]], { "k": "v" }],
      "big": 2 ** 53 + 2,
      "neg": -1234567.875,
      "unknown": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    };
    const bytes = structBytes(tricky);
    const { library, fast } = bothWays(() => JSON.stringify(readStruct(bytes).toJavaScript()));
    expect(fast).toBe(library);
    expect(JSON.stringify(decodeStructBytes(bytes))).toBe(library);

    // Two entries of one key, out of order: written by hand (fromJavaScript cannot repeat a key).
    const entry = (key: string, value: string) => {
      const map = new Struct();
      map.getFieldsMap().set(key, Value.fromJavaScript(value));
      return Array.from(map.serializeBinary() as Uint8Array);
    };
    const repeated = Uint8Array.from([...entry("b", "first"), ...entry("a", "x"), ...entry("b", "last")]);
    const decoded = bothWays(() => JSON.stringify(readStruct(repeated).toJavaScript()));
    expect(decoded.fast).toBe(decoded.library);
    expect(decoded.fast).toBe(JSON.stringify({ a: "x", b: "last" }));
  });

  it("leaves a payload it does not expect to the library, error included", () => {
    // A map entry whose Value has no kind: google-protobuf's toJavaScript() throws for it.
    const noKind = Uint8Array.from([0x0a, 0x05, 0x0a, 0x01, 0x6b, 0x12, 0x00]);
    expect(decodeStructBytes(noKind)).toBeUndefined();
    const library = (() => {
      try {
        return readStruct(noKind).toJavaScript();
      } catch (err) {
        return (err as Error).message;
      }
    })();
    const fastPath = installStructWireDecoding()!;
    try {
      expect(() => readStruct(noKind).toJavaScript()).toThrow(String(library));
    } finally {
      fastPath.uninstall();
    }
  });

  it("gives a fast-decoded Struct's other accessors the library's complete message", () => {
    const bytes = structBytes({ machineType: "e2-standard-4", labels: { team: "infra" } });
    const fastPath = installStructWireDecoding()!;
    try {
      const struct = readStruct(bytes);
      expect(struct.getFieldsMap().get("machineType").getStringValue()).toBe("e2-standard-4");
      expect(Array.from(struct.serializeBinary() as Uint8Array)).toEqual(Array.from(bytes));
      expect(struct.toJavaScript()).toEqual({ labels: { team: "infra" }, machineType: "e2-standard-4" });
    } finally {
      fastPath.uninstall();
    }
  });

  it("completes a Struct from the middle of a request (its bytes start past the request's first byte)", async () => {
    const { resources } = await recordedStack("prod");
    const bytes = analyzeStackRequest(resources, "prod", "relay-budget").serializeBinary();
    const fieldsOf = () =>
      JSON.stringify(
        analyzerPb.AnalyzeStackRequest.deserializeBinary(bytes)
          .getResourcesList()
          .map((resource) => [...(resource.getProperties()?.getFieldsMap().entries() as Iterable<[string, any]>)].map(([key, value]) => [key, value.toJavaScript()])),
      );
    const { library, fast } = bothWays(fieldsOf);
    expect(fast).toBe(library);
  });
});

/**
 * Resource properties decoded straight from the wire: the pack's own decoding of the
 * `google.protobuf.Struct` payloads of Analyzer requests, installed in the pack's process before
 * @pulumi/policy starts serving.
 *
 * Why: an `AnalyzeStack` request is one resource state per resource of the stack (9-10 MB for the
 * 5,000 resources of `npm run bench:policy`), and almost all of it is Struct payload. The SDK's
 * google-protobuf runtime turns every value into a message object (a `Value` per field, a `Map`
 * per object, a closure-compiled UTF-8 decoder per string) only for @pulumi/policy to convert it
 * back with `Struct.toJavaScript()`: most of the call's time and most of its garbage. Here a
 * Struct's bytes are only stepped over while the request is decoded, and `toJavaScript()` decodes
 * them directly into plain values: the same result (keys in the same sorted order, the same
 * values), built without the intermediate objects.
 *
 * Equivalence is kept, not assumed:
 * - anything the wire decoder does not expect (a Value with no kind, a wire type a Struct cannot
 *   carry, a truncated payload) hands the bytes back to google-protobuf's own decoder, so the
 *   result, or the error, is the library's;
 * - every other accessor of a Struct (`getFieldsMap`, and through it serialization) first decodes
 *   the message the library's way, so only `toJavaScript()` takes the short path;
 * - tests/policies/structWireDecoding.test.ts compares both decodings on the recorded stacks and
 *   on edge cases, and fails if the fast path cannot be installed on the pinned SDK versions.
 *
 * If the SDK's protobuf runtime lacks what this relies on (the public BinaryReader methods
 * getBuffer, getCursor, nextField, isEndGroup, skipField), nothing is installed and the pack runs
 * on the library's decoding: slower, never different.
 */
import * as path from "path";

/** A Struct whose bytes were stepped over, to be decoded on first use. */
const PENDING = Symbol("relay-budget:pending-struct-bytes");

interface PendingBytes {
  bytes: Uint8Array;
  start: number;
  end: number;
}

/** A payload the wire decoder leaves to google-protobuf (see the module comment). */
class NotForTheFastPath extends Error {}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** A cursor over one protobuf payload. */
class WireReader {
  private readonly buffer: Buffer;
  private readonly view: DataView;
  pos: number;

  constructor(
    bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  /** A varint as a number; values past 2^53 lose precision, which only tags, lengths and enums use here. */
  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new NotForTheFastPath("truncated varint");
      const byte = this.buffer[this.pos++];
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 128;
    }
    throw new NotForTheFastPath("varint longer than 10 bytes");
  }

  /** Whether a varint is non-zero (a bool), without building its value. */
  varintIsSet(): boolean {
    let set = false;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new NotForTheFastPath("truncated varint");
      const byte = this.buffer[this.pos++];
      if (byte & 0x7f) set = true;
      if (byte < 0x80) return set;
    }
    throw new NotForTheFastPath("varint longer than 10 bytes");
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new NotForTheFastPath("truncated double");
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** The end offset of a length-delimited field whose length comes next. */
  delimitedEnd(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.end) throw new NotForTheFastPath("length past the end of the payload");
    return end;
  }

  string(): string {
    const end = this.delimitedEnd();
    const value = this.buffer.toString("utf8", this.pos, end);
    this.pos = end;
    return value;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.pos += 8;
        break;
      case WIRE_LENGTH_DELIMITED:
        this.pos = this.delimitedEnd();
        return;
      case WIRE_FIXED32:
        this.pos += 4;
        break;
      default:
        throw new NotForTheFastPath(`wire type ${wireType}`);
    }
    if (this.pos > this.end) throw new NotForTheFastPath("truncated field");
  }
}

/** google.protobuf.Struct { map<string, Value> fields = 1; } into a plain object, keys sorted as jspb.Map does. */
function readStruct(reader: WireReader, end: number): Record<string, unknown> {
  const keys: string[] = [];
  const values: unknown[] = [];
  // Go marshals a map in random order; a Struct that arrives sorted needs no sort.
  let sorted = true;
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag >>> 3 !== 1) {
      reader.skip(tag & 7);
      continue;
    }
    if ((tag & 7) !== WIRE_LENGTH_DELIMITED) throw new NotForTheFastPath("Struct.fields is not length-delimited");
    const entryEnd = reader.delimitedEnd();
    let key = "";
    let value: unknown;
    let hasValue = false;
    while (reader.pos < entryEnd) {
      const entryTag = reader.varint();
      const field = entryTag >>> 3;
      if (field === 1 && (entryTag & 7) === WIRE_LENGTH_DELIMITED) key = reader.string();
      else if (field === 2 && (entryTag & 7) === WIRE_LENGTH_DELIMITED) {
        value = readValue(reader, reader.delimitedEnd());
        hasValue = true;
      } else if (field === 1 || field === 2) throw new NotForTheFastPath("map entry field of an unexpected wire type");
      else reader.skip(entryTag & 7);
    }
    if (reader.pos !== entryEnd) throw new NotForTheFastPath("map entry overruns its length");
    // The library gives a missing value an empty Value, whose toJavaScript() throws: its error, not ours.
    if (!hasValue) throw new NotForTheFastPath("map entry without a value");
    if (keys.length && !(keys[keys.length - 1] < key)) sorted = false;
    keys.push(key);
    values.push(value);
  }
  if (reader.pos !== end) throw new NotForTheFastPath("Struct overruns its length");
  const result: Record<string, unknown> = {};
  if (sorted) {
    for (let i = 0; i < keys.length; i++) result[keys[i]] = values[i];
    return result;
  }
  // jspb.Map hands out its keys sorted (Array#sort: UTF-16 code units, as `<` compares strings);
  // a repeated key keeps its last value (the sort is stable, so the later entry is assigned last).
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
  for (const i of order) result[keys[i]] = values[i];
  return result;
}

/** google.protobuf.Value: null, number, string, bool, Struct or ListValue (the last kind on the wire wins, as for any oneof). */
function readValue(reader: WireReader, end: number): unknown {
  let value: unknown;
  let hasKind = false;
  while (reader.pos < end) {
    const tag = reader.varint();
    const field = tag >>> 3;
    const wireType = tag & 7;
    switch (field) {
      case 1: // null_value (an enum: NULL_VALUE is its only member)
        if (wireType !== WIRE_VARINT) throw new NotForTheFastPath("null_value of an unexpected wire type");
        reader.varint();
        value = null;
        break;
      case 2:
        if (wireType !== WIRE_FIXED64) throw new NotForTheFastPath("number_value of an unexpected wire type");
        value = reader.double();
        break;
      case 3:
        if (wireType !== WIRE_LENGTH_DELIMITED) throw new NotForTheFastPath("string_value of an unexpected wire type");
        value = reader.string();
        break;
      case 4:
        if (wireType !== WIRE_VARINT) throw new NotForTheFastPath("bool_value of an unexpected wire type");
        value = reader.varintIsSet();
        break;
      case 5:
        if (wireType !== WIRE_LENGTH_DELIMITED) throw new NotForTheFastPath("struct_value of an unexpected wire type");
        value = readStruct(reader, reader.delimitedEnd());
        break;
      case 6:
        if (wireType !== WIRE_LENGTH_DELIMITED) throw new NotForTheFastPath("list_value of an unexpected wire type");
        value = readList(reader, reader.delimitedEnd());
        break;
      default:
        reader.skip(wireType);
        continue;
    }
    hasKind = true;
  }
  if (reader.pos !== end) throw new NotForTheFastPath("Value overruns its length");
  if (!hasKind) throw new NotForTheFastPath("Value without a kind");
  return value;
}

/** google.protobuf.ListValue { repeated Value values = 1; } */
function readList(reader: WireReader, end: number): unknown[] {
  const values: unknown[] = [];
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag >>> 3 !== 1) {
      reader.skip(tag & 7);
      continue;
    }
    if ((tag & 7) !== WIRE_LENGTH_DELIMITED) throw new NotForTheFastPath("ListValue.values is not length-delimited");
    values.push(readValue(reader, reader.delimitedEnd()));
  }
  if (reader.pos !== end) throw new NotForTheFastPath("ListValue overruns its length");
  return values;
}

/**
 * The plain object a Struct's wire bytes stand for (what `Struct.toJavaScript()` returns), or
 * undefined when the payload is one the library should judge.
 */
export function decodeStructBytes(bytes: Uint8Array, start = 0, end = bytes.length): Record<string, unknown> | undefined {
  try {
    return readStruct(new WireReader(bytes, start, end), end);
  } catch (err) {
    if (err instanceof NotForTheFastPath) return undefined;
    throw err;
  }
}

/** The parts of google-protobuf the fast path replaces or relies on. */
interface StructClass {
  deserializeBinaryFromReader(message: object, reader: BinaryReader): object;
  prototype: { toJavaScript(this: object): Record<string, unknown>; getFieldsMap(this: object, noLazyCreate?: boolean): unknown };
}
interface BinaryReader {
  getBuffer(): Uint8Array;
  getCursor(): number;
  nextField(): boolean;
  isEndGroup(): boolean;
  skipField(): void;
}
interface BinaryReaderClass {
  new (bytes: Uint8Array, start?: number, length?: number): BinaryReader;
  prototype: Partial<BinaryReader>;
}

/** google-protobuf as the SDK's generated Analyzer messages load it (the pack's @pulumi/pulumi). */
function sdkProtobuf(): { Struct: StructClass; BinaryReader: BinaryReaderClass } {
  const protoDir = path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"));
  const load = (request: string) => require(require.resolve(request, { paths: [protoDir] }));
  return { Struct: load("google-protobuf/google/protobuf/struct_pb").Struct, BinaryReader: load("google-protobuf").BinaryReader };
}

export interface InstalledFastPath {
  /** Puts the library's own Struct decoding back (tests compare both). */
  uninstall(): void;
}

let installed: InstalledFastPath | undefined;

/**
 * Installs the fast path on the SDK's Struct class, once per process; undefined when the SDK's
 * protobuf runtime lacks what it relies on (then the library's decoding stays).
 */
export function installStructWireDecoding(): InstalledFastPath | undefined {
  if (installed) return installed;
  let protobuf: ReturnType<typeof sdkProtobuf>;
  try {
    protobuf = sdkProtobuf();
  } catch {
    // An install layout where the SDK's google-protobuf cannot be found from here: the library decodes.
    return undefined;
  }
  const { Struct, BinaryReader } = protobuf;
  const readerMethods: (keyof BinaryReader)[] = ["getBuffer", "getCursor", "nextField", "isEndGroup", "skipField"];
  if (
    typeof Struct?.deserializeBinaryFromReader !== "function" ||
    typeof Struct.prototype.toJavaScript !== "function" ||
    typeof Struct.prototype.getFieldsMap !== "function" ||
    typeof BinaryReader !== "function" ||
    readerMethods.some((method) => typeof BinaryReader.prototype[method] !== "function")
  ) {
    return undefined;
  }
  const libraryDeserialize = Struct.deserializeBinaryFromReader;
  const libraryToJavaScript = Struct.prototype.toJavaScript;
  const libraryGetFieldsMap = Struct.prototype.getFieldsMap;
  type PendingStruct = { [PENDING]?: PendingBytes };

  /** Decodes the stepped-over bytes the library's way, so the message is a complete jspb Struct. */
  const materialize = (message: PendingStruct) => {
    const pending = message[PENDING];
    if (!pending) return;
    message[PENDING] = undefined;
    libraryDeserialize.call(Struct, message, new BinaryReader(pending.bytes, pending.start, pending.end - pending.start));
  };

  Struct.deserializeBinaryFromReader = function (message: PendingStruct, reader: BinaryReader) {
    // readMessage has bounded the reader to this Struct: step over its fields, keep where they are.
    const bytes = reader.getBuffer();
    const start = reader.getCursor();
    while (reader.nextField()) {
      // A group-terminated Struct (never sent by the CLI): its end tag sends it to the library's decoding.
      if (reader.isEndGroup()) break;
      reader.skipField();
    }
    message[PENDING] = { bytes, start, end: reader.getCursor() };
    return message;
  };
  Struct.prototype.toJavaScript = function (this: PendingStruct) {
    const pending = this[PENDING];
    if (pending) {
      const decoded = decodeStructBytes(pending.bytes, pending.start, pending.end);
      if (decoded) return decoded;
      materialize(this);
    }
    return libraryToJavaScript.call(this);
  };
  Struct.prototype.getFieldsMap = function (this: PendingStruct, noLazyCreate?: boolean) {
    materialize(this);
    return libraryGetFieldsMap.call(this, noLazyCreate);
  };

  installed = {
    uninstall() {
      Struct.deserializeBinaryFromReader = libraryDeserialize;
      Struct.prototype.toJavaScript = libraryToJavaScript;
      Struct.prototype.getFieldsMap = libraryGetFieldsMap;
      installed = undefined;
    },
  };
  return installed;
}

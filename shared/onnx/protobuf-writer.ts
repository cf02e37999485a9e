// A minimal protocol-buffers encoder (varints, fixed32/64, length-delimited and packed fields), the wire layer of
// the ONNX writer (encode-model.ts). Hand-written because it runs in the Worker: protobufjs builds its codecs with
// `new Function`, which Cloudflare Workers forbid, and shared/ may not import it anyway.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** A 64-bit integer as the ONNX messages hold it: a number (safe integer), a bigint, or long.js' Long bits. */
export type Int64 = number | bigint | { low: number; high: number };

const textEncoder = new TextEncoder();

/** Bytes a varint of non-negative integer `value` (< 2^53) takes. */
function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 128; v = Math.floor(v / 128)) size++;
  return size;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  let v = value;
  while (v >= 128) {
    out[at++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

function checkVarint(field: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`protobuf field ${field}: ${value} is not a non-negative safe integer`);
}

/** The varint bytes of `value` as an int64/int32/uint64 field holds it: negatives as 64-bit two's complement. */
function int64Varint(field: number, value: Int64): number[] {
  let bits: bigint;
  if (typeof value === "bigint") bits = value;
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value))
      throw new RangeError(`protobuf field ${field}: ${value} is not a safe integer`);
    bits = BigInt(value);
  } else bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  if (bits < -(2n ** 63n) || bits >= 2n ** 64n)
    throw new RangeError(`protobuf field ${field}: ${bits} does not fit 64 bits`);
  let v = BigInt.asUintN(64, bits);
  const out: number[] = [];
  while (v >= 128n) {
    out.push(Number(v & 127n) | 128);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** One encoded field: its key and payload, sized before anything is written. */
type Part =
  | { kind: "varint"; key: number; value: number }
  | { kind: "encoded"; key: number; value: Uint8Array }
  | { kind: "fixed32"; key: number; value: number }
  | { kind: "bytes"; key: number; value: Uint8Array }
  | { kind: "deferred"; key: number; value: { byteLength: number; write: (out: Uint8Array) => void } }
  | { kind: "message"; key: number; value: ProtoMessage };

/**
 * A message under construction: fields are appended in call order and serialized once by `toBytes()`, so a
 * large bytes field (a tensor's raw_data, hundreds of MB) is copied exactly once, into the final buffer.
 */
export class ProtoMessage {
  private readonly parts: Part[] = [];
  private size = -1;

  /** A varint field (int32/int64/enum/bool) holding a non-negative integer below 2^53. */
  varint(field: number, value: number): this {
    checkVarint(field, value);
    return this.push({ kind: "varint", key: field * 8 + WIRE_VARINT, value });
  }

  /** An int64/int32/uint64/enum field of any value `Int64` holds; negatives take ten bytes, as protobuf says. */
  int64(field: number, value: Int64): this {
    if (typeof value === "number" && value >= 0) return this.varint(field, value);
    return this.push({
      kind: "encoded",
      key: field * 8 + WIRE_VARINT,
      value: Uint8Array.from(int64Varint(field, value)),
    });
  }

  /** A `double` field (fixed64, little-endian IEEE 754 double). */
  double(field: number, value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return this.push({ kind: "encoded", key: field * 8 + WIRE_FIXED64, value: bytes });
  }

  /** A packed repeated int64/int32/uint64 field: one length-delimited run of varints. */
  packedInt64(field: number, values: ArrayLike<Int64>): this {
    const bytes: number[] = [];
    for (let i = 0; i < values.length; i++) bytes.push(...int64Varint(field, values[i]));
    return this.bytes(field, Uint8Array.from(bytes));
  }

  /** A packed repeated `float` (4 bytes each) or `double` (8 bytes each) field, little-endian. */
  packedFloats(field: number, values: ArrayLike<number>, bytesEach: 4 | 8): this {
    const bytes = new Uint8Array(values.length * bytesEach);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++)
      if (bytesEach === 4) view.setFloat32(i * 4, values[i], true);
      else view.setFloat64(i * 8, values[i], true);
    return this.bytes(field, bytes);
  }

  /** A `float` field (fixed32, little-endian IEEE 754 single). */
  float(field: number, value: number): this {
    return this.push({ kind: "fixed32", key: field * 8 + WIRE_FIXED32, value });
  }

  /** A `bytes` field; the bytes are referenced, not copied, until `toBytes()`. */
  bytes(field: number, value: Uint8Array): this {
    return this.push({ kind: "bytes", key: field * 8 + WIRE_LENGTH_DELIMITED, value });
  }

  /**
   * A `bytes` field of `byteLength` bytes that `write` fills in place during `toBytes()` (given exactly that
   * many bytes), so a payload computed from other data (a transposed matrix) needs no buffer of its own.
   */
  deferredBytes(field: number, byteLength: number, write: (out: Uint8Array) => void): this {
    checkVarint(field, byteLength);
    return this.push({
      kind: "deferred",
      key: field * 8 + WIRE_LENGTH_DELIMITED,
      value: { byteLength, write },
    });
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** An embedded message field. */
  message(field: number, value: ProtoMessage): this {
    return this.push({ kind: "message", key: field * 8 + WIRE_LENGTH_DELIMITED, value });
  }

  private push(part: Part): this {
    this.parts.push(part);
    this.size = -1;
    return this;
  }

  /** Serialized size in bytes. */
  get byteLength(): number {
    if (this.size >= 0) return this.size;
    let size = 0;
    for (const part of this.parts) {
      size += varintSize(part.key);
      if (part.kind === "varint") size += varintSize(part.value);
      else if (part.kind === "fixed32") size += 4;
      else if (part.kind === "encoded") size += part.value.byteLength;
      else {
        const length = part.value.byteLength;
        size += varintSize(length) + length;
      }
    }
    this.size = size;
    return size;
  }

  /** Writes the message at `at` in `out` (which has room) and returns the offset after it. */
  writeTo(out: Uint8Array, at: number): number {
    let offset = at;
    for (const part of this.parts) {
      offset = writeVarint(out, offset, part.key);
      if (part.kind === "varint") offset = writeVarint(out, offset, part.value);
      else if (part.kind === "fixed32") {
        new DataView(out.buffer, out.byteOffset + offset, 4).setFloat32(0, part.value, true);
        offset += 4;
      } else if (part.kind === "encoded") {
        out.set(part.value, offset);
        offset += part.value.byteLength;
      } else if (part.kind === "bytes") {
        offset = writeVarint(out, offset, part.value.byteLength);
        out.set(part.value, offset);
        offset += part.value.byteLength;
      } else if (part.kind === "deferred") {
        offset = writeVarint(out, offset, part.value.byteLength);
        part.value.write(out.subarray(offset, offset + part.value.byteLength));
        offset += part.value.byteLength;
      } else {
        offset = writeVarint(out, offset, part.value.byteLength);
        offset = part.value.writeTo(out, offset);
      }
    }
    return offset;
  }

  /** The serialized message. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    const end = this.writeTo(out, 0);
    if (end !== out.length) throw new Error(`protobuf size mismatch: wrote ${end} of ${out.length} bytes`);
    return out;
  }
}

// Pins the minimal protobuf encoder byte for byte (varints, int64, fixed32/64, packed, nested) against the wire format.
import { describe, expect, it } from "vitest";
import { ProtoMessage } from "./protobuf-writer.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("ProtoMessage", () => {
  it.each([
    [0, "0800"],
    [1, "0801"],
    [127, "087f"],
    [128, "088001"],
    [300, "08ac02"],
    [2 ** 32, "088080808010"],
    [Number.MAX_SAFE_INTEGER, "08ffffffffffffff0f"],
  ])("encodes varint field 1 = %d", (value, expected) => {
    expect(hex(new ProtoMessage().varint(1, value).toBytes())).toBe(expected);
  });

  it("rejects values a non-negative varint cannot hold", () => {
    expect(() => new ProtoMessage().varint(1, -1)).toThrow(RangeError);
    expect(() => new ProtoMessage().varint(1, 1.5)).toThrow(RangeError);
    expect(() => new ProtoMessage().varint(1, 2 ** 53)).toThrow(RangeError);
  });

  it.each([
    [0, "0800"],
    [300, "08ac02"],
    [-1, "08ffffffffffffffffff01"],
    [-2, "08feffffffffffffffff01"],
    [2n ** 63n - 1n, "08ffffffffffffffff7f"],
    [-(2n ** 63n), "0880808080808080808001"],
    [2n ** 64n - 1n, "08ffffffffffffffffff01"],
    [{ low: -1, high: 0 }, "08ffffffff0f"],
    [{ low: 0, high: 1 }, "088080808010"],
  ] as const)("encodes int64 field 1 = %s as protobuf's two's-complement varint", (value, expected) => {
    expect(hex(new ProtoMessage().int64(1, value).toBytes())).toBe(expected);
  });

  it("rejects int64 values that are not integers or do not fit 64 bits", () => {
    expect(() => new ProtoMessage().int64(1, 0.5)).toThrow(RangeError);
    expect(() => new ProtoMessage().int64(1, 2 ** 53)).toThrow(RangeError);
    expect(() => new ProtoMessage().int64(1, 2n ** 64n)).toThrow(RangeError);
    expect(() => new ProtoMessage().int64(1, -(2n ** 63n) - 1n)).toThrow(RangeError);
  });

  it("encodes doubles and packed int64, float and double runs", () => {
    expect(hex(new ProtoMessage().double(2, 1.5).toBytes())).toBe("11000000000000f83f");
    // Packed: one length-delimited field (wire type 2) holding the values back to back.
    expect(hex(new ProtoMessage().packedInt64(1, [3, 270, -1]).toBytes())).toBe(
      "0a0d038e02ffffffffffffffffff01",
    );
    expect(hex(new ProtoMessage().packedFloats(4, [1, -2], 4).toBytes())).toBe("22080000803f000000c0");
    expect(hex(new ProtoMessage().packedFloats(10, [0.5], 8).toBytes())).toBe("5208000000000000e03f");
  });

  it("encodes strings, bytes, floats and nested messages with their lengths", () => {
    const inner = new ProtoMessage().varint(1, 150);
    const message = new ProtoMessage()
      .string(2, "testing")
      .bytes(3, Uint8Array.of(1, 2))
      .float(4, 1.5)
      .message(5, inner)
      .varint(20, 2);
    // Field keys: (field << 3) | wire type; 20 << 3 = 160 -> varint a001.
    expect(hex(message.toBytes())).toBe(
      `120774657374696e67` + `1a020102` + `250000c03f` + `2a03089601` + `a00102`,
    );
    expect(message.byteLength).toBe(message.toBytes().length);
  });

  it("lets a deferred bytes field fill its slice of the output in place", () => {
    const message = new ProtoMessage().varint(1, 7).deferredBytes(2, 3, (out) => {
      expect(out.length).toBe(3);
      out.set([9, 8, 7]);
    });
    expect(hex(message.toBytes())).toBe("0807" + "1203090807");
  });

  it("copies a large bytes field once, into a buffer of exactly the computed size", () => {
    const payload = new Uint8Array(300_000).map((_, i) => i % 251);
    const bytes = new ProtoMessage().bytes(9, payload).toBytes();
    expect(bytes.length).toBe(1 + 3 + payload.length);
    expect(hex(bytes.subarray(0, 4))).toBe("4ae0a712");
    expect(Buffer.from(bytes.subarray(4)).equals(Buffer.from(payload))).toBe(true);
  });
});

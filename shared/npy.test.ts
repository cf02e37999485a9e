// Pins .npy reading/writing against numpy's own bytes and every rejected input.
import { describe, expect, it } from "vitest";
import { InputError } from "./errors.ts";
import { encodeNpy, type NpyArray, npyToFloat32, parseNpy } from "./npy.ts";

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

// Bytes written by numpy 2.4 (np.save, or np.lib.format.write_array with version=).
const NUMPY = {
  f2: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAA8AEEAwv97",
  i8: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//////////wAAAAAAAQAA",
  v3: "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQAAAAD8=",
  v2: "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQAAAAD8=",
  scalar:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/",
};

/** A v1.0 .npy with an arbitrary header dict and data bytes (for malformed inputs). */
function npyWith(dict: string, data: Uint8Array): Uint8Array {
  const header = `${dict}\n`;
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

describe("parseNpy / encodeNpy against numpy", () => {
  it("reads float16 and writes numpy's exact bytes", () => {
    const bytes = fromBase64(NUMPY.f2);
    const array = parseNpy(bytes);
    expect(array.dtype).toBe("float16");
    expect(array.shape).toEqual([5]);
    expect(Array.from(npyToFloat32(array))).toEqual([0, 1, 2.5, -3, 65504]);
    expect(encodeNpy(array)).toEqual(bytes);
  });

  it("reads int64 and writes numpy's exact bytes", () => {
    const bytes = fromBase64(NUMPY.i8);
    const array = parseNpy(bytes);
    expect(array).toMatchObject({ dtype: "int64", shape: [2, 1] });
    expect(Array.from(array.data as BigInt64Array)).toEqual([-1n, 2n ** 40n]);
    expect(encodeNpy(array)).toEqual(bytes);
    expect(() => npyToFloat32(array)).toThrow(InputError);
  });

  it.each(["v2", "v3"] as const)("reads format %s headers", (version) => {
    const array = parseNpy(fromBase64(NUMPY[version]));
    expect(array).toMatchObject({ dtype: "float32", shape: [3] });
    expect(Array.from(array.data as Float32Array)).toEqual([1, 2, 0.5]);
  });

  it("reads and writes a 0-d array", () => {
    const bytes = fromBase64(NUMPY.scalar);
    const array = parseNpy(bytes);
    expect(array).toMatchObject({ dtype: "float32", shape: [] });
    expect(Array.from(array.data as Float32Array)).toEqual([1.5]);
    expect(encodeNpy(array)).toEqual(bytes);
  });

  it("reads from an unaligned offset inside a larger buffer", () => {
    const bytes = fromBase64(NUMPY.v3);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(Array.from(parseNpy(padded.subarray(3)).data as Float32Array)).toEqual([1, 2, 0.5]);
  });

  it("switches to a v2.0 header when the header outgrows 65535 bytes, and reads it back", () => {
    const shape = Array.from({ length: 25000 }, () => 1);
    const bytes = encodeNpy({ dtype: "float32", shape, data: Float32Array.of(7) });
    expect(bytes[6]).toBe(2);
    expect(bytes.length % 64).toBe(4); // header ends on a 64-byte boundary, then 4 data bytes
    const back = parseNpy(bytes);
    expect(back.shape).toHaveLength(25000);
    expect(Array.from(back.data as Float32Array)).toEqual([7]);
  });

  it("rejects a shape that does not match the data when encoding", () => {
    const bad: NpyArray = { dtype: "float32", shape: [2, 2], data: new Float32Array(3) };
    expect(() => encodeNpy(bad)).toThrow(RangeError);
  });
});

describe("parseNpy rejects unsupported or broken files", () => {
  const f4 = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
  const cases: [string, Uint8Array, RegExp][] = [
    ["not npy", new TextEncoder().encode("hello world, not numpy"), /not a \.npy file/],
    ["empty", new Uint8Array(0), /not a \.npy file/],
    [
      "version 4",
      (() => {
        const b = npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", f4);
        b[6] = 4;
        return b;
      })(),
      /version 4\.0/,
    ],
    [
      "fortran order",
      npyWith("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f4),
      /Fortran-order/,
    ],
    ["big-endian", npyWith("{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", f4), /big-endian/],
    [
      "float64",
      npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f4),
      /dtype '<f8' is not supported/,
    ],
    ["uint8", npyWith("{'descr': '|u1', 'fortran_order': False, 'shape': (16,), }", f4), /dtype '\|u1'/],
    [
      "truncated data",
      npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", f4),
      /truncated data/,
    ],
    [
      "extra data",
      npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f4),
      /4 unexpected bytes/,
    ],
    [
      "truncated header",
      npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", f4).subarray(0, 30),
      /truncated \.npy header/,
    ],
    ["no shape", npyWith("{'descr': '<f4', 'fortran_order': False}", f4), /not a numpy array header/],
    ["bad shape", npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -2), }", f4), /bad shape/],
  ];
  it.each(cases)("%s", (_name, bytes, message) => {
    let error: unknown;
    try {
      parseNpy(bytes);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe("bad_npy");
    expect((error as InputError).message).toMatch(message);
  });
});

describe("parseNpy on a Node Buffer", () => {
  it("copies the data out of Buffer's shared pool (Buffer.slice is a view)", () => {
    const bytes = Buffer.from(fromBase64(NUMPY.v3)); // small Buffers live inside a larger pool
    const array = parseNpy(bytes);
    expect(array.data.length).toBe(3);
    expect(array.data.buffer.byteLength).toBe(12);
  });
});

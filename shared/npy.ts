// NumPy .npy read/write (format v1.0, v2.0, v3.0) for the dtypes this project uses: float32 ('<f4'),
// float16 ('<f2', raw bits) and int64 ('<i8'), C order, little-endian. Works on bytes only.
// Typed arrays use the host's byte order; every runtime we target (x86-64, arm64) is little-endian.
// Hand-written: it must run in the Worker and write byte-reproducible files; the format is one header line.
import { InputError } from "./errors.ts";
import { float16ToFloat32Array } from "./float16.ts";

/** A parsed .npy array. `data` is row-major; float16 values are raw IEEE half bits. */
export type NpyArray =
  | { dtype: "float32"; shape: number[]; data: Float32Array }
  | { dtype: "float16"; shape: number[]; data: Uint16Array }
  | { dtype: "int64"; shape: number[]; data: BigInt64Array };

export type NpyDtype = NpyArray["dtype"];

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const DESCR: Record<NpyDtype, string> = { float32: "<f4", float16: "<f2", int64: "<i8" };
const ITEM_SIZE: Record<NpyDtype, number> = { float32: 4, float16: 2, int64: 8 };

function fail(message: string): never {
  throw new InputError("bad_npy", message);
}

/** Number of elements of a shape (1 for a scalar shape []). */
function shapeSize(shape: readonly number[]): number {
  return shape.reduce((product, n) => product * n, 1);
}

function parseDescr(descr: string): NpyDtype {
  for (const [dtype, expected] of Object.entries(DESCR) as [NpyDtype, string][]) {
    if (descr === expected) return dtype;
  }
  if (descr.startsWith(">"))
    fail(`big-endian data (${descr}) is not supported; save it little-endian, e.g. arr.astype('<f4')`);
  fail(`dtype '${descr}' is not supported; use float32 ('<f4'), float16 ('<f2') or int64 ('<i8')`);
}

/** Parses the Python dict literal of a .npy header, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }. */
function parseHeader(text: string): { dtype: NpyDtype; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) fail(`header is not a numpy array header: ${text.trim().slice(0, 120)}`);
  if (fortran[1] === "True")
    fail("Fortran-order arrays are not supported; save a C-order array (np.ascontiguousarray)");
  const dims = shape[1]
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => (/^\d+L?$/.test(part) ? Number.parseInt(part, 10) : Number.NaN));
  if (dims.some((n) => !Number.isSafeInteger(n))) fail(`bad shape (${shape[1]}) in the header`);
  return { dtype: parseDescr(descr[1]), shape: dims };
}

/** Parses .npy bytes. Throws InputError (code "bad_npy") for anything this reader does not support. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail("not a .npy file (missing \\x93NUMPY magic)");
  const major = bytes[6];
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = bytes[8] | (bytes[9] << 8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail("truncated .npy header");
    headerLength = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24)) >>> 0;
    headerStart = 12;
  } else {
    fail(`.npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0, 3.0 are)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail("truncated .npy header");
  const headerText = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(headerStart, dataStart),
  );
  const { dtype, shape } = parseHeader(headerText);
  const count = shapeSize(shape);
  const byteLength = count * ITEM_SIZE[dtype];
  const available = bytes.length - dataStart;
  if (available < byteLength) {
    fail(`truncated data: shape (${shape.join(", ")}) needs ${byteLength} bytes, the file has ${available}`);
  }
  if (available > byteLength) fail(`${available - byteLength} unexpected bytes after the array data`);
  // Copy: the data offset is rarely aligned to the item size inside the caller's buffer. (Not
  // bytes.slice: on a Node Buffer that is a view of a shared pool, not a copy.)
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(dataStart, dataStart + byteLength));
  const buffer = copy.buffer;
  switch (dtype) {
    case "float32":
      return { dtype, shape, data: new Float32Array(buffer) };
    case "float16":
      return { dtype, shape, data: new Uint16Array(buffer) };
    case "int64":
      return { dtype, shape, data: new BigInt64Array(buffer) };
  }
}

/** Float32 values of a float32 or float16 array (float16 is widened; float32 is returned as is). */
export function npyToFloat32(array: NpyArray): Float32Array {
  if (array.dtype === "float32") return array.data;
  if (array.dtype === "float16") return float16ToFloat32Array(array.data);
  fail("expected a float32 or float16 array, got int64");
}

/**
 * Serializes an array as .npy, byte-identical to numpy.save: version 1.0 (2.0 when the header
 * exceeds 65535 bytes), header padded with spaces so that the data starts on a 64-byte boundary.
 */
export function encodeNpy(array: NpyArray): Uint8Array {
  const { dtype, shape, data } = array;
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0))
    throw new RangeError(`bad shape (${shape.join(", ")})`);
  if (shapeSize(shape) !== data.length) {
    throw new RangeError(
      `shape (${shape.join(", ")}) holds ${shapeSize(shape)} values, data has ${data.length}`,
    );
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let prefix = 10;
  let padded = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  if (padded > 0xffff) {
    prefix = 12;
    padded = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  }
  const header = `${dict.padEnd(padded - 1, " ")}\n`;
  const dataBytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(prefix + padded + dataBytes.length);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, padded, true);
  else view.setUint32(8, padded, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(dataBytes, prefix + padded);
  return out;
}

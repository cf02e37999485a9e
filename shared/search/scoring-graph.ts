// Tiny ONNX models that score queries against every vector of an index with ONNX Runtime's SIMD kernels:
// "embedded" (the index matrix is an initializer, held once in the session: the Worker's form) and "fed" (the
// matrix is an input, which onnxruntime-node reads in place: no copy, no build, no 2 GB protobuf limit).
// Written by the project's one ONNX writer (shared/onnx/encode-model.ts: no protobufjs, which Workers cannot run).
import { encodeModel } from "../onnx/encode-model.ts";
import { irVersionOf, ONNX_ATTRIBUTE_TYPE, ONNX_DTYPE } from "../onnx/onnx-constants.ts";
import type { GraphProto, NodeProto, TensorProto, ValueInfoProto } from "../onnx/onnx-messages.ts";

const OPSET = 13;

/**
 * Names of the graphs' values. Embedded: inputs `query` float32 [q, d] and `rows` int64 [r] (row indices to
 * read back, may be empty); outputs `scores` float32 [q, N] (row-major, query i's scores at i*N) and `vectors`
 * float32 [r, d] (those rows, dequantized). Fed: inputs `query` and `matrix` float32 [N, d]; output `scores`.
 */
export const SCORING_IO = {
  query: "query",
  rows: "rows",
  matrix: "matrix",
  scores: "scores",
  vectors: "vectors",
} as const;

/**
 * An index matrix, row-major [rows, dimension]:
 * - float32: the vectors as they are (scores exact to float32 rounding);
 * - int8: symmetric per-row quantization, row r ≈ data[r*d .. r*d+d) * scales[r] (a quarter of the bytes);
 *   the graph quantizes the queries to uint8 (DynamicQuantizeLinear, one scale per run), score error ~1e-3
 *   on unit vectors.
 */
export type ScoringMatrix =
  | { dtype: "float32"; rows: number; dimension: number; data: Float32Array }
  | { dtype: "int8"; rows: number; dimension: number; data: Int8Array; scales: Float32Array };

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function tensor(name: string, dataType: number, dims: number[], data: ArrayBufferView): TensorProto {
  return { dims, dataType, name, rawData: bytesOf(data) };
}

/**
 * TensorProto [columns, rows] of the row-major [rows, columns] `data`, transposed straight into the model
 * buffer, one output row at a time through a small aligned scratch row (raw_data sits at an arbitrary offset,
 * and is little-endian, as are the typed arrays of every runtime this project targets).
 */
function transposedTensor(
  name: string,
  dataType: number,
  data: Float32Array | Int8Array,
  rows: number,
  columns: number,
): TensorProto {
  const write = (out: Uint8Array): void => {
    const scratch = data instanceof Float32Array ? new Float32Array(rows) : new Int8Array(rows);
    const scratchBytes = new Uint8Array(scratch.buffer);
    for (let c = 0; c < columns; c++) {
      for (let r = 0, at = c; r < rows; r++, at += columns) scratch[r] = data[at];
      out.set(scratchBytes, c * scratchBytes.length);
    }
  };
  return { dims: [columns, rows], dataType, name, rawData: { byteLength: data.byteLength, write } };
}

/** ValueInfoProto of a tensor; a string dimension is symbolic. */
function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** NodeProto with integer attributes only (all this graph needs). */
function node(
  opType: string,
  input: string[],
  output: string[],
  attributes: Record<string, number> = {},
): NodeProto {
  const attribute = Object.entries(attributes).map(([name, i]) => ({
    name,
    i,
    type: ONNX_ATTRIBUTE_TYPE.INT,
  }));
  return { input, output, name: `${opType}_${output[0]}`, opType, attribute };
}

function modelBytes(graph: GraphProto): Uint8Array {
  return encodeModel({
    irVersion: irVersionOf(OPSET),
    producerName: "clip-video-retrieval",
    graph,
    opsetImport: [{ domain: "", version: OPSET }],
  });
}

function checkMatrix(matrix: ScoringMatrix): void {
  const { rows, dimension, data } = matrix;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(dimension) || dimension < 1)
    throw new RangeError(
      `scoring matrix needs positive integer rows and dimension, got [${rows}, ${dimension}]`,
    );
  if (data.length !== rows * dimension)
    throw new RangeError(`scoring matrix data has ${data.length} values, expected ${rows} x ${dimension}`);
  if (matrix.dtype === "int8" && matrix.scales.length !== rows)
    throw new RangeError(`int8 scoring matrix has ${matrix.scales.length} scales for ${rows} rows`);
}

/**
 * ModelProto bytes of the embedded scoring graph for `matrix` (see SCORING_IO). The matrix is stored
 * transposed, [d, N]: MatMul by a [d, N] constant is as fast as Gemm transB=1 on [N, d] in both runtimes
 * (measured), without Gemm's packed copy (ORT-web grew by ~130 MB for a 20 MB matrix).
 * The transpose is written straight into the serialized model (one buffer, matrix bytes + ~1 KB), which the
 * caller can drop once the session exists.
 */
export function buildEmbeddedScoringGraph(matrix: ScoringMatrix): Uint8Array {
  checkMatrix(matrix);
  const { rows, dimension } = matrix;
  const { query, rows: rowsInput, scores, vectors } = SCORING_IO;
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  if (matrix.dtype === "float32") {
    initializers.push(transposedTensor("matrix_t", ONNX_DTYPE.float32, matrix.data, rows, dimension));
    nodes.push(node("MatMul", [query, "matrix_t"], [scores]));
    nodes.push(node("Gather", ["matrix_t", rowsInput], ["columns"], { axis: 1 }));
    nodes.push(node("Transpose", ["columns"], [vectors]));
  } else {
    initializers.push(transposedTensor("matrix_t", ONNX_DTYPE.int8, matrix.data, rows, dimension));
    initializers.push(tensor("matrix_zero", ONNX_DTYPE.int8, [], new Int8Array(1)));
    initializers.push(tensor("row_scales", ONNX_DTYPE.float32, [rows], matrix.scales));
    nodes.push(node("DynamicQuantizeLinear", [query], ["query_u8", "query_scale", "query_zero"]));
    nodes.push(node("MatMulInteger", ["query_u8", "matrix_t", "query_zero", "matrix_zero"], ["dots"]));
    nodes.push(node("Cast", ["dots"], ["dots_f"], { to: ONNX_DTYPE.float32 }));
    nodes.push(node("Mul", ["dots_f", "query_scale"], ["dots_scaled"]));
    nodes.push(node("Mul", ["dots_scaled", "row_scales"], [scores]));
    // Reading rows back: gather the columns of matrix_t, transpose, cast, scale each row.
    nodes.push(node("Gather", ["matrix_t", rowsInput], ["columns"], { axis: 1 }));
    nodes.push(node("Transpose", ["columns"], ["rows_q"]));
    nodes.push(node("Cast", ["rows_q"], ["rows_f"], { to: ONNX_DTYPE.float32 }));
    nodes.push(node("Gather", ["row_scales", rowsInput], ["scales_r"], { axis: 0 }));
    nodes.push(node("Unsqueeze", ["scales_r", "unsqueeze_axes"], ["scales_col"]));
    initializers.push(tensor("unsqueeze_axes", ONNX_DTYPE.int64, [1], BigInt64Array.of(1n)));
    nodes.push(node("Mul", ["rows_f", "scales_col"], [vectors]));
  }
  return modelBytes({
    node: nodes,
    name: "embedded_scoring",
    initializer: initializers,
    input: [
      valueInfo(query, ONNX_DTYPE.float32, ["queries", dimension]),
      valueInfo(rowsInput, ONNX_DTYPE.int64, ["wanted"]),
    ],
    output: [
      valueInfo(scores, ONNX_DTYPE.float32, ["queries", rows]),
      valueInfo(vectors, ONNX_DTYPE.float32, ["wanted", dimension]),
    ],
  });
}

/**
 * ModelProto bytes of the fed scoring graph for vectors of `dimension`: Gemm(query [q, d], matrix [N, d],
 * transB=1) -> scores [q, N]. A few hundred bytes; the matrix comes with each run.
 */
export function buildFedScoringGraph(dimension: number): Uint8Array {
  if (!Number.isInteger(dimension) || dimension < 1)
    throw new RangeError(`dimension must be a positive integer, got ${dimension}`);
  const { query, matrix, scores } = SCORING_IO;
  return modelBytes({
    node: [node("Gemm", [query, matrix], [scores], { transB: 1 })],
    name: "fed_scoring",
    input: [
      valueInfo(query, ONNX_DTYPE.float32, ["queries", dimension]),
      valueInfo(matrix, ONNX_DTYPE.float32, ["rows", dimension]),
    ],
    output: [valueInfo(scores, ONNX_DTYPE.float32, ["queries", "rows"])],
  });
}

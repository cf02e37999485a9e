// Exact (flat) scoring of queries against every row of an index matrix: ONNX Runtime sessions over the
// scoring graphs (SIMD kernels, ORT namespace injected) and the plain JS loop they replace. Ranking by video
// (a video scored by its best vector) stays with the callers.
import type { OrtNamespace, OrtSession, OrtSessionOptions, OrtTensor } from "../model/ort-types.ts";
import { scoreRows } from "../vectors.ts";
import {
  buildEmbeddedScoringGraph,
  buildFedScoringGraph,
  SCORING_IO,
  type ScoringMatrix,
} from "./scoring-graph.ts";

/** Scores queries against a fixed [rows, dimension] matrix. */
export interface FlatScorer {
  readonly rows: number;
  readonly dimension: number;
  /**
   * Queries row-major [q, dimension] (q = queries.length / dimension) -> scores row-major [q, rows]:
   * out[i * rows + r] = query i . row r (cosine for L2-normalized vectors).
   */
  score(queries: Float32Array): Promise<Float32Array>;
  /** Frees the session (no-op for the JS loop). */
  release(): Promise<void>;
}

/**
 * Session options for a scorer. `extra` holds ONNX Runtime config entries (both runtimes accept it), e.g.
 * `{ session: { disable_prepacking: "1" } }`.
 */
export interface ScorerSessionOptions extends OrtSessionOptions {
  extra?: Record<string, unknown>;
}

function queryCount(queries: Float32Array, dimension: number): number {
  if (queries.length === 0 || queries.length % dimension !== 0)
    throw new RangeError(`queries length ${queries.length} is not a positive multiple of ${dimension}`);
  return queries.length / dimension;
}

function float32Output(outputs: Record<string, OrtTensor>, name: string): Float32Array {
  const tensor = outputs[name];
  if (!(tensor?.data instanceof Float32Array)) throw new Error(`scoring session returned no float32 ${name}`);
  return tensor.data;
}

/** The JS loop (shared/vectors.ts scoreRows): no runtime needed, exact float32 scores. */
export class JsScorer implements FlatScorer {
  readonly rows: number;

  constructor(
    private readonly matrix: Float32Array,
    readonly dimension: number,
  ) {
    if (!Number.isInteger(dimension) || dimension < 1 || matrix.length % dimension !== 0)
      throw new RangeError(`matrix length ${matrix.length} is not a multiple of dimension ${dimension}`);
    this.rows = matrix.length / dimension;
  }

  async score(queries: Float32Array): Promise<Float32Array> {
    const q = queryCount(queries, this.dimension);
    const out = new Float32Array(q * this.rows);
    const d = this.dimension;
    for (let i = 0; i < q; i++)
      scoreRows(this.matrix, d, queries.subarray(i * d, (i + 1) * d), out.subarray(i * this.rows));
    return out;
  }

  async release(): Promise<void> {}
}

/**
 * The matrix lives inside the session (float32, or int8 with per-row scales: a quarter of the memory), so a
 * run sends only the queries: the form for onnxruntime-web, whose inputs are copied into WASM memory on each
 * run. Once `create` resolves, the caller's copy of the matrix can be dropped; `readRows` gives rows back.
 */
export class EmbeddedScorer implements FlatScorer {
  private readonly noRows: OrtTensor;
  private readonly noQueries: OrtTensor;

  private constructor(
    private readonly ort: OrtNamespace,
    private readonly session: OrtSession,
    readonly rows: number,
    readonly dimension: number,
  ) {
    this.noRows = new ort.Tensor("int64", new BigInt64Array(0), [0]);
    this.noQueries = new ort.Tensor("float32", new Float32Array(0), [0, dimension]);
  }

  /** Builds the graph for `matrix` and starts a session on it; the graph bytes are garbage once this returns. */
  static async create(
    ort: OrtNamespace,
    matrix: ScoringMatrix,
    options: ScorerSessionOptions = {},
  ): Promise<EmbeddedScorer> {
    // Nothing refers to `matrix` or the graph bytes after this await, so both can be collected once ORT has
    // its copy (the Worker relies on it to hold the vectors once).
    const { rows, dimension } = matrix;
    const session = await ort.InferenceSession.create(buildEmbeddedScoringGraph(matrix), options);
    return new EmbeddedScorer(ort, session, rows, dimension);
  }

  async score(queries: Float32Array): Promise<Float32Array> {
    const q = queryCount(queries, this.dimension);
    const outputs = await this.session.run({
      [SCORING_IO.query]: new this.ort.Tensor("float32", queries, [q, this.dimension]),
      [SCORING_IO.rows]: this.noRows,
    });
    return float32Output(outputs, SCORING_IO.scores);
  }

  /** Rows `indices` of the matrix (dequantized for int8), row-major [indices.length, dimension]. */
  async readRows(indices: readonly number[]): Promise<Float32Array> {
    for (const r of indices)
      if (!Number.isInteger(r) || r < 0 || r >= this.rows)
        throw new RangeError(`row ${r} is outside the matrix's ${this.rows} rows`);
    if (indices.length === 0) return new Float32Array(0);
    const outputs = await this.session.run({
      [SCORING_IO.query]: this.noQueries,
      [SCORING_IO.rows]: new this.ort.Tensor("int64", BigInt64Array.from(indices, BigInt), [indices.length]),
    });
    return float32Output(outputs, SCORING_IO.vectors);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * The matrix is passed with every run: onnxruntime-node reads a Float32Array input in place, so there is no
 * copy and nothing to build (the session is a few hundred bytes, fast to create for a one-shot search), and
 * no 2 GB protobuf limit. Not for onnxruntime-web (it would copy the matrix into WASM memory on each run).
 */
export class FedScorer implements FlatScorer {
  private readonly matrixTensor: OrtTensor;

  private constructor(
    private readonly ort: OrtNamespace,
    private readonly session: OrtSession,
    matrix: Float32Array,
    readonly rows: number,
    readonly dimension: number,
  ) {
    this.matrixTensor = new ort.Tensor("float32", matrix, [rows, dimension]);
  }

  /** `matrix` is row-major [rows, dimension] float32; it is read, never copied, and must not change. */
  static async create(
    ort: OrtNamespace,
    matrix: Float32Array,
    dimension: number,
    options: ScorerSessionOptions = {},
  ): Promise<FedScorer> {
    const rows = queryCount(matrix, dimension);
    const session = await ort.InferenceSession.create(buildFedScoringGraph(dimension), options);
    return new FedScorer(ort, session, matrix, rows, dimension);
  }

  async score(queries: Float32Array): Promise<Float32Array> {
    const q = queryCount(queries, this.dimension);
    const outputs = await this.session.run({
      [SCORING_IO.query]: new this.ort.Tensor("float32", queries, [q, this.dimension]),
      [SCORING_IO.matrix]: this.matrixTensor,
    });
    return float32Output(outputs, SCORING_IO.scores);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

// The scoring graphs decoded by onnx-proto and run in onnxruntime-node and onnxruntime-web (WASM, as in the
// Worker) against the JS loop: float32 within 1e-5, int8 with the same top-10 on seeded data with clear margins.
import { describe, expect, it } from "vitest";
import { nodeOrt } from "../../indexer/embed/onnx-runtime.ts";
import { onnx } from "../../indexer/onnx/proto.ts";
import { webOrt } from "../../test/ort-web-session.ts";
import type { OrtNamespace } from "../model/ort-types.ts";
import { createPrng } from "../prng.ts";
import { l2NormalizeInPlace, topK } from "../vectors.ts";
import { EmbeddedScorer, FedScorer, JsScorer } from "./flat-scorer.ts";
import { quantizeRows } from "./quantize.ts";
import { buildEmbeddedScoringGraph, buildFedScoringGraph, SCORING_IO } from "./scoring-graph.ts";

const D = 64;
const ROWS = 3000;
const QUERIES = 4;

function randomUnit(next: () => number, d: number): Float32Array {
  return l2NormalizeInPlace(Float32Array.from({ length: d }, () => next() * 2 - 1));
}

/**
 * Random unit rows, plus, for each query, 10 rows planted at cosines 0.95, 0.90, ..., 0.50 (random rows
 * stay below ~0.5 at d = 64), so the exact top-10 is known and separated by margins far above int8 error.
 */
function fixture() {
  const prng = createPrng(11);
  const next = () => prng.next();
  const matrix = new Float32Array(ROWS * D);
  for (let r = 0; r < ROWS; r++) matrix.set(randomUnit(next, D), r * D);
  const queries = new Float32Array(QUERIES * D);
  const expectedTop: number[][] = [];
  for (let q = 0; q < QUERIES; q++) {
    const query = randomUnit(next, D);
    queries.set(query, q * D);
    const planted: number[] = [];
    for (let j = 0; j < 10; j++) {
      const r = 100 * q + 7 * j + 1;
      const cos = 0.95 - 0.04 * j;
      // Noise orthogonal to the query, mixed in so that the cosine is exactly `cos`.
      const noise = randomUnit(next, D);
      const along = noise.reduce((s, x, i) => s + x * query[i], 0);
      for (let i = 0; i < D; i++) noise[i] -= along * query[i];
      l2NormalizeInPlace(noise);
      const sin = Math.sqrt(1 - cos * cos);
      for (let i = 0; i < D; i++) matrix[r * D + i] = cos * query[i] + sin * noise[i];
      planted.push(r);
    }
    expectedTop.push(planted);
  }
  return { matrix, queries, expectedTop };
}

const { matrix, queries, expectedTop } = fixture();
const int8 = quantizeRows(ROWS, D, (i) => matrix[i]);
const reference = await new JsScorer(matrix, D).score(queries);

function maxError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function topsOf(scores: Float32Array): number[][] {
  return Array.from({ length: QUERIES }, (_, q) => topK(scores.subarray(q * ROWS, (q + 1) * ROWS), 10));
}

describe("scoring graphs as ONNX", () => {
  it("decodes with onnx-proto: int8 embedded graph", () => {
    const model = onnx.ModelProto.decode(buildEmbeddedScoringGraph({ dtype: "int8", ...int8 }));
    const graph = model.graph!;
    expect(model.opsetImport?.map((o) => [o.domain, Number(o.version)])).toEqual([["", 13]]);
    expect(graph.input?.map((v) => v.name)).toEqual([SCORING_IO.query, SCORING_IO.rows]);
    expect(graph.output?.map((v) => v.name)).toEqual([SCORING_IO.scores, SCORING_IO.vectors]);
    const queryShape = graph.input?.[0].type?.tensorType?.shape?.dim?.map(
      (d) => d.dimParam || Number(d.dimValue),
    );
    expect(queryShape).toEqual(["queries", D]);
    expect(graph.node?.map((n) => n.opType).slice(0, 5)).toEqual([
      "DynamicQuantizeLinear",
      "MatMulInteger",
      "Cast",
      "Mul",
      "Mul",
    ]);
    const stored = graph.initializer?.find((t) => t.name === "matrix_t");
    expect(stored?.dims?.map(Number)).toEqual([D, ROWS]);
    expect(stored?.dataType).toBe(3);
    // Transposed: element [c, r] of the initializer is element [r, c] of the matrix.
    const raw = new Int8Array(stored!.rawData!.buffer, stored!.rawData!.byteOffset, D * ROWS);
    expect(raw[5 * ROWS + 17]).toBe(int8.data[17 * D + 5]);
  });

  it("decodes with onnx-proto: fed graph", () => {
    const graph = onnx.ModelProto.decode(buildFedScoringGraph(D)).graph!;
    expect(graph.node?.map((n) => [n.opType, n.attribute?.map((a) => [a.name, Number(a.i)])])).toEqual([
      ["Gemm", [["transB", 1]]],
    ]);
    expect(graph.initializer).toEqual([]);
  });

  it("refuses a matrix whose data does not match its shape", () => {
    expect(() =>
      buildEmbeddedScoringGraph({ dtype: "float32", rows: 2, dimension: D, data: new Float32Array(D) }),
    ).toThrow(RangeError);
    expect(() =>
      buildEmbeddedScoringGraph({ ...int8, dtype: "int8", scales: new Float32Array(ROWS - 1) }),
    ).toThrow(/scales/);
  });
});

describe.each([
  ["onnxruntime-node", nodeOrt],
  ["onnxruntime-web", webOrt],
] as [string, OrtNamespace][])("scorers in %s", (_, ort) => {
  it("embedded float32 equals the JS loop within 1e-5 and reads rows back exactly", async () => {
    const scorer = await EmbeddedScorer.create(ort, {
      dtype: "float32",
      rows: ROWS,
      dimension: D,
      data: matrix,
    });
    try {
      expect(maxError(await scorer.score(queries), reference)).toBeLessThan(1e-5);
      expect(
        maxError(await scorer.score(queries.subarray(D, 2 * D)), reference.subarray(ROWS, 2 * ROWS)),
      ).toBeLessThan(1e-5);
      const rows = await scorer.readRows([ROWS - 1, 0, 42]);
      expect(rows).toEqual(
        Float32Array.from([
          ...matrix.subarray((ROWS - 1) * D),
          ...matrix.subarray(0, D),
          ...matrix.subarray(42 * D, 43 * D),
        ]),
      );
      expect(await scorer.readRows([])).toHaveLength(0);
      await expect(scorer.readRows([ROWS])).rejects.toThrow(RangeError);
    } finally {
      await scorer.release();
    }
  });

  it("embedded int8 keeps the exact top-10 and stays within 1e-2 of every exact score", async () => {
    const scorer = await EmbeddedScorer.create(ort, { dtype: "int8", ...int8 });
    try {
      const scores = await scorer.score(queries);
      expect(topsOf(scores)).toEqual(expectedTop);
      expect(topsOf(reference)).toEqual(expectedTop);
      const error = maxError(scores, reference);
      expect(error).toBeLessThan(1e-2);
      expect(error).toBeGreaterThan(0);
      // Rows come back dequantized: within half a quantization step of the originals.
      const row = await scorer.readRows([7]);
      for (let i = 0; i < D; i++)
        expect(Math.abs(row[i] - matrix[7 * D + i])).toBeLessThanOrEqual(int8.scales[7] / 2 + 1e-7);
    } finally {
      await scorer.release();
    }
  });

  it("rejects queries that are not whole rows", async () => {
    const scorer = await EmbeddedScorer.create(ort, { dtype: "int8", ...int8 });
    try {
      await expect(scorer.score(new Float32Array(D + 1))).rejects.toThrow(RangeError);
      await expect(scorer.score(new Float32Array(0))).rejects.toThrow(RangeError);
    } finally {
      await scorer.release();
    }
  });
});

describe("fed scorer in onnxruntime-node", () => {
  it("equals the JS loop within 1e-5 without copying the matrix", async () => {
    const scorer = await FedScorer.create(nodeOrt, matrix, D);
    try {
      expect(scorer.rows).toBe(ROWS);
      expect(maxError(await scorer.score(queries), reference)).toBeLessThan(1e-5);
      expect(topsOf(await scorer.score(queries))).toEqual(expectedTop);
    } finally {
      await scorer.release();
    }
  });
});

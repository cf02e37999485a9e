// Graph builder + writer + reader: external data layout, round trip, and that ONNX Runtime runs the result.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../shared/errors.ts";
import { encodeModel } from "../../shared/onnx/encode-model.ts";
import { createNodeSession, nodeOrt } from "../embed/onnx-runtime.ts";
import { float, GraphBuilder } from "./graph-builder.ts";
import { readOnnxModel } from "./read-model.ts";
import { writeModelProto, writeOnnxModel } from "./write-model.ts";

const dir = mkdtempSync(join(tmpdir(), "onnx-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** y = LayerNorm(x @ W + b) * 2 with W [4, 300] (external) and b [300] (external) and a tiny inline scale. */
function buildGraph() {
  const g = new GraphBuilder("test");
  const x = g.input("x", "float32", ["batch", 4]);
  const w = Float32Array.from({ length: 4 * 300 }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: 300 }, (_, i) => Math.cos(i));
  const weight = g.initializer("w", "float32", [4, 300], w);
  const bias = g.initializer("b", "float32", [300], b);
  const scale = g.initializer("scale", "float32", [1], Float32Array.of(2));
  const hidden = g.op("Add", [g.op("MatMul", [x, weight]), bias]);
  const y = g.op("Mul", [g.op("Softmax", [hidden], { axis: -1 }), scale]);
  g.output("y", "float32", ["batch", 300], g.op("LeakyRelu", [y], { alpha: float(0.5) }));
  return { g, w, b };
}

function expected(x: number[], w: Float32Array, b: Float32Array): number[] {
  const h = Array.from({ length: 300 }, (_, o) => x.reduce((s, xi, i) => s + xi * w[i * 300 + o], b[o]));
  const max = Math.max(...h);
  const e = h.map((v) => Math.exp(v - max));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => (2 * v) / total);
}

describe("writeOnnxModel", () => {
  it("puts large initializers in <model>_data, small ones inline, and ONNX Runtime computes the graph", async () => {
    const { g, w, b } = buildGraph();
    expect(g.parameterCount()).toBe(4 * 300 + 300 + 1);
    const written = writeOnnxModel(join(dir, "m.onnx"), g, { metadata: { model_id: "t" } });
    expect(written.dataPath).toBe(join(dir, "m.onnx_data"));
    expect(statSync(written.dataPath!).size).toBe(written.dataBytes);
    // W (4800 B) then b (1200 B), both external and contiguous (below the page-alignment size).
    expect(written.dataBytes).toBe(4800 + 1200);

    const loaded = readOnnxModel(join(dir, "m.onnx"));
    expect(loaded.initializers.map((t) => [t.name, t.dims])).toEqual([
      ["w", [4, 300]],
      ["b", [300]],
      ["scale", [1]],
    ]);
    expect(new Float32Array(loaded.initializers[0].bytes.slice().buffer)).toEqual(w);
    expect(loaded.model.graph?.initializer?.[2].dataLocation ?? 0).toBe(0);
    expect(Number(loaded.model.opsetImport?.[0].version)).toBe(17);
    expect(loaded.model.metadataProps?.[0]).toMatchObject({ key: "model_id", value: "t" });

    const session = await createNodeSession(join(dir, "m.onnx"), { threads: 1 });
    const x = [0.5, -1, 2, 0.25, 1, 1, 1, 1];
    const out = await session.run({ x: new nodeOrt.Tensor("float32", Float32Array.from(x), [2, 4]) });
    expect(out.y.dims).toEqual([2, 300]);
    const y = out.y.data as Float32Array;
    const want = [...expected(x.slice(0, 4), w, b), ...expected(x.slice(4), w, b)];
    for (let i = 0; i < want.length; i++) expect(y[i]).toBeCloseTo(want[i], 6);
    await session.release();
  });

  it("keeps everything inline when externalDataName is null", async () => {
    const { g } = buildGraph();
    const written = writeOnnxModel(join(dir, "inline.onnx"), g, { externalDataName: null });
    expect(written.dataPath).toBeNull();
    const inline = readOnnxModel(join(dir, "inline.onnx")).initializers[1].bytes;
    expect(new Float32Array(inline.slice().buffer)).toEqual(buildGraph().b);
    const session = await createNodeSession(join(dir, "inline.onnx"), { threads: 1 });
    expect(session.outputNames).toEqual(["y"]);
    await session.release();
  });

  it("page-aligns initializers of 64 KiB or more", () => {
    const g = new GraphBuilder("aligned");
    const x = g.input("x", "float32", [1, 8]);
    const small = g.initializer("small", "float32", [8], new Float32Array(8).fill(1));
    const big = g.initializer("big", "float32", [8, 4096], new Float32Array(8 * 4096).fill(3));
    g.output("y", "float32", [1, 4096], g.op("MatMul", [g.op("Add", [x, small]), big]));
    writeOnnxModel(join(dir, "aligned.onnx"), g, { externalThresholdBytes: 16 });
    const entries = readOnnxModel(join(dir, "aligned.onnx")).model.graph!.initializer![1].externalData!;
    expect(entries.find((e) => e.key === "offset")?.value).toBe("4096");
    const data = readFileSync(join(dir, "aligned.onnx_data"));
    expect(new Float32Array(data.buffer, data.byteOffset + 4096, 4)).toEqual(new Float32Array(4).fill(3));
  });

  it("writeModelProto rewrites an existing model keeping its opsets and domains, 64-byte aligned", () => {
    writeOnnxModel(join(dir, "source.onnx"), buildGraph().g);
    const source = readOnnxModel(join(dir, "source.onnx"));
    const opsetImport = [
      { domain: "", version: 17 },
      { domain: "com.microsoft", version: 1 },
    ];
    // An odd-sized tensor first: the next one must still start on a 64-byte boundary.
    const odd = { name: "odd", dtype: "uint8" as const, dims: [1030], bytes: new Uint8Array(1030).fill(7) };
    const written = writeModelProto(join(dir, "rewritten.onnx"), { ...source.model, opsetImport }, [
      odd,
      ...source.initializers,
    ]);
    const loaded = readOnnxModel(join(dir, "rewritten.onnx"));
    expect(loaded.model.opsetImport?.map((o) => [o.domain, Number(o.version)])).toEqual([
      ["", 17],
      ["com.microsoft", 1],
    ]);
    const offsets = loaded.model.graph!.initializer!.map(
      (t) => t.externalData?.find((e) => e.key === "offset")?.value,
    );
    expect(offsets).toEqual(["0", "1088", "5888", undefined]);
    expect(written.dataBytes).toBe(5888 + 1200);
    expect(loaded.initializers[0].bytes).toEqual(odd.bytes);
    expect(new Float32Array(loaded.initializers[1].bytes.slice().buffer)).toEqual(buildGraph().w);
  });

  it("rejects a duplicate value name and a tensor whose data does not fit its shape", () => {
    const g = new GraphBuilder("bad");
    g.input("x", "float32", [1]);
    expect(() => g.input("x", "float32", [1])).toThrow(/duplicate/);
    expect(() => g.initializer("w", "float32", [2, 2], new Float32Array(3))).toThrow(/do not fit/);
  });

  it("readOnnxModel says which file is missing or unreadable", () => {
    writeOnnxModel(join(dir, "lost.onnx"), buildGraph().g);
    rmSync(join(dir, "lost.onnx_data"));
    expect(() => readOnnxModel(join(dir, "lost.onnx"))).toThrow(/lost\.onnx_data/);
    expect(() => readOnnxModel(join(dir, "nothing.onnx"))).toThrow(/not a readable ONNX model/);
  });

  it("readOnnxModel rejects a tensor type it cannot read with an InputError", () => {
    const double = { name: "d", dataType: 11, dims: [1], rawData: new Uint8Array(8) };
    const bytes = encodeModel({ irVersion: 8, graph: { name: "g", initializer: [double] } });
    writeFileSync(join(dir, "double.onnx"), bytes);
    expect(() => readOnnxModel(join(dir, "double.onnx"))).toThrow(InputError);
    expect(() => readOnnxModel(join(dir, "double.onnx"))).toThrow(
      /double\.onnx: initializer d has ONNX data type 11/,
    );
  });
});

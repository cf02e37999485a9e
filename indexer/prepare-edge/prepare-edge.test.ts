// The graph transform on a tiny random CLIP text tower: table extraction, documented inputs, int8 MatMuls, files.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { float16BitsToFloat32 } from "../../shared/float16.ts";
import { parseEdgeManifest } from "../../shared/model/edge-manifest.ts";
import { TokenEmbeddingTable } from "../../shared/model/token-table.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { type LoadedOnnxModel, readOnnxModel } from "../onnx/read-model.ts";
import { writeModelProto } from "../onnx/write-model.ts";
import { encodeEmbeddingTable } from "./embedding-table.ts";
import { extractTokenEmbedding, INPUTS_EMBEDS } from "./extract-token-embedding.ts";
import { prepareEdgeModel } from "./prepare-edge-model.ts";
import { quantizeMatMuls, quantizePerColumn } from "./quantize-matmul.ts";
import { readFloat32 } from "./tensors.ts";

const TOKEN_TABLE = "text_model.embeddings.token_embedding.weight";

/** `generate random --arch tiny` (generated 2048-token vocabulary), cached under models/.cache. */
const VOCAB = 2048;

describe("prepare-edge transform (tiny random text tower)", () => {
  let modelDir: string;
  let outRoot: string;
  const load = (): LoadedOnnxModel => readOnnxModel(join(modelDir, "onnx", "text_model.onnx"));
  const original = (): Float32Array => readFloat32(load().initializers.find((t) => t.name === TOKEN_TABLE)!);

  beforeAll(() => {
    modelDir = fixtureModel({ kind: "random", arch: "tiny", seed: 0 });
    outRoot = mkdtempSync(join(tmpdir(), "prepare-edge-"));
  });
  afterAll(() => {
    if (outRoot) rmSync(outRoot, { recursive: true, force: true });
  });

  it("moves the token table out and feeds inputs_embeds to its readers", () => {
    const loaded = load();
    const table = original();
    const extracted = extractTokenEmbedding(loaded);
    expect([extracted.rows, extracted.width]).toEqual([VOCAB, 64]);
    // Byte comparison: a deep equal over 3M elements takes minutes.
    expect(Buffer.compare(Buffer.from(extracted.table.buffer), Buffer.from(table.buffer))).toBe(0);
    expect(extracted.idsStillUsed).toBe(true);
    const graph = loaded.model.graph!;
    // As in Hugging Face's export: input_ids only, read through a Reshape before the lookup.
    expect(extracted.path).toEqual(["Reshape"]);
    expect(graph.input!.map((v) => v.name)).toEqual(["input_ids", INPUTS_EMBEDS]);
    const embeds = graph.input!.find((v) => v.name === INPUTS_EMBEDS)!.type!.tensorType!;
    expect(embeds.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      "batch_size",
      "sequence_length",
      64,
    ]);
    expect(loaded.initializers.some((t) => t.name === TOKEN_TABLE)).toBe(false);
    expect(graph.node!.some((n) => n.input!.includes(TOKEN_TABLE))).toBe(false);
    // inputs_embeds takes the Gather's output shape (the reshaped ids' shape + width); the positional
    // embedding stays inside, added to it.
    const restore = graph.node!.find((n) => n.input!.includes(INPUTS_EMBEDS))!;
    expect(restore.opType).toBe("Reshape");
    const add = graph.node!.find((n) => n.input!.includes(restore.output![0]))!;
    expect(add.opType).toBe("Add");
    expect(
      loaded.initializers.some((t) => t.name === "text_model.embeddings.position_embedding.weight"),
    ).toBe(true);
  });

  it("refuses a graph without a token-embedding Gather", () => {
    const loaded = load();
    extractTokenEmbedding(loaded);
    expect(() => extractTokenEmbedding(loaded)).toThrow(/no token-embedding Gather/);
  });

  it("float16 table is exact within float16 precision; int8 within half a row step", () => {
    const table = original();
    const rows = VOCAB;
    const width = 64;
    const half = encodeEmbeddingTable(table, rows, width, "float16");
    const bits = new Uint16Array(half.bytes.buffer);
    let worst = 0; // largest error beyond float16 rounding (half an ulp, relative 2^-11; subnormal step 2^-25)
    for (let i = 0; i < table.length; i++) {
      const excess =
        Math.abs(float16BitsToFloat32(bits[i]) - table[i]) - (Math.abs(table[i]) * 2 ** -11 + 2 ** -25);
      worst = Math.max(worst, excess);
    }
    expect(worst).toBeLessThanOrEqual(0);
    const int8 = encodeEmbeddingTable(table, rows, width, "int8");
    const ids = [0, 1, 320, VOCAB - 2, VOCAB - 1];
    for (const encoded of [half, int8]) {
      const lookup = new TokenEmbeddingTable(encoded.descriptor, encoded.bytes);
      const gathered = lookup.gather(ids);
      ids.forEach((id, p) => {
        const row = table.subarray(id * width, (id + 1) * width);
        const step = Math.max(...row.map(Math.abs)) / 127;
        const bound = encoded === half ? Math.max(...row.map(Math.abs)) * 2 ** -11 : step / 2 + 1e-9;
        for (let i = 0; i < width; i++)
          expect(Math.abs(gathered[p * width + i] - row[i])).toBeLessThanOrEqual(bound);
      });
    }
  });

  it("per-column int8 quantization keeps each weight within half a column step", () => {
    const k = 5;
    const n = 3;
    const weights = Float32Array.from({ length: k * n }, (_, i) => Math.sin(i * 1.7) * (1 + (i % n)));
    weights[n + 2] = 0;
    const { quantized, scale } = quantizePerColumn(weights, k, n);
    for (let r = 0; r < k; r++)
      for (let c = 0; c < n; c++) {
        expect(Math.abs(quantized[r * n + c] * scale[c] - weights[r * n + c])).toBeLessThanOrEqual(
          scale[c] / 2 + 1e-7,
        );
        expect(Math.abs(quantized[r * n + c])).toBeLessThanOrEqual(127);
      }
    expect(quantizePerColumn(new Float32Array(4), 2, 2).scale).toEqual(Float32Array.of(1, 1));
  });

  it("rewrites every constant-weight MatMul to int8 (integer and contrib forms)", () => {
    for (const form of ["integer", "dqmm"] as const) {
      const loaded = load();
      const constantMatMuls = (model: LoadedOnnxModel) => {
        const floats = new Set(model.initializers.filter((t) => t.dtype === "float32").map((t) => t.name));
        return model.model.graph!.node!.filter((n) => n.opType === "MatMul" && floats.has(n.input![1]))
          .length;
      };
      expect(constantMatMuls(loaded)).toBe(13); // 2 layers x (q, k, v, out, fc1, fc2) + text projection
      const summary = quantizeMatMuls(loaded, form);
      expect(summary.matmuls).toBe(13);
      expect(summary.bytesAfter).toBeLessThan(summary.bytesBefore / 3.5);
      expect(constantMatMuls(loaded)).toBe(0);
      const ops = loaded.model.graph!.node!.map((n) => n.opType);
      if (form === "integer") {
        expect(ops.filter((op) => op === "MatMulInteger")).toHaveLength(13);
        // q, k and v read the same LayerNorm output: one activation quantization for the three.
        expect(ops.filter((op) => op === "DynamicQuantizeLinear")).toHaveLength(2 * 4 + 1);
      } else {
        expect(ops.filter((op) => op === "DynamicQuantizeMatMul")).toHaveLength(13);
        expect(loaded.model.opsetImport!.some((o) => o.domain === "com.microsoft")).toBe(true);
      }
      expect(loaded.initializers.filter((t) => t.dtype === "int8")).toHaveLength(13);
    }
  });

  it("writes the documented directory with the source model's id and dimension", async () => {
    const outDir = join(outRoot, "edge");
    const result = await prepareEdgeModel({ modelDir, outDir, table: "int8" });
    for (const name of Object.keys(result.files)) expect(existsSync(join(outDir, name))).toBe(true);
    const manifest = parseEdgeManifest(JSON.parse(readFileSync(join(outDir, "edge.json"), "utf8")));
    expect(manifest).toEqual(result.manifest);
    expect(manifest.model).toEqual({ id: "random-clip-tiny-seed0-genvocab", dimension: 32 });
    expect(manifest.graph.inputs).toEqual({
      embeds: "inputs_embeds",
      ids: { name: "input_ids", dtype: "int64" },
      mask: null,
    });
    expect(manifest.table).toMatchObject({ dtype: "int8", rows: VOCAB, width: 64, scaleOffset: VOCAB * 64 });
    expect(result.files["token_embeddings.bin"]).toBe(VOCAB * 64 + VOCAB * 4);
    // No token table left in the graph, weights int8: the graph's data is far smaller than the source.
    expect(result.files["text_model.onnx_data"]).toBeLessThan(result.sourceBytes / 5);
    await expect(prepareEdgeModel({ modelDir, outDir: modelDir, table: "int8" })).rejects.toThrow(
      /--out must differ/,
    );
  });

  it("stores the graph as ONNX Runtime optimizes it, with the same outputs and the last block cut to one row", async () => {
    const optimized = await prepareEdgeModel({ modelDir, outDir: join(outRoot, "edge-opt"), table: "int8" });
    const plain = await prepareEdgeModel({
      modelDir,
      outDir: join(outRoot, "edge-plain"),
      table: "int8",
      optimizedGraph: false,
      lastToken: false,
    });
    expect(optimized.lastToken.applied).toBe(true);
    const ops = (dir: string) =>
      readOnnxModel(join(outRoot, dir, "text_model.onnx")).model.graph!.node!.map((n) => n.opType);
    // Fused by ONNX Runtime at prepare time (the session in the Worker finds nothing left to fuse).
    expect(ops("edge-opt")).toContain("LayerNormalization");
    expect(ops("edge-opt")).toContain("DynamicQuantizeMatMul");
    expect(ops("edge-plain")).not.toContain("LayerNormalization");
    expect(ops("edge-opt").length).toBeLessThan(ops("edge-plain").length / 2);
    // Both verified against the source by prepare-edge (onnxruntime-web); same quality either way.
    expect(optimized.verification.minCosine).toBeGreaterThan(plain.verification.minCosine - 1e-4);
  });

  it("reads a source model with its weights inside the .onnx file the same way", async () => {
    const inlineDir = join(outRoot, "inline-model");
    mkdirSync(join(inlineDir, "onnx"), { recursive: true });
    for (const name of ["config.json", "vocab.json", "merges.txt"])
      copyFileSync(join(modelDir, name), join(inlineDir, name));
    const loaded = load();
    const written = writeModelProto(
      join(inlineDir, "onnx", "text_model.onnx"),
      loaded.model,
      loaded.initializers,
      {
        externalDataName: null,
      },
    );
    expect(written.dataPath).toBeNull();
    expect(existsSync(join(inlineDir, "onnx", "text_model.onnx_data"))).toBe(false);
    const fromInline = await prepareEdgeModel({
      modelDir: inlineDir,
      outDir: join(outRoot, "edge-inline"),
      table: "int8",
    });
    // The inline copy holds no vision tower: the text side is what is compared.
    const fromExternal = await prepareEdgeModel({
      modelDir,
      outDir: join(outRoot, "edge-external"),
      table: "int8",
      vision: "none",
    });
    expect(fromInline.manifest).toEqual(fromExternal.manifest);
    const table = (dir: string) => readFileSync(join(dir, "token_embeddings.bin"));
    expect(Buffer.compare(table(join(outRoot, "edge-inline")), table(join(outRoot, "edge-external")))).toBe(
      0,
    );
    expect(fromInline.files["text_model.onnx_data"]).toBe(fromExternal.files["text_model.onnx_data"]);
  });
});

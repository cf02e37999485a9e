// The whole CLI path on model directories made by Hugging Face's own code (../shared/models: Transformers.js
// layout with fp32 + fp16 towers, optimum's single model.onnx): ids, text and image embeddings against
// PyTorch's, indexing ../shared/videos, prepare-edge and `embed text --edge`, deploy --dry-run.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveModelDir } from "../indexer/embed/model-dir.ts";
import { onnx } from "../indexer/onnx/proto.ts";
import { writeQuantizedTower } from "../indexer/prepare-edge/quantize-tower.ts";
import { npyToFloat32, parseNpy } from "../shared/npy.ts";
import { encodeModel } from "../shared/onnx/encode-model.ts";
import { cosine } from "../shared/vectors.ts";
import { exportDir, maxAbsDiff, readClipReference } from "./hf-reference.ts";
import { runCli } from "./indexer-fixtures.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "./shared-data.ts";

/** fp32 runtimes reach 3e-7 on these files (models/README.md); 1e-5 is the bar. */
const FP32_TOLERANCE = 1e-5;
/** float16 weights: 8.8e-4 (text) and 1.4e-4 (image) measured upstream; 2e-3 leaves room for other kernels. */
const FP16_TOLERANCE = 2e-3;

const EXPORTS = ["hf-tiny-clip", "optimum-tiny-clip"] as const;

type EmbedLine = { text?: string; ids?: number[]; file?: string; embedding: number[] };

function jsonLines<T>(stdout: string): T[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as T);
}

describe.skipIf(!hasSharedData)("upstream-made CLIP exports (../shared/models)", () => {
  if (!hasSharedData) console.warn(`[skip] ${SHARED_DATA_SKIP_REASON}`);
  const reference = hasSharedData ? readClipReference() : { model_id: "", texts: [], images: [] };
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "hf-exports-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("resolves both layouts and each dtype they hold, and names the dtypes present when one is missing", () => {
    const hf = resolveModelDir(exportDir("hf-tiny-clip"));
    expect(hf.id).toBe("hf-tiny-random-clip");
    expect(hf.models.text).toMatchObject({ name: "onnx/text_model.onnx", dtype: "fp32", combined: false });
    const half = resolveModelDir(exportDir("hf-tiny-clip"), { dtype: "fp16" });
    expect(half.models.vision).toMatchObject({ name: "onnx/vision_model_fp16.onnx", combined: false });
    expect(() => resolveModelDir(exportDir("hf-tiny-clip"), { dtype: "q8" })).toThrow(
      /no text tower for --dtype q8 .*this directory has the text tower as --dtype fp32, --dtype fp16/,
    );
    const optimum = resolveModelDir(exportDir("optimum-tiny-clip"));
    expect(optimum.models.text).toMatchObject({ name: "model.onnx", combined: true });
    expect(optimum.models.vision).toMatchObject({ name: "model.onnx", combined: true });
    expect(() => resolveModelDir(exportDir("optimum-tiny-clip"), { dtype: "fp16" })).toThrow(
      /--dtype fp16 .*found: model\.onnx\).*--dtype fp32/,
    );
  });

  it.each([
    ["hf-tiny-clip", "fp32", FP32_TOLERANCE],
    ["hf-tiny-clip", "fp16", FP16_TOLERANCE],
    ["optimum-tiny-clip", "fp32", FP32_TOLERANCE],
  ] as const)(
    "embed text (%s, %s): transformers' ids and PyTorch's text_embeds",
    async (name, dtype, tolerance) => {
      const texts = reference.texts.map((t) => t.text);
      const { code, stdout, stderr } = await runCli([
        "embed",
        "text",
        "--model",
        exportDir(name),
        "--dtype",
        dtype,
        ...texts,
      ]);
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(dtype === "fp16" ? "onnx/text_model_fp16.onnx (fp16)" : `(${dtype}`);
      const lines = jsonLines<EmbedLine>(stdout);
      expect(lines).toHaveLength(texts.length);
      let worst = 0;
      lines.forEach((line, i) => {
        expect(line.text).toBe(texts[i]);
        expect(line.ids, texts[i]).toEqual(reference.texts[i].ids);
        worst = Math.max(worst, maxAbsDiff(line.embedding, reference.texts[i].text_embeds));
      });
      console.log(
        `[hf-exports] ${name} ${dtype} text: max abs diff ${worst.toExponential(2)} over ${texts.length} texts`,
      );
      expect(worst).toBeLessThanOrEqual(tolerance);
    },
  );

  it.each([
    ["hf-tiny-clip", "fp32", FP32_TOLERANCE],
    ["hf-tiny-clip", "fp16", FP16_TOLERANCE],
    ["optimum-tiny-clip", "fp32", FP32_TOLERANCE],
  ] as const)(
    "embed image (%s, %s): .npy tensors and their PNG frames give PyTorch's image_embeds",
    async (name, dtype, tolerance) => {
      const files = reference.images.flatMap((image) => [image.npy, image.png]);
      const { code, stdout, stderr } = await runCli([
        "embed",
        "image",
        "--model",
        exportDir(name),
        "--dtype",
        dtype,
        ...files,
      ]);
      expect(code, stderr).toBe(0);
      const lines = jsonLines<EmbedLine>(stdout);
      let worst = 0;
      reference.images.forEach((image, i) => {
        for (const line of [lines[2 * i], lines[2 * i + 1]])
          worst = Math.max(worst, maxAbsDiff(line.embedding, image.image_embeds));
      });
      console.log(`[hf-exports] ${name} ${dtype} image: max abs diff ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(tolerance);
    },
  );

  it.each(EXPORTS)(
    "index ../shared/videos with %s: frame rows and embed video equal PyTorch's frames",
    async (name) => {
      const out = join(work, `index-${name}`);
      const frames = reference.images.map((image) => image.frame_index);
      const aggregates = [...frames.map((f) => `frame:${f}`), "mean"].flatMap((a) => ["--aggregate", a]);
      const { code, stderr } = await runCli([
        "index",
        sharedPath("videos"),
        "--model",
        exportDir(name),
        "--out",
        out,
        "--sample",
        "all",
        ...aggregates,
      ]);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(
        name === "optimum-tiny-clip"
          ? /vision model\.onnx \(fp32, vision tower/
          : /vision onnx\/vision_model\.onnx \(fp32\)/,
      );
      const videos = JSON.parse(readFileSync(join(out, "videos.json"), "utf8")) as { id: string }[];
      const rows = JSON.parse(readFileSync(join(out, "rows.json"), "utf8")) as {
        video: number[];
        aggregation: number[];
      };
      const vectors = npyToFloat32(parseNpy(readFileSync(join(out, "vectors.npy"))));
      const d = 32;
      const video = videos.findIndex((v) => v.id === "vid1");
      const row = (aggregation: number) =>
        vectors.subarray(
          rows.video.findIndex((v, r) => v === video && rows.aggregation[r] === aggregation) * d,
          (rows.video.findIndex((v, r) => v === video && rows.aggregation[r] === aggregation) + 1) * d,
        );
      reference.images.forEach((image, a) => {
        expect(maxAbsDiff(row(a), image.image_embeds)).toBeLessThanOrEqual(FP32_TOLERANCE);
      });

      const embedded = await runCli([
        "embed",
        "video",
        "--model",
        exportDir(name),
        sharedPath("videos", "vid1.mp4"),
        "--sample",
        "all",
        "--aggregate",
        "mean",
      ]);
      expect(embedded.code, embedded.stderr).toBe(0);
      const lines = jsonLines<{
        frame?: number;
        embedding?: number[];
        aggregate?: string;
        embeddings?: number[][];
      }>(embedded.stdout);
      expect(lines.filter((line) => line.frame !== undefined)).toHaveLength(56);
      for (const image of reference.images) {
        const frame = lines.find((line) => line.frame === image.frame_index);
        expect(maxAbsDiff(frame?.embedding ?? [], image.image_embeds)).toBeLessThanOrEqual(FP32_TOLERANCE);
      }
      const mean = lines.find((line) => line.aggregate === "mean")?.embeddings?.[0] ?? [];
      // The index stores float32 rows of the same computation: equal to float32 rounding.
      expect(maxAbsDiff(mean, row(frames.length))).toBeLessThanOrEqual(1e-6);
    },
  );

  it.each(EXPORTS)(
    "prepare-edge on %s is verified, and embed text --edge agrees with PyTorch",
    async (name) => {
      const edge = join(work, `edge-${name}`);
      const prepared = await runCli(["prepare-edge", "--model", exportDir(name), "--out", edge, "--json"]);
      expect(prepared.code, prepared.stderr).toBe(0);
      const report = JSON.parse(prepared.stdout);
      expect(report.idsPath).toEqual(["Reshape"]);
      expect(report.verification.passed).toBe(true);
      expect(report.manifest.model).toEqual({ id: "hf-tiny-random-clip", dimension: 32 });
      // The tower export has no attention_mask; optimum's CLIPModel graph has one.
      expect(report.manifest.graph.inputs.mask).toEqual(
        name === "optimum-tiny-clip" ? { name: "attention_mask", dtype: "int64" } : null,
      );
      const texts = reference.texts.map((t) => t.text);
      const { code, stdout, stderr } = await runCli(["embed", "text", "--edge", edge, ...texts]);
      expect(code, stderr).toBe(0);
      const cosines = jsonLines<EmbedLine>(stdout).map((line, i) => {
        expect(line.ids).toEqual(reference.texts[i].ids);
        return cosine(Float32Array.from(line.embedding), Float32Array.from(reference.texts[i].text_embeds));
      });
      const min = Math.min(...cosines);
      const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
      console.log(
        `[hf-exports] ${name} edge (int8, onnxruntime-web) vs PyTorch over ${cosines.length} texts: min cosine ${min.toFixed(5)}, mean ${mean.toFixed(5)}; prepare-edge's check: min ${report.verification.minCosine.toFixed(5)}`,
      );
      expect(min).toBeGreaterThanOrEqual(0.99);
    },
  );

  it("--dtype q8 runs *_quantized.onnx towers (int8 in ONNX Runtime's dynamic layout) close to PyTorch", async () => {
    const dir = join(work, "q8");
    mkdirSync(join(dir, "onnx"), { recursive: true });
    for (const file of ["config.json", "vocab.json", "merges.txt", "preprocessor_config.json"])
      copyFileSync(join(exportDir("hf-tiny-clip"), file), join(dir, file));
    for (const tower of ["text_model", "vision_model"])
      writeQuantizedTower(
        join(exportDir("hf-tiny-clip"), "onnx", `${tower}.onnx`),
        join(dir, "onnx", `${tower}_quantized.onnx`),
      );
    const texts = reference.texts.map((t) => t.text);
    const text = await runCli(["embed", "text", "--model", dir, "--dtype", "q8", ...texts]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toContain("onnx/text_model_quantized.onnx (q8)");
    const textCosines = jsonLines<EmbedLine>(text.stdout).map((line, i) =>
      cosine(Float32Array.from(line.embedding), Float32Array.from(reference.texts[i].text_embeds)),
    );
    const image = await runCli([
      "embed",
      "image",
      "--model",
      dir,
      "--dtype",
      "q8",
      ...reference.images.map((i) => i.npy),
    ]);
    expect(image.code, image.stderr).toBe(0);
    const imageCosines = jsonLines<EmbedLine>(image.stdout).map((line, i) =>
      cosine(Float32Array.from(line.embedding), Float32Array.from(reference.images[i].image_embeds)),
    );
    console.log(
      `[hf-exports] q8 towers vs PyTorch: text min cosine ${Math.min(...textCosines).toFixed(5)}, image min cosine ${Math.min(...imageCosines).toFixed(5)}`,
    );
    expect(Math.min(...textCosines, ...imageCosines)).toBeGreaterThanOrEqual(0.99);
  });

  it("prepare-edge refuses below its cosine floor and leaves --out as it was", async () => {
    const edge = join(work, "edge-floor");
    mkdirSync(edge);
    writeFileSync(join(edge, "edge.json"), "{}");
    const { code, stderr } = await runCli([
      "prepare-edge",
      "--model",
      exportDir("hf-tiny-clip"),
      "--out",
      edge,
      "--min-cosine",
      "0.9999999",
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /does not reproduce onnx\/text_model\.onnx \(fp32\): min cosine 0\.99\d+ .* is below 0\.9999999; nothing was written/,
    );
    expect(readdirSync(edge)).toEqual(["edge.json"]);
    expect(readFileSync(join(edge, "edge.json"), "utf8")).toBe("{}");
    expect(readdirSync(work).filter((entry) => entry.includes(".partial"))).toEqual([]);
  });

  it("prepare-edge names the node when the ids reach the token table through a computation", async () => {
    // The HF text graph with an Add(ids, 0) between its Reshape and the token Gather.
    const dir = join(work, "tampered");
    mkdirSync(join(dir, "onnx"), { recursive: true });
    for (const file of ["config.json", "vocab.json", "merges.txt", "preprocessor_config.json"])
      copyFileSync(join(exportDir("hf-tiny-clip"), file), join(dir, file));
    const model = onnx.ModelProto.decode(
      readFileSync(join(exportDir("hf-tiny-clip"), "onnx", "text_model.onnx")),
    );
    const nodes = model.graph!.node!;
    const gather = nodes.find((node) => node.name === "/text_model/embeddings/token_embedding/Gather")!;
    const zero = onnx.TensorProto.create({
      name: "zero_offset",
      dataType: 7,
      dims: [],
      rawData: new Uint8Array(8),
    });
    model.graph!.initializer!.push(zero);
    const shift = onnx.NodeProto.create({
      opType: "Add",
      name: "shift_ids",
      input: [gather.input![1], "zero_offset"],
      output: ["shifted_ids"],
    });
    nodes.splice(nodes.indexOf(gather), 0, shift);
    gather.input![1] = "shifted_ids";
    writeFileSync(join(dir, "onnx", "text_model.onnx"), encodeModel(model));
    const { code, stderr } = await runCli([
      "prepare-edge",
      "--model",
      dir,
      "--out",
      join(work, "edge-tampered"),
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/reads its ids through Add node "shift_ids"/);
  });

  it("deploy --dry-run plans the Transformers.js export with its index", async () => {
    const index = join(work, "index-hf-tiny-clip");
    const { code, stdout, stderr } = await runCli([
      "deploy",
      "--model",
      exportDir("hf-tiny-clip"),
      "--index",
      index,
      "--cache",
      join(work, "deploy-cache"),
      "--dry-run",
    ]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines.at(-1)).toBe("npx wrangler deploy");
    // One object per file, named by its content: `put BUCKET/model/blobs/<sha256> BYTES model edge.json`.
    expect(
      lines.filter((line) => /\/model\/blobs\/[0-9a-f]{64} \d+ model edge\.json$/.test(line)),
    ).toHaveLength(1);
    expect(
      lines.filter((line) => /\/index\/blobs\/[0-9a-f]{64} \d+ index vectors\.npy$/.test(line)),
    ).toHaveLength(1);
  });
});

// `generate random`: the directory it writes (files, parameter counts by CLIP's formula, determinism) and the CLI.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recordingContext } from "../../test/indexer-fixtures.ts";
import { main } from "../cli.ts";
import { countParameters } from "../onnx/graph-builder.ts";
import { initializerShapes, readOnnxModel, readOnnxProto } from "../onnx/read-model.ts";
import { RANDOM_ARCHS, writeRandomModel } from "./random-model.ts";

const root = mkdtempSync(join(tmpdir(), "generate-random-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** CLIP text tower parameters: embeddings, L pre-LN blocks (4 biased linears + MLP + 2 LN), final LN, projection. */
function textParameters(
  vocab: number,
  context: number,
  w: number,
  layers: number,
  mlp: number,
  proj: number,
) {
  const block = 2 * 2 * w + 4 * (w * w + w) + (w * mlp + mlp) + (mlp * w + w);
  return vocab * w + context * w + layers * block + 2 * w + w * proj;
}

/** CLIP vision tower: patch conv (no bias), class + positional embeddings, pre-LN, blocks, post-LN, projection. */
function visionParameters(
  patch: number,
  tokens: number,
  w: number,
  layers: number,
  mlp: number,
  proj: number,
) {
  const block = 2 * 2 * w + 4 * (w * w + w) + (w * mlp + mlp) + (mlp * w + w);
  return w * 3 * patch * patch + w + tokens * w + 2 * w + layers * block + 2 * w + w * proj;
}

describe("CLIP parameter formulas", () => {
  it("give OpenAI's ViT-B/32 counts (63,428,096 text, 87,849,216 vision)", () => {
    expect(textParameters(49408, 77, 512, 12, 2048, 512)).toBe(63_428_096);
    expect(visionParameters(32, 50, 768, 12, 3072, 512)).toBe(87_849_216);
  });
});

describe("writeRandomModel (tiny)", () => {
  const dir = join(root, "tiny");
  const summary = writeRandomModel({ arch: "tiny", outDir: dir, seed: 4 });

  it("writes the Hugging Face / Transformers.js layout", () => {
    expect(readdirSync(dir).sort()).toEqual([
      "config.json",
      "merges.txt",
      "onnx",
      "preprocessor_config.json",
      "special_tokens_map.json",
      "tokenizer.json",
      "tokenizer_config.json",
      "vocab.json",
    ]);
    expect(readdirSync(join(dir, "onnx")).sort()).toEqual([
      "text_model.onnx",
      "text_model.onnx_data",
      "vision_model.onnx",
      "vision_model.onnx_data",
    ]);
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    expect(config).toMatchObject({
      _name_or_path: "random-clip-tiny-seed4-genvocab",
      model_type: "clip",
      projection_dim: 32,
      text_config: { vocab_size: 2048, hidden_size: 64, num_hidden_layers: 2, max_position_embeddings: 77 },
      vision_config: { hidden_size: 64, patch_size: 32, image_size: 224 },
    });
  });

  it("has exactly CLIP's parameter count for its shapes (initializers = parameters)", () => {
    const { text, vision, projectionDim } = RANDOM_ARCHS.tiny;
    const expectedText = textParameters(2048, 77, text.width, text.layers, text.mlpWidth, projectionDim);
    const expectedVision = visionParameters(
      vision.patchSize,
      50,
      vision.width,
      vision.layers,
      vision.mlpWidth,
      projectionDim,
    );
    expect(summary.parameters).toEqual({ text: expectedText, vision: expectedVision });
    expect(countParameters(initializerShapes(readOnnxProto(join(dir, "onnx", "text_model.onnx"))))).toBe(
      expectedText,
    );
    expect(countParameters(initializerShapes(readOnnxProto(join(dir, "onnx", "vision_model.onnx"))))).toBe(
      expectedVision,
    );
  });

  it("writes the towers at opset 14 (IR 7) with the Hugging Face tower I/O", () => {
    const io = (file: string) => {
      const model = readOnnxProto(join(dir, "onnx", file));
      const names = (values: { name?: string | null }[]) => values.map((v) => v.name);
      return {
        opset: model.opsetImport!.map((o) => `${o.domain}:${o.version}`),
        ir: Number(model.irVersion),
        inputs: names(model.graph!.input!),
        outputs: names(model.graph!.output!),
        ops: new Set(model.graph!.node!.map((n) => n.opType)),
      };
    };
    const text = io("text_model.onnx");
    const vision = io("vision_model.onnx");
    expect(text).toMatchObject({ opset: [":14"], ir: 7, inputs: ["input_ids"], outputs: ["text_embeds"] });
    expect(vision).toMatchObject({
      opset: [":14"],
      ir: 7,
      inputs: ["pixel_values"],
      outputs: ["image_embeds"],
    });
    for (const { ops } of [text, vision]) {
      expect(ops.has("LayerNormalization")).toBe(false);
      expect(ops.has("Identity")).toBe(false);
    }
  });

  it("is deterministic per seed and differs across seeds", () => {
    const again = join(root, "tiny-again");
    const other = join(root, "tiny-other");
    writeRandomModel({ arch: "tiny", outDir: again, seed: 4 });
    writeRandomModel({ arch: "tiny", outDir: other, seed: 5 });
    const data = (d: string) => readFileSync(join(d, "onnx", "text_model.onnx_data"));
    expect(data(again).equals(data(dir))).toBe(true);
    expect(data(other).equals(data(dir))).toBe(false);
    expect(
      readFileSync(join(again, "tokenizer.json")).equals(readFileSync(join(dir, "tokenizer.json"))),
    ).toBe(true);
  });

  it("draws weights at CLIP's init scales (token embeddings std 0.02, LayerNorm 1/0)", () => {
    const { initializers } = readOnnxModel(join(dir, "onnx", "text_model.onnx"));
    const values = (name: string) => {
      const t = initializers.find((i) => i.name === name)!;
      return new Float32Array(t.bytes.slice().buffer);
    };
    const table = values("text_model.embeddings.token_embedding.weight");
    const mean = table.reduce((a, b) => a + b, 0) / table.length;
    const std = Math.sqrt(table.reduce((a, b) => a + (b - mean) ** 2, 0) / table.length);
    expect(Math.abs(mean)).toBeLessThan(1e-3);
    expect(std).toBeGreaterThan(0.0195);
    expect(std).toBeLessThan(0.0205);
    expect(values("text_model.final_layer_norm.weight").every((v) => v === 1)).toBe(true);
    expect(values("text_model.final_layer_norm.bias").every((v) => v === 0)).toBe(true);
  });
});

describe("npm run cli -- generate random", () => {
  it("writes a model and prints its summary as JSON on stdout", async () => {
    const io = recordingContext();
    const out = join(root, "cli");
    const status = await main(
      ["generate", "random", "--arch", "tiny", "--out", out, "--seed", "7"],
      io.context,
    );
    expect(status).toBe(0);
    expect(JSON.parse(io.stdout())).toMatchObject({
      id: "random-clip-tiny-seed7-genvocab",
      arch: "tiny",
      seed: 7,
    });
    expect(io.stderr()).toMatch(/wrote .*cli/);
    expect(existsSync(join(out, "onnx", "vision_model.onnx_data"))).toBe(true);
  });

  it.each([
    [["generate"], /generate needs a kind: random/],
    [["generate", "nope"], /generate needs a kind: .* \(got "nope"\)/],
    [["generate", "random", "--out", "x"], /missing required option --arch/],
    [["generate", "random", "--arch", "vit-l14", "--out", "x"], /--arch must be one of vit-b32, tiny/],
    [["generate", "random", "--arch", "tiny"], /missing required option --out/],
    [["generate", "random", "--arch", "tiny", "--out", "x", "--seed", "1.5"], /--seed must be an integer/],
  ])("%j fails with one line and status 2", async (argv, message) => {
    const io = recordingContext();
    expect(await main(argv, io.context)).toBe(2);
    expect(io.stderr()).toMatch(message);
    expect(io.stderr().trim().split("\n")).toHaveLength(1);
  });

  it("prints the kinds and their options for --help", async () => {
    const io = recordingContext();
    expect(await main(["generate", "random", "--help"], io.context)).toBe(0);
    expect(io.stdout()).toMatch(/generate random \[OPTIONS\] --arch=<vit-b32\|tiny> --out=<DIR>/);
  });
});

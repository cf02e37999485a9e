// Model directory resolution: both layouts (top level and onnx/), variants, id, and clear errors for
// missing files and for a wrong model file.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../shared/errors.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { resolveModelDir, visionModelStamp } from "./model-dir.ts";
import { loadImageEncoder, loadTextEncoder } from "./onnx-runtime.ts";

const root = mkdtempSync(join(tmpdir(), "model-dir-"));
const nested = join(root, "nested");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SIDE_FILES = ["config.json", "preprocessor_config.json", "vocab.json", "merges.txt"];

/** A directory with the side files of `nested` and nothing else. */
function sideFilesOnly(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const file of SIDE_FILES) copyFileSync(join(nested, file), join(dir, file));
  return dir;
}

function copyTower(from: string, fromName: string, to: string, toName: string): void {
  copyFileSync(join(from, `${fromName}.onnx`), join(to, `${toName}.onnx`));
  // The graph names its data file; keep that name beside the copy.
  copyFileSync(join(from, `${fromName}.onnx_data`), join(to, `${fromName}.onnx_data`));
}

beforeAll(() => {
  fixtureModel({ kind: "random", arch: "tiny", dir: nested, seed: 3 });
});

describe("resolveModelDir", () => {
  it("finds onnx/text_model.onnx and onnx/vision_model.onnx (Transformers.js layout)", () => {
    const model = resolveModelDir(nested);
    expect(model.models.text).toEqual({
      tower: "text",
      dtype: "fp32",
      path: join(nested, "onnx", "text_model.onnx"),
      name: "onnx/text_model.onnx",
      combined: false,
    });
    expect(model.models.vision?.path).toBe(join(nested, "onnx", "vision_model.onnx"));
    expect(model.id).toBe("random-clip-tiny-seed3-genvocab");
    expect(model.config).toMatchObject({
      projectionDim: 32,
      contextLength: 77,
      vocabSize: 2048,
      preprocess: { cropSize: 224 },
    });
    expect(model.vocabPath).toBe(join(nested, "vocab.json"));
  });

  it("stamps the vision tower with id, dimension, file, size and mtime", () => {
    const file = join(nested, "onnx", "vision_model.onnx");
    const info = statSync(file);
    expect(visionModelStamp(resolveModelDir(nested))).toEqual({
      id: "random-clip-tiny-seed3-genvocab",
      dimension: 32,
      file,
      sizeBytes: info.size,
      mtimeMs: info.mtimeMs,
    });
  });

  it("finds the towers at the top level (optimum-cli layout) and runs them with their external data", async () => {
    const flat = sideFilesOnly("flat");
    copyTower(join(nested, "onnx"), "text_model", flat, "text_model");
    copyTower(join(nested, "onnx"), "vision_model", flat, "vision_model");
    const model = resolveModelDir(flat);
    expect(model.models.text?.path).toBe(join(flat, "text_model.onnx"));
    const { encoder } = await loadTextEncoder(flat, { threads: 1 });
    const { vectors } = await encoder.encode(["a red square"]);
    expect(vectors[0]).toHaveLength(32);
    await encoder.release();
  });

  it("picks the *_quantized variant when asked, and lists what exists when it is missing", () => {
    const dir = sideFilesOnly("variants");
    mkdirSync(join(dir, "onnx"));
    copyTower(join(nested, "onnx"), "text_model", join(dir, "onnx"), "text_model");
    expect(() => resolveModelDir(dir, { towers: ["text"], dtype: "q8" })).toThrow(
      /no text tower for --dtype q8 .*looked for text_model_quantized\.onnx and model_quantized\.onnx .*found: onnx\/text_model\.onnx\); this directory has the text tower as --dtype fp32/,
    );
    copyFileSync(join(dir, "onnx", "text_model.onnx"), join(dir, "onnx", "text_model_quantized.onnx"));
    expect(resolveModelDir(dir, { towers: ["text"], dtype: "q8" }).models.text?.path).toBe(
      join(dir, "onnx", "text_model_quantized.onnx"),
    );
    // Only the towers asked for are required.
    expect(() => resolveModelDir(dir)).toThrow(/no vision tower for --dtype fp32/);
  });

  it("uses the directory name as id when config.json has no _name_or_path", () => {
    const dir = sideFilesOnly("my-clip");
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    delete config._name_or_path;
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    mkdirSync(join(dir, "onnx"));
    copyTower(join(nested, "onnx"), "text_model", join(dir, "onnx"), "text_model");
    expect(resolveModelDir(dir, { towers: ["text"] }).id).toBe("my-clip");
  });

  it.each([
    ["a missing directory", () => join(root, "absent"), /does not exist/],
    [
      "no config.json",
      () => join(root, "nested", "onnx"),
      /has no config\.json; a CLIP model directory holds/,
    ],
    [
      "no vocab.json",
      () => {
        const dir = sideFilesOnly("novocab");
        rmSync(join(dir, "vocab.json"));
        mkdirSync(join(dir, "onnx"));
        copyTower(join(nested, "onnx"), "text_model", join(dir, "onnx"), "text_model");
        return dir;
      },
      /has no vocab\.json/,
    ],
  ])("rejects %s with an InputError", (_name, makeDir, message) => {
    const dir = makeDir();
    expect(() => resolveModelDir(dir, { towers: ["text"] })).toThrow(InputError);
    expect(() => resolveModelDir(dir, { towers: ["text"] })).toThrow(message);
  });
});

describe("loading a wrong model file", () => {
  it("says so when vision_model.onnx is passed as the text model", async () => {
    const dir = sideFilesOnly("swapped");
    copyTower(join(nested, "onnx"), "vision_model", dir, "text_model");
    const load = loadTextEncoder(dir, { threads: 1 });
    await expect(load).rejects.toThrow(InputError);
    await expect(loadTextEncoder(dir, { threads: 1 })).rejects.toThrow(
      /expected a CLIP text model \(inputs input_ids, attention_mask\? -> output text_embeds\), found inputs \[pixel_values\] -> outputs \[image_embeds\]; this looks like the vision model/,
    );
  });

  it("says so when the text model is passed as the vision model", async () => {
    const dir = sideFilesOnly("swapped-vision");
    copyTower(join(nested, "onnx"), "text_model", dir, "vision_model");
    await expect(loadImageEncoder(dir, { threads: 1 })).rejects.toThrow(/this looks like the text model/);
  });

  it("rejects a model whose embedding size contradicts config.json", async () => {
    const dir = sideFilesOnly("wrong-dim");
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    config.projection_dim = 512;
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    copyTower(join(nested, "onnx"), "text_model", dir, "text_model");
    await expect(loadTextEncoder(dir, { threads: 1 })).rejects.toThrow(
      /text_embeds has dimension 32 but config\.json says projection_dim 512/,
    );
  });

  it("wraps an unreadable .onnx file in an InputError naming it", async () => {
    const dir = sideFilesOnly("garbage");
    writeFileSync(join(dir, "text_model.onnx"), "not a model");
    await expect(loadTextEncoder(dir, { threads: 1 })).rejects.toThrow(
      /ONNX Runtime could not load .*text_model\.onnx/,
    );
  });
});

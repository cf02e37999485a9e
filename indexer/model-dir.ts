// Finds and validates a CLIP model directory on disk (Hugging Face / Transformers.js ONNX layout):
// which .onnx file is each tower, where the tokenizer files are, and the parsed config.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { InputError } from "../shared/errors.ts";
import { type ClipModelConfig, parseClipConfig } from "../shared/model/clip-config.ts";

/** Which weights to load: Transformers.js file suffixes ("" / "_fp16" / "_quantized"). */
export type ModelVariant = "fp32" | "fp16" | "quantized";

export const MODEL_VARIANT_SUFFIX: Record<ModelVariant, string> = {
  fp32: "",
  fp16: "_fp16",
  quantized: "_quantized",
};

/** File names of the towers, as Transformers.js names them for CLIP. */
export const TOWER_FILE = { text: "text_model", vision: "vision_model" } as const;
export type Tower = keyof typeof TOWER_FILE;

/** Folders searched for the .onnx files, in order (top level, then Transformers.js's onnx/). */
const MODEL_SUBFOLDERS = ["", "onnx"];

export interface ModelDirectory {
  /** Absolute path of the directory. */
  dir: string;
  /** config.json `_name_or_path`, else the directory's name. */
  id: string;
  config: ClipModelConfig;
  /** Absolute path of each tower's .onnx file that was asked for. */
  models: Partial<Record<Tower, string>>;
  vocabPath: string;
  mergesPath: string;
}

export interface ResolveModelOptions {
  /** Towers that must be present (default both). */
  towers?: Tower[];
  variant?: ModelVariant;
}

const LAYOUT_HINT =
  "a CLIP model directory holds config.json, vocab.json, merges.txt, preprocessor_config.json and onnx/text_model.onnx + onnx/vision_model.onnx (the Hugging Face / Transformers.js export; `npm run cli -- kit random --arch tiny --out DIR` writes one)";

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError("bad_model_config", `${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The .onnx files under dir and dir/onnx, relative to dir (for error messages). */
function listOnnxFiles(dir: string): string[] {
  return MODEL_SUBFOLDERS.flatMap((sub) => {
    const folder = join(dir, sub);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
    return readdirSync(folder)
      .filter((name) => name.endsWith(".onnx"))
      .map((name) => (sub ? `${sub}/${name}` : name));
  });
}

/** Path of `tower`'s file for `variant`, or throws InputError listing what the directory holds. */
function findTowerFile(dir: string, tower: Tower, variant: ModelVariant = "fp32"): string {
  const name = `${TOWER_FILE[tower]}${MODEL_VARIANT_SUFFIX[variant]}.onnx`;
  for (const sub of MODEL_SUBFOLDERS) {
    const path = join(dir, sub, name);
    if (existsSync(path)) return path;
  }
  const found = listOnnxFiles(dir);
  throw new InputError(
    "model_not_found",
    `no ${name} in ${dir} or ${join(dir, "onnx")} (found: ${found.length ? found.join(", ") : "no .onnx files"}); ${LAYOUT_HINT}`,
  );
}

/** Validates `dir` and locates its files; throws InputError saying what is missing and what was expected. */
export function resolveModelDir(dir: string, options: ResolveModelOptions = {}): ModelDirectory {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new InputError("model_not_found", `model directory ${root} does not exist; ${LAYOUT_HINT}`);
  const need = (file: string): string => {
    const path = join(root, file);
    if (!existsSync(path)) throw new InputError("model_not_found", `${root} has no ${file}; ${LAYOUT_HINT}`);
    return path;
  };
  const configPath = need("config.json");
  const preprocessorPath = join(root, "preprocessor_config.json");
  const config = parseClipConfig(
    readJson(configPath),
    existsSync(preprocessorPath) ? readJson(preprocessorPath) : undefined,
  );
  const towers = options.towers ?? ["text", "vision"];
  const models: Partial<Record<Tower, string>> = {};
  for (const tower of towers) models[tower] = findTowerFile(root, tower, options.variant);
  return {
    dir: root,
    id: config.id ?? basename(root),
    config,
    models,
    vocabPath: need("vocab.json"),
    mergesPath: need("merges.txt"),
  };
}

/** Pins a model's vision tower on disk: cached or half-written frame vectors stay valid while it is equal. */
export interface VisionModelStamp {
  id: string;
  /** projection_dim. */
  dimension: number;
  /** Absolute path of the vision .onnx file. */
  file: string;
  sizeBytes: number;
  mtimeMs: number;
}

/** Stamps `model`'s vision tower (resolved with the vision tower asked for). */
export function visionModelStamp(model: ModelDirectory): VisionModelStamp {
  const file = model.models.vision as string;
  const info = statSync(file);
  return {
    id: model.id,
    dimension: model.config.projectionDim,
    file,
    sizeBytes: info.size,
    mtimeMs: info.mtimeMs,
  };
}

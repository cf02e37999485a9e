// Finds and validates a CLIP model directory on disk: the Transformers.js layout (text_model / vision_model
// towers at the top level or in onnx/) or optimum's single model.onnx (both towers in one CLIPModel graph),
// in the dtype asked for (Transformers.js file suffixes), plus the tokenizer files and the parsed config.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { type ClipModelConfig, parseClipConfig } from "../../shared/model/clip-config.ts";
import type { TowerStamp } from "./tower-stamp.ts";

/** Weight types, named and suffixed as Transformers.js v3 names its files (`dtype` option). */
export const MODEL_DTYPE_SUFFIX = {
  fp32: "",
  fp16: "_fp16",
  q8: "_quantized",
  int8: "_int8",
  uint8: "_uint8",
  q4: "_q4",
  q4f16: "_q4f16",
  bnb4: "_bnb4",
} as const;
export type ModelDtype = keyof typeof MODEL_DTYPE_SUFFIX;
export const MODEL_DTYPES = Object.keys(MODEL_DTYPE_SUFFIX) as ModelDtype[];
/** The dtype every command loads unless --dtype says otherwise (Transformers.js' default on Node). */
export const DEFAULT_MODEL_DTYPE: ModelDtype = "fp32";

/** File names of the towers, as Transformers.js names them for CLIP. */
export const TOWER_FILE = { text: "text_model", vision: "vision_model" } as const;
export type Tower = keyof typeof TOWER_FILE;
/** optimum-cli's file holding both towers (CLIPModel); cut to one tower when loaded. */
export const COMBINED_FILE = "model";
/** The output each tower's graph must compute (CLIPTextModelWithProjection / CLIPVisionModelWithProjection). */
export const TOWER_OUTPUT = { text: "text_embeds", vision: "image_embeds" } as const;

/** Folders searched for the .onnx files, in order (top level, then Transformers.js's onnx/). */
const MODEL_SUBFOLDERS = ["", "onnx"];

/** The .onnx file that provides one tower. */
export interface TowerFile {
  tower: Tower;
  dtype: ModelDtype;
  /** Absolute path of the .onnx file. */
  path: string;
  /** Path relative to the model directory, for messages ("onnx/text_model_fp16.onnx"). */
  name: string;
  /**
   * True for a combined CLIPModel graph (optimum's model.onnx): loading keeps only the nodes that compute
   * TOWER_OUTPUT[tower] (indexer/onnx/tower-graph.ts).
   */
  combined: boolean;
}

export interface ModelDirectory {
  /** Absolute path of the directory. */
  dir: string;
  /** config.json `_name_or_path`, else the directory's name. */
  id: string;
  config: ClipModelConfig;
  /** The dtype the towers were resolved for. */
  dtype: ModelDtype;
  /** The file of each tower that was asked for. */
  models: Partial<Record<Tower, TowerFile>>;
  vocabPath: string;
  mergesPath: string;
}

export interface ResolveModelOptions {
  /** Towers that must be present (default both). */
  towers?: Tower[];
  /** Default fp32. */
  dtype?: ModelDtype;
}

const LAYOUT_HINT =
  "a CLIP model directory holds config.json, vocab.json, merges.txt, preprocessor_config.json and either onnx/text_model.onnx + onnx/vision_model.onnx (Transformers.js layout, e.g. Xenova/clip-vit-base-patch32) or model.onnx (`optimum-cli export onnx -m openai/clip-vit-base-patch32 DIR`); `npm run cli -- generate random --arch tiny --out DIR` writes one";

/** Parses a --dtype value (undefined: the default). */
export function parseModelDtype(value: string | undefined): ModelDtype {
  if (value === undefined) return DEFAULT_MODEL_DTYPE;
  if ((MODEL_DTYPES as string[]).includes(value)) return value as ModelDtype;
  const hint =
    value === "float32" || value === "float16"
      ? ` (--dtype chooses the model's weight files; for the index's vector storage use --vector-dtype ${value})`
      : "";
  throw new InputError(
    "bad_arguments",
    `--dtype must be one of ${MODEL_DTYPES.join(", ")}, got "${value}"${hint}`,
  );
}

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

/** The dtypes for which `found` holds a file of `tower` (its own or a combined one). */
function dtypesPresent(found: string[], tower: Tower): ModelDtype[] {
  const names = new Set(found.map((file) => basename(file, ".onnx")));
  return MODEL_DTYPES.filter(
    (dtype) =>
      names.has(`${TOWER_FILE[tower]}${MODEL_DTYPE_SUFFIX[dtype]}`) ||
      names.has(`${COMBINED_FILE}${MODEL_DTYPE_SUFFIX[dtype]}`),
  );
}

/** The file of `tower` for `dtype` (its own file first, then a combined model.onnx), or throws saying what exists. */
function findTowerFile(dir: string, tower: Tower, dtype: ModelDtype): TowerFile {
  const suffix = MODEL_DTYPE_SUFFIX[dtype];
  const candidates = [
    { file: `${TOWER_FILE[tower]}${suffix}.onnx`, combined: false },
    { file: `${COMBINED_FILE}${suffix}.onnx`, combined: true },
  ];
  for (const { file, combined } of candidates) {
    for (const sub of MODEL_SUBFOLDERS) {
      const path = join(dir, sub, file);
      if (existsSync(path)) return { tower, dtype, path, name: relative(dir, path), combined };
    }
  }
  const found = listOnnxFiles(dir);
  const others = dtypesPresent(found, tower).filter((other) => other !== dtype);
  const hint = others.length
    ? `; this directory has the ${tower} tower as ${others.map((o) => `--dtype ${o}`).join(", ")}`
    : "";
  throw new InputError(
    "model_not_found",
    `no ${tower} tower for --dtype ${dtype} in ${dir}: looked for ${candidates.map((c) => c.file).join(" and ")} at the top level and in onnx/ (found: ${found.length ? found.join(", ") : "no .onnx files"})${hint}; ${LAYOUT_HINT}`,
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
  const dtype = options.dtype ?? DEFAULT_MODEL_DTYPE;
  const towers = options.towers ?? ["text", "vision"];
  const models: Partial<Record<Tower, TowerFile>> = {};
  for (const tower of towers) models[tower] = findTowerFile(root, tower, dtype);
  return {
    dir: root,
    id: config.id ?? basename(root),
    config,
    dtype,
    models,
    vocabPath: need("vocab.json"),
    mergesPath: need("merges.txt"),
  };
}

/** `model`'s file for `tower`; throws when the directory was resolved without it (a programming error). */
export function towerFile(model: ModelDirectory, tower: Tower): TowerFile {
  const file = model.models[tower];
  if (!file) throw new Error(`${model.dir} was resolved without its ${tower} tower`);
  return file;
}

/** "onnx/text_model_fp16.onnx (fp16)", or "model.onnx (fp32, text tower of the combined graph)". */
export function describeTowerFile(file: TowerFile): string {
  return file.combined
    ? `${file.name} (${file.dtype}, ${file.tower} tower of the combined graph)`
    : `${file.name} (${file.dtype})`;
}

/** Stamps `model`'s `tower` file (resolved with that tower asked for). */
export function towerStamp(model: ModelDirectory, tower: "text" | "vision"): TowerStamp {
  const file = towerFile(model, tower).path;
  const info = statSync(file);
  return {
    id: model.id,
    dimension: model.config.projectionDim,
    file,
    sizeBytes: info.size,
    mtimeMs: info.mtimeMs,
  };
}

/** Stamps `model`'s vision tower (resolved with the vision tower asked for). */
export function visionModelStamp(model: ModelDirectory): TowerStamp {
  return towerStamp(model, "vision");
}

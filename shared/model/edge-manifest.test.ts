// edge.json validation (parseEdgeManifest): a valid manifest read unchanged, each bad field refused by name,
// and the optional vision tower.
import { describe, expect, it } from "vitest";
import { type EdgeManifest, parseEdgeManifest } from "./edge-manifest.ts";

const VALID: EdgeManifest = {
  format: "clip-edge-text-encoder",
  formatVersion: 1,
  model: { id: "openai/clip-vit-base-patch32", dimension: 512 },
  graph: {
    file: "text_model.onnx",
    externalData: ["text_model.onnx_data"],
    inputs: { embeds: "inputs_embeds", ids: { name: "input_ids", dtype: "int64" }, mask: null },
    output: "text_embeds",
    quantization: "int8-dynamic-per-column:integer",
  },
  table: { file: "token_embeddings.bin", dtype: "int8", rows: 3, width: 2, scaleOffset: 8 },
  tokenizer: { vocab: "vocab.json", merges: "merges.txt", contextLength: 77 },
};

/** A copy of VALID with the field at `path` set to `value` (deleted when undefined). */
function edit(path: string, value: unknown): unknown {
  const copy = structuredClone(VALID) as unknown as Record<string, unknown>;
  const keys = path.split(".");
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
  return copy;
}

describe("parseEdgeManifest", () => {
  it("accepts a valid manifest unchanged", () => {
    expect(parseEdgeManifest(structuredClone(VALID))).toEqual(VALID);
  });

  it.each([
    ["format", edit("format", "clip-video-index"), /format must be/],
    ["version", edit("formatVersion", 2), /formatVersion 2 is not supported/],
    ["dimension", edit("model.dimension", 0), /model.dimension/],
    ["table dtype", edit("table.dtype", "int4"), /table.dtype/],
    ["scale offset inside rows", edit("table.scaleOffset", 4), /scaleOffset must follow/],
    ["misaligned scales", edit("table.scaleOffset", 10), /scaleOffset must follow/],
    ["int32 ids", edit("graph.inputs.ids.dtype", "int32"), /graph.inputs.ids/],
    ["no output", edit("graph.output", undefined), /graph.output/],
    ["not an object", [], /format must be/],
  ])("rejects %s", (_, json, message) => {
    expect(() => parseEdgeManifest(json)).toThrow(message);
  });
});

/** VALID with a vision tower (edge.json `vision`, written by prepare-edge). */
const WITH_VISION: EdgeManifest = {
  ...VALID,
  vision: {
    file: "vision_model.onnx",
    bytes: 1234,
    sha256: "a".repeat(64),
    dtype: "int8",
    cosineMin: 0.995,
    cosineMean: 0.998,
    verifiedFrames: 6,
    imageSize: 224,
    preprocess: { shortestEdge: 224, cropSize: 224, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    dimension: 512,
  },
};

describe("parseEdgeManifest: the vision tower", () => {
  const withVision = (field: string, value: unknown) => {
    const copy = structuredClone(WITH_VISION) as unknown as { vision: Record<string, unknown> };
    copy.vision[field] = value;
    return copy;
  };

  it("reads it when present; a manifest without one still loads", () => {
    expect(parseEdgeManifest(structuredClone(WITH_VISION))).toEqual(WITH_VISION);
    expect(parseEdgeManifest(structuredClone(VALID)).vision).toBeUndefined();
  });

  it.each([
    ["dtype", withVision("dtype", "q4"), /vision.dtype/],
    ["sha256", withVision("sha256", "xyz"), /vision.sha256/],
    ["dimension other than the model's", withVision("dimension", 768), /vision.dimension 768/],
    ["image size other than the crop", withVision("imageSize", 336), /imageSize must equal/],
    [
      "mean of 2 numbers",
      withVision("preprocess", { ...WITH_VISION.vision?.preprocess, mean: [1, 2] }),
      /mean/,
    ],
    ["missing cosine", withVision("cosineMin", undefined), /vision.cosineMin/],
  ])("rejects a bad %s", (_, json, message) => {
    expect(() => parseEdgeManifest(json)).toThrow(message);
  });
});

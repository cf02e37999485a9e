// edge.json validation and token-row lookup in the compact table (the ONNX part runs in indexer/edge tests).
import { describe, expect, it } from "vitest";
import { float32ToFloat16Array } from "../float16.ts";
import {
  type EdgeManifest,
  edgeTableBytes,
  parseEdgeManifest,
  TokenEmbeddingTable,
} from "./edge-text-encoder.ts";

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

describe("TokenEmbeddingTable", () => {
  it("dequantizes int8 rows with their scale", () => {
    const bytes = new Uint8Array(edgeTableBytes(VALID.table));
    new Int8Array(bytes.buffer, 0, 6).set([127, -127, 10, 0, -5, 64]);
    new Float32Array(bytes.buffer, 8, 3).set([0.5, 2, 0.25]);
    const table = new TokenEmbeddingTable(VALID.table, bytes);
    expect(Array.from(table.gather([2, 0, 2]))).toEqual([-1.25, 16, 63.5, -63.5, -1.25, 16]);
  });

  it("reads float16 rows, also from a misaligned view", () => {
    const descriptor = { ...VALID.table, dtype: "float16" as const, scaleOffset: null };
    const values = Float32Array.of(1, -2, 0.5, 65504, 0.0999755859375, -0);
    const halves = new Uint8Array(float32ToFloat16Array(values).buffer);
    const shifted = new Uint8Array(halves.byteLength + 1);
    shifted.set(halves, 1);
    for (const bytes of [halves, shifted.subarray(1)]) {
      const table = new TokenEmbeddingTable(descriptor, bytes);
      expect(Array.from(table.gather([1, 2]))).toEqual([0.5, 65504, 0.0999755859375, -0]);
    }
  });

  it("rejects a file of the wrong size and ids outside the table", () => {
    expect(() => new TokenEmbeddingTable(VALID.table, new Uint8Array(19))).toThrow(/holds 19 bytes/);
    const table = new TokenEmbeddingTable(VALID.table, new Uint8Array(20));
    expect(() => table.gather([3])).toThrow(/outside the embedding table/);
    expect(() => table.gather([-1])).toThrow(/outside the embedding table/);
  });
});

// edge.json validation, token-row lookup in the compact table, and the table loader's timing (after the session
// exists) with real onnxruntime-web on a tiny prepared model (accuracy runs in indexer/prepare-edge tests).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareEdgeModel } from "../../indexer/prepare-edge/prepare-edge-model.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { float32ToFloat16Array } from "../float16.ts";
import {
  createEdgeTextEncoder,
  type EdgeManifest,
  type EdgeTextEncoderSource,
  edgeTableBytes,
  parseEdgeManifest,
  TokenEmbeddingTable,
} from "./edge-text-encoder.ts";
import type { OrtNamespace, OrtSession } from "./ort-types.ts";

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

describe("createEdgeTextEncoder with a table loader (tiny model, onnxruntime-web)", () => {
  let outDir: string;
  let manifest: EdgeManifest;
  const read = (name: string) => new Uint8Array(readFileSync(join(outDir, name)));
  /** Token id sequences with the tiny vocabulary's start and end tokens (its last two rows). */
  let ids: number[][];
  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    const modelDir = fixtureModel({ kind: "random", arch: "tiny", seed: 0 });
    outDir = mkdtempSync(join(tmpdir(), "edge-table-loader-"));
    manifest = (await prepareEdgeModel({ modelDir, outDir, table: "int8" })).manifest;
    const [start, end] = [manifest.table.rows - 2, manifest.table.rows - 1];
    ids = [
      [start, 5, 17, end],
      [start, 7, 8, 9, 10, 11, end],
    ];
  });
  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** onnxruntime-web whose sessions report their creation and release into `events`. */
  function tracedOrt(events: string[]): OrtNamespace {
    return {
      Tensor: ort.Tensor,
      InferenceSession: {
        async create(model, options) {
          const session = await ort.InferenceSession.create(model, options);
          events.push("created");
          const traced: OrtSession = {
            inputNames: session.inputNames,
            outputNames: session.outputNames,
            run: (feeds) => session.run(feeds as Parameters<typeof session.run>[0]),
            release: async () => {
              events.push("released");
              await session.release();
            },
          };
          return traced;
        },
      },
    } as OrtNamespace;
  }

  function source(
    table: EdgeTextEncoderSource["table"],
    edit: Partial<EdgeManifest> = {},
  ): EdgeTextEncoderSource {
    return {
      manifest: { ...manifest, ...edit },
      table,
      graph: read(manifest.graph.file),
      externalData: manifest.graph.externalData.map((path) => ({ path, data: read(path) })),
      tokenizer: { encode: () => ({ ids: ids[0], truncated: false }), endToken: ids[0].at(-1)! },
    };
  }

  it("calls the loader once the session exists and encodes exactly as with the bytes", async () => {
    const events: string[] = [];
    const lazy = await createEdgeTextEncoder(
      tracedOrt(events),
      source(async () => {
        events.push("table");
        return read(manifest.table.file);
      }),
    );
    const eager = await createEdgeTextEncoder(
      ort as unknown as OrtNamespace,
      source(read(manifest.table.file)),
    );
    try {
      expect(events).toEqual(["created", "table"]);
      const [a, b] = [await lazy.encodeIds(ids), await eager.encodeIds(ids)];
      expect(a.map((v) => Array.from(v))).toEqual(b.map((v) => Array.from(v)));
      expect(a[0].length).toBe(manifest.model.dimension);
    } finally {
      await lazy.release();
      await eager.release();
    }
  });

  it("releases the session when the loaded table has the wrong size, and skips the loader for a bad graph", async () => {
    const events: string[] = [];
    await expect(
      createEdgeTextEncoder(
        tracedOrt(events),
        source(async () => new Uint8Array(10)),
      ),
    ).rejects.toThrow(/holds 10 bytes/);
    expect(events).toEqual(["created", "released"]);
    events.length = 0;
    const badGraph = { ...manifest.graph, output: "not_an_output" };
    await expect(
      createEdgeTextEncoder(
        tracedOrt(events),
        source(
          async () => {
            events.push("table");
            return read(manifest.table.file);
          },
          { graph: badGraph },
        ),
      ),
    ).rejects.toThrow(/does not match edge.json/);
    expect(events).toEqual(["created", "released"]);
  });
});

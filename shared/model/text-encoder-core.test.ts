// The text encoders' shared core on an upstream-made export (../shared/models/hf-tiny-clip) and prepare-edge's
// encoder of it, in onnxruntime-web: one set of id checks for both, durations read from the encoder's clock.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEdgeTextEncoder } from "../../indexer/prepare-edge/load-edge-encoder.ts";
import { prepareEdgeModel } from "../../indexer/prepare-edge/prepare-edge-model.ts";
import { openWebSession } from "../../indexer/prepare-edge/web-session.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { InputError } from "../errors.ts";
import { ClipTokenizer } from "../tokenizer/clip-tokenizer.ts";
import type { EdgeTextEncoder } from "./edge-text-encoder.ts";
import type { OrtNamespace } from "./ort-types.ts";
import { ClipTextEncoder, type ClipTextEncoderOptions } from "./text-encoder.ts";

const START = 49406;
const END = 49407;
const VOCAB = 49408;
const web = ort as unknown as OrtNamespace;

describe.skipIf(!hasSharedData)(
  `TextEncoderCore (${hasSharedData ? "hf-tiny-clip and its edge encoder, onnxruntime-web" : SHARED_DATA_SKIP_REASON})`,
  () => {
    const modelDir = sharedPath("models", "hf-tiny-clip");
    let outDir: string;
    let tokenizer: ClipTokenizer;
    let edge: EdgeTextEncoder;
    const towers: ClipTextEncoder[] = [];

    async function tower(options: Partial<ClipTextEncoderOptions> = {}): Promise<ClipTextEncoder> {
      const session = await openWebSession(web, join(modelDir, "onnx", "text_model.onnx"));
      const encoder = new ClipTextEncoder(web, session, tokenizer, {
        dimension: 32,
        contextLength: 77,
        vocabSize: VOCAB,
        ...options,
      });
      towers.push(encoder);
      return encoder;
    }

    beforeAll(async () => {
      ort.env.wasm.numThreads = 1;
      tokenizer = ClipTokenizer.fromFiles(
        readFileSync(join(modelDir, "vocab.json"), "utf8"),
        readFileSync(join(modelDir, "merges.txt"), "utf8"),
      );
      outDir = mkdtempSync(join(tmpdir(), "text-encoder-core-"));
      await prepareEdgeModel({ modelDir, outDir, table: "int8" });
      edge = await loadEdgeTextEncoder(web, outDir);
    });
    afterAll(async () => {
      await edge?.release();
      for (const encoder of towers) await encoder.release();
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    it.each([
      ["one id", [START], /token sequence 1 has 1 ids; expected 2\.\.77/],
      ["78 ids", [START, ...Array.from({ length: 76 }, () => 320), END], /token sequence 1 has 78 ids/],
      [
        "an id past the vocabulary",
        [START, VOCAB, END],
        /token sequence 1 holds id 49408, outside the vocabulary/,
      ],
      ["a negative id after the end token", [START, 320, END, -1], /token sequence 1 holds id -1, outside/],
      ["a fractional id", [START, 1.5, END], /token sequence 1 holds id 1\.5, outside the vocabulary/],
    ])("both encoders refuse a sequence with %s, with the same message", async (_, row, message) => {
      const clip = await tower();
      for (const encoder of [clip, edge]) {
        const attempt = encoder.encodeIds([[START, 320, END], row]);
        await expect(attempt).rejects.toThrow(InputError);
        await expect(attempt).rejects.toThrow(message);
      }
    });

    it("encode reports its tokenize and encode durations from the encoder's clock, read three times", async () => {
      const readings = [1000, 1003.5, 1010.25];
      let reads = 0;
      const clip = await tower({ clock: () => readings[reads++] });
      const texts = ["a person is connecting something to system", "a little girl does gymnastics"];
      const encoding = await clip.encode(texts);
      expect(reads).toBe(3);
      expect([encoding.tokenizeMs, encoding.encodeMs]).toEqual([3.5, 6.75]);
      expect(encoding.truncated).toEqual([false, false]);
      const ids = texts.map((text) => tokenizer.encode(text).ids);
      expect(encoding.vectors).toEqual(await clip.encodeIds(ids));
    });

    it("both encoders time encode with performance.now by default, and agree closely on a real sentence", async () => {
      const clip = await tower();
      const text = "a little girl does gymnastics";
      for (const encoding of [await clip.encode([text]), await edge.encode([text])]) {
        expect(encoding.tokenizeMs).toBeGreaterThanOrEqual(0);
        expect(encoding.encodeMs).toBeGreaterThan(0);
        expect(Math.hypot(...encoding.vectors[0])).toBeCloseTo(1, 5);
      }
      const [a, b] = [(await clip.encode([text])).vectors[0], (await edge.encode([text])).vectors[0]];
      expect(a.reduce((sum, x, i) => sum + x * b[i], 0)).toBeGreaterThan(0.99);
    });
  },
);

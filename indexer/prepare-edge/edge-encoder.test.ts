// The prepared (edge) text encoder run in onnxruntime-web (WASM, as in the Worker) against the fp32 source model.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEdgeTextEncoder } from "../../shared/model/edge-text-encoder.ts";
import { ClipTextEncoder } from "../../shared/model/text-encoder.ts";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { cosine } from "../../shared/vectors.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { loadEdgeTextEncoder } from "./load-edge-encoder.ts";
import { prepareEdgeModel } from "./prepare-edge-model.ts";
import { openWebSession } from "./web-session.ts";

const START = 49406;
const END = 49407;
const SENTENCES = 40;

describe.skipIf(!hasSharedData)(
  `edge encoder vs fp32 in onnxruntime-web (${hasSharedData ? "tiny model" : SHARED_DATA_SKIP_REASON})`,
  () => {
    let modelDir: string;
    let outRoot: string;
    let reference: ClipTextEncoder;
    const cases: { text: string; ids: number[] }[] = JSON.parse(
      hasSharedData ? readFileSync(sharedPath("clip", "msrvtt_1ka_tokens.json"), "utf8") : '{"cases":[]}',
    ).cases.slice(0, SENTENCES);
    let expected: Float32Array[];

    beforeAll(async () => {
      ort.env.wasm.numThreads = 1;
      // `generate random --arch tiny` with CLIP's real vocabulary, so that real sentences mean real token ids.
      modelDir = fixtureModel({ kind: "random", arch: "tiny", seed: 0, vocabDir: sharedPath("clip") });
      outRoot = mkdtempSync(join(tmpdir(), "edge-encoder-"));
      const session = await openWebSession(ort, join(modelDir, "onnx", "text_model.onnx"));
      const tokenizer = ClipTokenizer.fromFiles(
        readFileSync(sharedPath("clip", "vocab.json"), "utf8"),
        readFileSync(sharedPath("clip", "merges.txt"), "utf8"),
      );
      reference = new ClipTextEncoder(ort, session, tokenizer, { dimension: 32, contextLength: 77 });
      expected = await reference.encodeIds(cases.map(({ ids }) => [START, ...ids, END]));
    });
    afterAll(async () => {
      await reference?.release();
      if (outRoot) rmSync(outRoot, { recursive: true, force: true });
    });

    for (const table of ["int8", "float16"] as const) {
      for (const matmul of ["integer", "dqmm"] as const) {
        it(`${table} table, ${matmul} MatMuls: cosine to fp32 > 0.99 on real sentences`, async () => {
          const outDir = join(outRoot, `edge-${table}-${matmul}`);
          await prepareEdgeModel({ modelDir, outDir, table, matmul });
          const encoder = await loadEdgeTextEncoder(ort, outDir);
          expect(encoder.modelId).toBe("random-clip-tiny-seed0");
          expect(encoder.dimension).toBe(32);
          const { vectors, truncated } = await encoder.encode(cases.map((c) => c.text));
          expect(truncated.every((cut) => !cut)).toBe(true);
          const cosines = vectors.map((v, i) => cosine(v, expected[i]));
          for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
          expect(Math.min(...cosines)).toBeGreaterThan(0.99);
          // Not an identity: quantization changes the vectors a little.
          expect(Math.min(...cosines)).toBeLessThan(1 - 1e-7);
          await encoder.release();
        });
      }
    }

    it("refuses a graph that does not match edge.json", async () => {
      const outDir = join(outRoot, "edge-mismatch");
      const { manifest } = await prepareEdgeModel({ modelDir, outDir, table: "int8" });
      const read = (name: string) => new Uint8Array(readFileSync(join(outDir, name)));
      const source = {
        manifest: {
          ...manifest,
          graph: { ...manifest.graph, inputs: { ...manifest.graph.inputs, ids: null } },
        },
        table: read(manifest.table.file),
        graph: read(manifest.graph.file),
        externalData: manifest.graph.externalData.map((path) => ({ path, data: read(path) })),
        tokenizer: { encode: () => ({ ids: [49406, 49407], truncated: false }), endToken: 49407 },
      };
      await expect(createEdgeTextEncoder(ort, source)).rejects.toThrow(/unexpected inputs: input_ids/);
      await expect(createEdgeTextEncoder(ort, { ...source, externalData: [] })).rejects.toThrow(
        /missing external data file\(s\): text_model.onnx_data/,
      );
    });

    it("exposes the documented graph inputs and output", async () => {
      const outDir = join(outRoot, "edge-io");
      const { manifest } = await prepareEdgeModel({ modelDir, outDir, table: "int8" });
      const session = await ort.InferenceSession.create(join(outDir, manifest.graph.file), {
        externalData: [{ path: "text_model.onnx_data", data: join(outDir, "text_model.onnx_data") }],
      });
      expect([...session.inputNames].sort()).toEqual(["input_ids", "inputs_embeds"]);
      expect(session.outputNames).toContain("text_embeds");
      await session.release();
    });
  },
);

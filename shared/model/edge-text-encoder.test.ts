// The table loader's timing (after the session exists) with real onnxruntime-web on a tiny prepared model
// (accuracy runs in indexer/prepare-edge tests).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareEdgeModel } from "../../indexer/prepare-edge/prepare-edge-model.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import type { EdgeManifest } from "./edge-manifest.ts";
import { createEdgeTextEncoder, type EdgeTextEncoderSource } from "./edge-text-encoder.ts";
import type { OrtNamespace, OrtSession } from "./ort-types.ts";

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

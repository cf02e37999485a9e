// The last-block rewrite (last-token-layer.ts) on real-structure exports (../shared's Hugging Face and optimum
// tiny CLIPs) and generate random: text_embeds equal the unrewritten graph's for sequences ending at the end token.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { throughEndToken } from "../../shared/model/edge-text-encoder.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { sharedPath } from "../../test/shared-data.ts";
import { resolveModelDir, towerFile } from "../embed/model-dir.ts";
import { createNodeSession, nodeOrt } from "../embed/onnx-runtime.ts";
import { readTowerModel, serializeInline } from "../onnx/tower-graph.ts";
import { extractTokenEmbedding, INPUTS_EMBEDS } from "./extract-token-embedding.ts";
import { computeLastTokenOnly } from "./last-token-layer.ts";

const END = 49407;

/** Seeded uniform values in [-scale, scale). */
function seeded(count: number, seed: number, scale: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 16807) % 2147483647;
    return (state / 2147483647 - 0.5) * 2 * scale;
  });
}

async function textEmbeds(bytes: Uint8Array, length: number, width: number, seed: number) {
  const session = await createNodeSession(bytes, { threads: 1 }, "test graph");
  try {
    const ids = BigInt64Array.from({ length }, (_, i) => BigInt(i === length - 1 ? END : 400 + i));
    const feeds = Object.fromEntries(
      session.inputNames.map((name) => [
        name,
        name === INPUTS_EMBEDS
          ? new nodeOrt.Tensor("float32", seeded(length * width, seed, 0.05), [1, length, width])
          : new nodeOrt.Tensor("int64", name === "input_ids" ? ids : ids.map(() => 1n), [1, length]),
      ]),
    );
    return (await session.run(feeds)).text_embeds.data as Float32Array;
  } finally {
    await session.release();
  }
}

const models = [
  { name: "hf-tiny-clip (../shared)", dir: () => sharedPath("models", "hf-tiny-clip") },
  {
    name: "optimum-tiny-clip (../shared, combined model.onnx)",
    dir: () => sharedPath("models", "optimum-tiny-clip"),
  },
  {
    name: "generate random tiny",
    dir: () => fixtureModel({ kind: "random", arch: "tiny", seed: 0 }),
  },
];

describe("last block for the pooled row only", () => {
  for (const model of models)
    it.skipIf(!existsSync(model.dir()))(`${model.name}: same text_embeds as the whole graph`, async () => {
      const file = towerFile(resolveModelDir(model.dir(), { towers: ["text"] }), "text");
      const whole = readTowerModel(file);
      const rewritten = readTowerModel(file);
      const { width } = extractTokenEmbedding(whole);
      extractTokenEmbedding(rewritten);
      const summary = computeLastTokenOnly(rewritten, "text_embeds");
      expect(summary.applied, summary.skipped).toBe(true);
      expect(summary.nodesAfter).toBeLessThan(summary.nodesBefore);
      // One row in the last block: its fc1 reads [1, 1, width], so four of its six weight MatMuls run once.
      const nodes = rewritten.model.graph!.node!;
      expect(nodes.filter((n) => n.name?.endsWith("/last_token") && n.opType === "MatMul")).toHaveLength(4);
      for (const [i, length] of [2, 3, 9, 77].entries()) {
        const expected = await textEmbeds(serializeInline(whole, "whole"), length, width, i + 1);
        const actual = await textEmbeds(serializeInline(rewritten, "rewritten"), length, width, i + 1);
        const scale = Math.max(...expected.map(Math.abs));
        const worst = Math.max(...actual.map((v, j) => Math.abs(v - expected[j])));
        expect(worst / scale).toBeLessThan(1e-5);
      }
    });

  it("leaves a graph without CLIP's attention block as it was", () => {
    const file = towerFile(resolveModelDir(models[2].dir(), { towers: ["text"] }), "text");
    const loaded = readTowerModel(file);
    const summary = computeLastTokenOnly(loaded, "no_such_output");
    expect(summary).toMatchObject({ applied: false, nodesAfter: summary.nodesBefore });
    expect(loaded.model.graph!.node).toHaveLength(summary.nodesBefore);
  });

  it("cuts ids after the first end token (the largest id), which the causal tower pools at", () => {
    expect(throughEndToken([49406, 320, END])).toEqual([49406, 320, END]);
    expect(throughEndToken([49406, 320, END, END, END])).toEqual([49406, 320, END]);
    expect(throughEndToken([49406, 320, END, 0, 0])).toEqual([49406, 320, END]);
  });
});

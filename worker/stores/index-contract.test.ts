// The worker's index loader on the shared table of tampered indexes (the CLI's test runs the same table on
// disk): each case gives the same verdict, code and detail, as in the CLI; a refused index answers 503 JSON.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  expectedVerdict,
  TAMPER_CASES,
  tamperedFiles,
} from "../../shared/index-contract/tampered-indexes.ts";
import { createApp } from "../app.ts";
import { deploy, fixtureFiles } from "../test/bucket.ts";
import { loadFlatStore } from "./load-flat-index.ts";
import { r2IndexSource } from "./r2-index-source.ts";

const bucket = (env as unknown as { MODEL_BUCKET: R2Bucket }).MODEL_BUCKET;
const MODEL = { id: "fixture/tiny-clip", dimension: 8 };

async function putFiles(prefix: string, files: Map<string, Uint8Array>): Promise<void> {
  for (const [name, bytes] of files) await bucket.put(prefix + name, bytes);
}

describe("loadFlatStore on the tampered-index table", () => {
  it.each(TAMPER_CASES.map((entry, i) => [entry.name, i] as const))("%s", async (_, i) => {
    const entry = TAMPER_CASES[i];
    const prefix = `tampered-${i}/`;
    await putFiles(prefix, tamperedFiles(entry, MODEL));
    const verdict = expectedVerdict(entry, MODEL.dimension);
    const load = loadFlatStore(r2IndexSource(bucket, prefix), prefix);
    if (verdict === "ok") {
      const store = await load;
      expect(store.stats().counts).toEqual({ videos: 3, vectors: 9, captions: 3 });
    } else {
      await expect(load).rejects.toMatchObject({
        status: 503,
        code: verdict.code,
        message: `invalid index in the bucket (${prefix}): ${verdict.detail}; rebuild the index and deploy it again (README "Deploying")`,
      });
    }
  });

  it("answers a search on a refused index with 503 JSON and the contract's code", async () => {
    const prefix = "tampered-route/";
    const entry = TAMPER_CASES.find((c) => c.name === "a row scaled x100");
    if (!entry) throw new Error("missing case");
    // Deployed as `deploy` would (deploy refuses such an index itself; the worker must too).
    const id = await deploy(tamperedFiles(entry, MODEL), await fixtureFiles("model"), {
      indexPrefix: prefix,
    });
    const app = createApp();
    const response = await app.request(
      "/api/videos/clip-0.mp4/similar",
      {},
      { ...env, INDEX_PREFIX: prefix, RATE_LIMIT: "off" },
      { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext,
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: {
        code: "bad_index",
        message: `invalid index in the bucket (deployment ${id}): vectors.npy row 3 has length 100.0, rows must be L2-normalized (1 +- 0.001); rebuild the index and deploy it again (README "Deploying")`,
      },
    });
  });
});

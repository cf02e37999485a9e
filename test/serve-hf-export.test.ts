// `npm run dev -- --model ../shared/models/hf-tiny-clip --index DIR` end to end: the Transformers.js export is
// prepared for the edge (serve's own step), served by wrangler dev (workerd, onnxruntime-web), and
// /api/search ranks ../shared/videos as the CLI's `search` does with the fp32 model.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureEdgeModel } from "../indexer/publish/serve/edge-model.ts";
import { type LocalServer, startLocalServer } from "../indexer/publish/serve/local-server.ts";
import { stepRunner } from "../indexer/publish/serve/run-command.ts";
import { exportDir, readClipReference } from "./hf-reference.ts";
import { runCli } from "./indexer-fixtures.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "./shared-data.ts";

/**
 * The worker encodes with the int8 edge model (cosine >= 0.998 to fp32 on these texts), the CLI with fp32:
 * scores may differ by this much, so the order is compared where the CLI's two scores are further apart.
 */
const SCORE_TOLERANCE = 0.02;

interface SearchBody {
  model: string;
  results: { videoId: string; score: number }[];
}

describe.skipIf(!hasSharedData)("serve --model (Transformers.js export) in wrangler dev", () => {
  if (!hasSharedData) console.warn(`[skip] ${SHARED_DATA_SKIP_REASON}`);
  let dir: string;
  let index: string;
  let server: LocalServer | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "serve-hf-"));
    index = join(dir, "index");
    const indexed = await runCli([
      "index",
      sharedPath("videos"),
      "--model",
      exportDir("hf-tiny-clip"),
      "--out",
      index,
      "--segments",
      "1",
    ]);
    if (indexed.code !== 0) throw new Error(indexed.stderr);
    const edgeDir = await ensureEdgeModel(
      exportDir("hf-tiny-clip"),
      join(dir, "cache"),
      stepRunner({ write: () => true }),
      () => undefined,
    );
    server = await startLocalServer({
      edgeDir,
      indexDir: index,
      persistTo: join(dir, "state"),
      port: 0,
      log: () => undefined,
    });
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers /api/search with the CLI's ranking for the reference sentences", async () => {
    const texts = readClipReference()
      .texts.filter((t) => t.kind === "dataset")
      .map((t) => t.text);
    let compared = 0;
    for (const text of texts) {
      const response = await fetch(`${server!.url}/api/search?k=2&q=${encodeURIComponent(text)}`);
      expect(response.status, text).toBe(200);
      const body = (await response.json()) as SearchBody;
      expect(body.model).toBe("hf-tiny-random-clip");
      const cli = await runCli([
        "search",
        text,
        "--index",
        index,
        "--model",
        exportDir("hf-tiny-clip"),
        "--json",
        "-k",
        "2",
      ]);
      expect(cli.code, cli.stderr).toBe(0);
      const hits = (JSON.parse(cli.stdout) as { results: { videoId: string; score: number }[] }).results;
      expect(body.results).toHaveLength(hits.length);
      for (const [i, hit] of hits.entries()) {
        const served = body.results.find((result) => result.videoId === hit.videoId);
        expect(Math.abs((served?.score ?? Number.NaN) - hit.score), text).toBeLessThanOrEqual(
          SCORE_TOLERANCE,
        );
        if (i === 0 && hits[0].score - hits[1].score > 2 * SCORE_TOLERANCE) {
          expect(body.results[0].videoId, text).toBe(hit.videoId);
          compared++;
        }
      }
    }
    console.log(
      `[serve-hf-export] ${texts.length} queries, top hit compared on ${compared} with a clear margin`,
    );
    expect(compared).toBeGreaterThanOrEqual(5);
  });
});

// Section: deploy cost of a 10k-video index (random ViT-B/32 edge encoder, one JPEG thumbnail per video):
// objects and bytes a deploy writes, the time to deploy it into wrangler's local R2 (the same executor as
// remote deploys), and a redeploy after one title changed (only the changed blobs are written).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeIndexAtomically } from "../../indexer/index/writer.ts";
import { readEdgeManifest } from "../../indexer/prepare-edge/load-edge-encoder.ts";
import { collectDeployment } from "../../indexer/publish/deploy/collect-deployment.ts";
import { readWorkerStorage } from "../../indexer/publish/deploy/worker-storage.ts";
import { deployLocally, WRANGLER_CONFIG } from "../../indexer/publish/serve/local-server.ts";
import { emptyLedger } from "../../shared/deployment/ledger.ts";
import { planDeployment } from "../../shared/deployment/plan-deployment.ts";
import { createPrng } from "../../shared/prng.ts";
import { fixtureIndex } from "../../test/fixtures/factory.ts";
import { benchEdgeDir } from "../lib/fixtures.ts";
import type { BenchContext } from "../lib/section.ts";
import { round, since } from "../lib/stats.ts";

export interface DeployFigures {
  videos: number;
  thumbnailBytes: number;
  /** Files of the index and model directories: what the old one-object-per-file deploy put. */
  filesBefore: number;
  /** Objects a first deploy writes (each one wrangler `r2 object put` when remote). */
  objects: number;
  bytes: number;
  /** Reading, hashing and packing the files. */
  collectMs: number;
  /** First deploy into an empty local R2, wall time: collect, workerd start (getPlatformProxy), writes. */
  localMs: number;
  /** Redeploy after one video's title changed: objects written and wall time. */
  redeploy: { objects: number; bytes: number; ms: number };
  goalMs: number;
}

const GOAL_MS = 60_000;

/** A fake JPEG of 4-8 KiB (the size of a 224-px thumbnail); the bytes only have to differ. */
function thumbnail(prng: ReturnType<typeof createPrng>): Uint8Array {
  const bytes = new Uint8Array(4096 + Math.floor(prng.next() * 4096));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(prng.next() * 256);
  return bytes;
}

export async function benchDeploy(context: BenchContext): Promise<DeployFigures> {
  const videos = 10_000;
  const edgeDir = await benchEdgeDir(context.modelDir);
  const model = readEdgeManifest(edgeDir).model;
  const dir = mkdtempSync(join(tmpdir(), "bench-deploy-"));
  try {
    const indexDir = join(dir, "index");
    const prng = createPrng(5);
    const thumbnails = Array.from({ length: videos }, () => thumbnail(prng));
    const data = fixtureIndex({
      kind: "synthetic",
      videos,
      dimension: model.dimension,
      captionsPerVideo: 1,
      seed: 9,
      modelId: model.id,
      dtype: "float16",
      thumbnails,
    });
    await writeIndexAtomically(indexDir, data);
    const storage = readWorkerStorage(WRANGLER_CONFIG);
    const started = performance.now();
    const collected = await collectDeployment({ indexDir, edgeDir, ...storage });
    const collectMs = since(started);
    const plan = await planDeployment(collected.input, {
      ledger: emptyLedger(),
      pointer: null,
      now: new Date(),
      graceMs: 0,
    });
    await collected.cleanup();
    const puts = plan.steps.filter((step) => step.kind === "put");
    const persistTo = join(dir, "state");
    context.log(`[deploy] ${videos} videos: ${puts.length} objects; deploying to local R2 ...`);
    const firstStarted = performance.now();
    await deployLocally({ edgeDir, indexDir, persistTo, log: context.log });
    const localMs = since(firstStarted);
    // One changed title: videos.json changes, everything else is reused.
    const videosPath = join(indexDir, "videos.json");
    const list = JSON.parse(readFileSync(videosPath, "utf8")) as { title: string }[];
    list[0].title = `${list[0].title} (edited)`;
    writeFileSync(videosPath, JSON.stringify(list));
    const secondStarted = performance.now();
    const second = await deployLocally({ edgeDir, indexDir, persistTo, log: context.log });
    const redeployMs = since(secondStarted);
    return {
      videos,
      thumbnailBytes: thumbnails.reduce((n, t) => n + t.byteLength, 0),
      filesBefore:
        Object.keys(collected.input.index).length +
        thumbnails.length +
        Object.keys(collected.input.model).length,
      objects: puts.length,
      bytes: puts.reduce((n, step) => n + step.bytes, 0),
      collectMs: round(collectMs),
      localMs: round(localMs),
      redeploy: { objects: second.objects, bytes: second.bytes, ms: round(redeployMs) },
      goalMs: GOAL_MS,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

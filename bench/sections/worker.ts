// Sections 3 and 4: the worker end to end through `wrangler dev` on localhost (prepared int8 B/32 encoder +
// a 10k-video flat index in local R2): cold start, warm GET /api/search latency sequential and concurrent,
// errors, and the isolate's memory (WASM heap + JS heap + bytes held) during session creation and after.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readEdgeManifest } from "../../indexer/edge/load-edge-encoder.ts";
import { resolveModelDir } from "../../indexer/model-dir.ts";
import { BENCH_DATA, benchEdgeDir, benchIndexDir, benchModelId, benchSentences } from "../lib/fixtures.ts";
import { type HeapUsage, IsolateInspector } from "../lib/inspector.ts";
import { seedLocalR2 } from "../lib/local-r2.ts";
import type { BenchContext } from "../lib/section.ts";
import { type Summary, since, summarize } from "../lib/stats.ts";
import { startWranglerDev } from "../lib/wrangler-dev.ts";

/** R2 bucket name and prefixes of wrangler.toml (MODEL_BUCKET, MODEL_PREFIX, INDEX_PREFIX). */
const BUCKET = "clip-video-retrieval";
const INDEX_VIDEOS = 10_000;

/** The worker's /api/health memory figures (worker/routes/health.ts). */
interface HealthMemory {
  wasmHeapBytes: number;
  indexBytes: number;
  modelFileBytes: number;
}

interface SearchBody {
  tookMs: { tokenize: number; encode: number; search: number };
  cached: boolean;
}

export interface WorkerFigures {
  setup: { videos: number; edgeDir: string; seededBytes: number | "reused"; wranglerReadyMs: number };
  coldStart: {
    /** First GET /api/search after the server answered: R2 reads, ORT init, session creation, index load, query. */
    firstSearchMs: number;
    /** The worker's own encoder load time (health model.loadMs). */
    encoderLoadMs: number;
  };
  /** Client-side milliseconds per request; distinct queries, so the embedding cache never answers. */
  sequential: Summary & { errors: number; cacheHits: number };
  concurrent: Summary & {
    errors: number;
    concurrency: number;
    wallSeconds: number;
    requestsPerSec: number;
    cacheHits: number;
  };
  /** The worker's own stage timings from the sequential run (workerd clock, 1 ms steps). */
  stagesMs: { tokenize: Summary; encode: Summary; search: Summary };
  errors: number;
  memory: {
    /** Bytes, from /api/health after the cold start and after the load runs, and the inspector's heap figures. */
    wasmHeapBytes: number;
    indexBytes: number;
    modelFileBytes: number;
    tableBytes: number;
    /**
     * V8's Runtime.getHeapUsage right after the cold request and after the load runs (GC first), bytes.
     * usedSize is the JS heap; backingStorageSize (ArrayBuffers as V8 counts them) is kept for reference.
     */
    jsHeapAfterCreation: HeapUsage;
    jsHeapAfter: HeapUsage;
    /**
     * WASM heap after creation + JS heap right after creation + every model file (graph bytes stay live
     * while ORT copies them into WASM) + index: each term measured, their sum assumes they coexist at the peak.
     */
    peakDuringCreationBytes: number;
    /** WASM heap + JS heap (after GC) + embedding table + index. */
    afterBytes: number;
    /** The larger of the two: the goal's figure. */
    peakBytes: number;
    /** Whole workerd process (runtime, all isolates): an outer bound, not the isolate's 128 MB. */
    workerdPeakRssBytes: number;
  };
}

function fileStamp(dirs: string[]): string {
  return JSON.stringify(
    dirs.map((dir) => [
      dir,
      statSync(join(dir, existsSync(join(dir, "edge.json")) ? "edge.json" : "manifest.json")).mtimeMs,
    ]),
  );
}

async function timedGet(url: string): Promise<{ ms: number; ok: boolean; body?: SearchBody }> {
  const start = performance.now();
  try {
    const response = await fetch(url);
    const text = await response.text();
    const ms = since(start);
    return response.ok ? { ms, ok: true, body: JSON.parse(text) as SearchBody } : { ms, ok: false };
  } catch {
    return { ms: since(start), ok: false };
  }
}

export async function benchWorker(context: BenchContext): Promise<WorkerFigures> {
  const model = resolveModelDir(context.modelDir, { towers: ["text"] });
  const edgeDir = benchEdgeDir(context.modelDir);
  const indexDir = await benchIndexDir(
    benchModelId(context.modelDir),
    model.config.projectionDim,
    INDEX_VIDEOS,
  );
  const persistTo = join(BENCH_DATA, "wrangler-state");
  const stampFile = join(persistTo, "bench-seed.json");
  const stamp = fileStamp([edgeDir, indexDir]);
  let seededBytes: number | "reused" = "reused";
  if (!existsSync(stampFile) || readFileSync(stampFile, "utf8") !== stamp) {
    context.log("  seeding local R2 with the prepared encoder and the 10k index ...");
    rmSync(persistTo, { recursive: true, force: true });
    seededBytes = await seedLocalR2(persistTo, BUCKET, { "model/": edgeDir, "index/": indexDir });
    writeFileSync(stampFile, stamp);
  }
  // The Cache API's store persists too: clear it, or a rerun would answer every query from the cache.
  rmSync(join(persistTo, "v3", "cache"), { recursive: true, force: true });
  const { sentences } = benchSentences(context.modelDir);
  const texts = sentences.map((s) => s.text);
  context.log("  starting wrangler dev ...");
  const dev = await startWranglerDev(persistTo);
  const inspector = await IsolateInspector.connect(dev.inspectorPort).catch(() => undefined);
  try {
    const search = (q: string) => timedGet(`${dev.url}/api/search?q=${encodeURIComponent(q)}&k=10`);
    // Cold start: the first search loads everything (R2 reads, ORT init, session, index).
    const coldResult = await search(texts[0]);
    // Right after creation, before any GC is forced: creation's garbage is still counted.
    const zero: HeapUsage = { usedSize: 0, totalSize: 0 };
    const jsAfterCreation = inspector ? await inspector.heapUsage().catch(() => zero) : zero;
    const cold = { result: coldResult };
    if (!cold.result.ok) throw new Error(`the first search failed; wrangler output:\n${dev.output()}`);
    const health = (await (await fetch(`${dev.url}/api/health`)).json()) as {
      model: { loadMs: number } | null;
      memory: HealthMemory;
    };

    const sequentialCount = context.full ? 300 : 60;
    const concurrentCount = context.full ? 600 : 120;
    const concurrency = context.full ? 8 : 4;
    const timeLimitMs = context.full ? 120_000 : 30_000;
    // Distinct sentences (the cold query excluded) so the Cache API never answers.
    let next = 1;
    const take = () => texts[next++ % texts.length];
    for (let i = 0; i < 3; i++) await search(take()); // JIT warm-up of the search loop
    context.log(`  sequential: ${sequentialCount} queries ...`);
    const seq: { ms: number; ok: boolean; body?: SearchBody }[] = [];
    let started = performance.now();
    while (seq.length < sequentialCount && since(started) < timeLimitMs) seq.push(await search(take()));
    context.log(`  concurrent: ${concurrentCount} queries, ${concurrency} at a time ...`);
    const con: { ms: number; ok: boolean; body?: SearchBody }[] = [];
    started = performance.now();
    let issued = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (issued < concurrentCount && since(started) < timeLimitMs) {
          issued++;
          con.push(await search(take()));
        }
      }),
    );
    const wallSeconds = since(started) / 1000;
    const after = (await (await fetch(`${dev.url}/api/health`)).json()) as { memory: HealthMemory };
    const jsHeapAfter = inspector ? await inspector.heapUsageAfterGc().catch(() => zero) : zero;
    const manifest = readEdgeManifest(edgeDir);
    const tableBytes = statSync(join(edgeDir, manifest.table.file)).size;
    const memory = after.memory;
    const peakDuringCreationBytes =
      health.memory.wasmHeapBytes +
      jsAfterCreation.usedSize +
      health.memory.modelFileBytes +
      health.memory.indexBytes;
    const afterBytes = memory.wasmHeapBytes + jsHeapAfter.usedSize + tableBytes + memory.indexBytes;
    const bodies = seq.flatMap((r) => (r.body ? [r.body] : []));
    const errors = seq.filter((r) => !r.ok).length + con.filter((r) => !r.ok).length;
    return {
      setup: { videos: INDEX_VIDEOS, edgeDir, seededBytes, wranglerReadyMs: Math.round(dev.readyMs) },
      coldStart: {
        firstSearchMs: Math.round(cold.result.ms),
        encoderLoadMs: health.model?.loadMs ?? Number.NaN,
      },
      sequential: {
        ...summarize(
          seq.map((r) => r.ms),
          "ms",
        ),
        errors: seq.filter((r) => !r.ok).length,
        cacheHits: bodies.filter((b) => b.cached).length,
      },
      concurrent: {
        ...summarize(
          con.map((r) => r.ms),
          "ms",
        ),
        errors: con.filter((r) => !r.ok).length,
        concurrency,
        wallSeconds: Math.round(wallSeconds * 100) / 100,
        requestsPerSec: Math.round((con.length / wallSeconds) * 10) / 10,
        cacheHits: con.filter((r) => r.body?.cached).length,
      },
      stagesMs: {
        tokenize: summarize(
          bodies.map((b) => b.tookMs.tokenize),
          "ms (workerd clock)",
        ),
        encode: summarize(
          bodies.map((b) => b.tookMs.encode),
          "ms (workerd clock)",
        ),
        search: summarize(
          bodies.map((b) => b.tookMs.search),
          "ms (workerd clock)",
        ),
      },
      errors,
      memory: {
        wasmHeapBytes: memory.wasmHeapBytes,
        indexBytes: memory.indexBytes,
        modelFileBytes: health.memory.modelFileBytes,
        tableBytes,
        jsHeapAfterCreation: jsAfterCreation,
        jsHeapAfter,
        peakDuringCreationBytes,
        afterBytes,
        peakBytes: Math.max(peakDuringCreationBytes, afterBytes),
        workerdPeakRssBytes: dev.workerdPeakRssBytes(),
      },
    };
  } finally {
    inspector?.close();
    await dev.stop();
  }
}

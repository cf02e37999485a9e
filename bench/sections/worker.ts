// Sections 3 and 4: the worker end to end through `wrangler dev`, started as `npm start` starts it
// (indexer/publish/serve): bundle size, cold start, warm GET /api/search latency sequential and concurrent (rounds
// interleaved), parity with onnxruntime-node, and the isolate's memory at and after encoder creation.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { readEdgeManifest } from "../../indexer/prepare-edge/load-edge-encoder.ts";
import { startLocalServer } from "../../indexer/publish/serve/local-server.ts";
import { INDEX_FILES } from "../../shared/index-format.ts";
import type { LoadMemory } from "../../worker/encoder/load-memory.ts";
import { type ColdStep, coldSteps } from "../lib/cold-steps.ts";
import { benchEdgeDir, benchIndexDir, benchModelId, benchSentences } from "../lib/fixtures.ts";
import { type HeapUsage, IsolateInspector } from "../lib/inspector.ts";
import type { BenchContext } from "../lib/section.ts";
import { round, type Summary, since, summarize } from "../lib/stats.ts";
import { type BundleFigures, measureBundle } from "../lib/worker-bundle.ts";
import { measureParity, type ParityFigures } from "../lib/worker-parity.ts";
import { workerdMemory } from "../lib/workerd-memory.ts";

const INDEX_VIDEOS = 10_000;
/** Workers' memory limit per isolate. */
export const WORKER_MEMORY_LIMIT_BYTES = 128 * 2 ** 20;

/** /api/health's memory figures (worker/routes/health.ts); `load` once health reports the encoder's checkpoints. */
interface HealthMemory {
  wasmHeapBytes: number;
  indexBytes: number;
  modelFileBytes: number;
  load?: LoadMemory | null;
}

interface Health {
  model: { loadMs: number } | null;
  /** `load`: the flat index's load checkpoints, once health reports them. */
  index: { load?: LoadMemory } | null;
  memory: HealthMemory;
}

interface SearchBody {
  tookMs: { tokenize: number; encode: number; search: number };
  cached: boolean;
}

interface Timed {
  ms: number;
  ok: boolean;
  body?: SearchBody;
  /** Status and body of a failed request. */
  error?: string;
}

export interface WorkerFigures {
  setup: { videos: number; edgeDir: string; indexDir: string; seededBytes: number; wranglerReadyMs: number };
  bundle: BundleFigures;
  coldStart: {
    /** First GET /api/search after the server answered: R2 reads, ORT init, session creation, index load, query. */
    firstSearchMs: number;
    /** The worker's own encoder load time (health model.loadMs). */
    encoderLoadMs: number;
    /** The cold request's own stages (its tookMs, workerd clock): the first encode and the first search. */
    firstRequestMs: SearchBody["tookMs"] | null;
    /**
     * Every step of the encoder's and the index's loads, timed inside workerd (health load checkpoints), on
     * one timeline from the start of the first load; empty when the worker does not report them.
     */
    steps: ColdStep[];
  };
  /** Client-side milliseconds per request; distinct queries, so the embedding cache never answers. */
  sequential: Summary & {
    errors: number;
    cacheHits: number;
    /** p50 of each sequential round (rounds alternate with the concurrent ones): the spread shows the noise. */
    roundP50s: number[];
  };
  concurrent: Summary & {
    errors: number;
    concurrency: number;
    wallSeconds: number;
    requestsPerSec: number;
    cacheHits: number;
  };
  /** The worker's own stage timings from the sequential runs (workerd clock, 1 ms steps). */
  stagesMs: { tokenize: Summary; encode: Summary; search: Summary };
  errors: number;
  /**
   * The machine's 1-minute load average before and after the latency rounds: on a shared machine the
   * latency follows it (workerd runs the encoder on one core), so read the figures with it.
   */
  loadAverage1m: { before: number; after: number };
  parity: ParityFigures;
  memory: {
    /** Bytes from /api/health after the load runs (WASM heap only grows: its peak). */
    wasmHeapBytes: number;
    /** WASM heap right after the cold request. */
    wasmHeapAfterCreationBytes: number;
    /** JS-side bytes the store holds (metadata, row arrays; its vectors are in the WASM heap or here). */
    indexBytes: number;
    /** vectors.npy (+ captions.npy): bytes the index load reads, transient. */
    indexFileBytes: number;
    /** Model files read from R2 (graph + external data + table); only the table stays referenced. */
    modelFileBytes: number;
    tableBytes: number;
    /**
     * Sampled inside the worker's encoder load (health memory.load): WASM heap + model buffers held at each
     * checkpoint; null when the worker does not report it.
     */
    load: LoadMemory | null;
    /** V8's Runtime.getHeapUsage before the first search, right after it (creation garbage included), after. */
    jsHeapBefore: HeapUsage;
    jsHeapAfterCreation: HeapUsage;
    jsHeapAfter: HeapUsage;
    /**
     * Peak while the encoder is created. With `load`: its sampled peak (WASM heap + graph bytes held) + JS heap
     * right after creation + the index's JS bytes + its file bytes (the index loads in parallel, so they may be
     * in flight then). Without: WASM heap after creation + every model file + JS heap + index (each measured,
     * their sum assumes they coexist).
     */
    peakDuringCreationBytes: number;
    /** How peakDuringCreationBytes was obtained. */
    peakMethod: "sampled checkpoints + inspector JS heap" | "estimate from parts";
    /** WASM heap + JS heap (after GC) + embedding table + index. */
    afterBytes: number;
    /** The larger of the two: the goal's figure. */
    peakBytes: number;
    limitBytes: number;
    /** Whole workerd process (runtime, all isolates): an outer bound, not the isolate's 128 MB. */
    workerdPeakRssBytes: number;
  };
}

/** What measureWorker runs. */
export interface WorkerMeasureOptions {
  /** Prepared edge encoder directory (prepare-edge output). */
  edgeDir: string;
  /** Local index directory. */
  indexDir: string;
  /** Distinct query texts (the first is the cold query; none repeats, so the Cache API never answers). */
  queries: readonly string[];
  /** Rounds of (sequential, then concurrent) after the warm-up. */
  rounds: number;
  sequentialPerRound: number;
  concurrentPerRound: number;
  concurrency: number;
  /** Warm-up queries after the cold one (JIT of the search loop, ORT's arena). */
  warmup: number;
  /** Queries compared with onnxruntime-node. */
  parityQueries: number;
  /** Stops the latency rounds early (milliseconds). */
  timeLimitMs: number;
  log(message: string): void;
}

async function timedGet(url: string): Promise<Timed> {
  const start = performance.now();
  try {
    const response = await fetch(url);
    const text = await response.text();
    const ms = since(start);
    return response.ok
      ? { ms, ok: true, body: JSON.parse(text) as SearchBody }
      : { ms, ok: false, error: `${response.status} ${text.slice(0, 500)}` };
  } catch (error) {
    return { ms: since(start), ok: false, error: String(error) };
  }
}

async function health(url: string): Promise<Health> {
  return (await (await fetch(`${url}/api/health`)).json()) as Health;
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Starts the worker on `edgeDir` + `indexDir` (fresh local R2 in a temp folder) and measures it. */
export async function measureWorker(options: WorkerMeasureOptions): Promise<WorkerFigures> {
  const { log, queries } = options;
  log("  bundle: wrangler deploy --dry-run ...");
  const bundle = measureBundle();
  const persistTo = mkdtempSync(join(tmpdir(), "clip-bench-worker-"));
  const started = performance.now();
  let output = "";
  const server = await startLocalServer({
    edgeDir: options.edgeDir,
    indexDir: options.indexDir,
    persistTo,
    port: 0,
    log: (message) => log(`  ${message}`),
    onOutput: (text) => {
      output = (output + text).slice(-3000);
    },
  });
  const wranglerReadyMs = since(started) - server.uploaded.ms;
  const inspector = await IsolateInspector.connect(server.inspectorPort).catch(() => undefined);
  const zero: HeapUsage = { usedSize: 0, totalSize: 0 };
  const heap = () => (inspector ? inspector.heapUsage().catch(() => zero) : Promise.resolve(zero));
  try {
    const search = (q: string) => timedGet(`${server.url}/api/search?q=${encodeURIComponent(q)}&k=10`);
    const jsHeapBefore = await heap();
    // Cold start: the first search loads everything (R2 reads, ORT init, session, index).
    const cold = await search(queries[0]);
    // Right after creation, before any GC is forced: creation's garbage is still counted.
    const jsHeapAfterCreation = await heap();
    if (!cold.ok) throw new Error(`the first search failed: ${cold.error}\nwrangler dev said:\n${output}`);
    const afterCreation = await health(server.url);

    let next = 1;
    const take = () => queries[next++ % queries.length];
    for (let i = 0; i < options.warmup; i++) await search(take());
    const seq: Timed[] = [];
    const con: Timed[] = [];
    const roundP50s: number[] = [];
    let concurrentMs = 0;
    const latencyStart = performance.now();
    const loadBefore = loadavg()[0];
    log(
      `  latency: ${options.rounds} rounds of ${options.sequentialPerRound} sequential + ${options.concurrentPerRound} at ${options.concurrency} concurrent ...`,
    );
    for (let round = 0; round < options.rounds && since(latencyStart) < options.timeLimitMs; round++) {
      const roundSeq: Timed[] = [];
      for (let i = 0; i < options.sequentialPerRound; i++) roundSeq.push(await search(take()));
      seq.push(...roundSeq);
      roundP50s.push(
        summarize(
          roundSeq.map((r) => r.ms),
          "ms",
        ).p50,
      );
      const conStart = performance.now();
      let issued = 0;
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (issued < options.concurrentPerRound) {
            issued++;
            con.push(await search(take()));
          }
        }),
      );
      concurrentMs += since(conStart);
    }
    const loadAverage1m = { before: round(loadBefore), after: round(loadavg()[0]) };
    log(`  parity with onnxruntime-node: ${options.parityQueries} queries ...`);
    const parity = await measureParity(
      server.url,
      options.edgeDir,
      options.indexDir,
      queries.slice(next, next + options.parityQueries),
    );
    const after = await health(server.url);
    const jsHeapAfter = inspector ? await inspector.heapUsageAfterGc().catch(() => zero) : zero;
    const workerd = workerdMemory(server.processGroup);

    const manifest = readEdgeManifest(options.edgeDir);
    const tableBytes = fileSize(join(options.edgeDir, manifest.table.file));
    const indexFileBytes =
      fileSize(join(options.indexDir, INDEX_FILES.vectors)) +
      fileSize(join(options.indexDir, INDEX_FILES.captionVectors));
    const load = afterCreation.memory.load ?? null;
    const created = afterCreation.memory;
    const peakDuringCreationBytes = load
      ? load.peakBytes + jsHeapAfterCreation.usedSize + created.indexBytes + indexFileBytes
      : created.wasmHeapBytes + created.modelFileBytes + jsHeapAfterCreation.usedSize + created.indexBytes;
    const afterBytes =
      after.memory.wasmHeapBytes + jsHeapAfter.usedSize + tableBytes + after.memory.indexBytes;
    const bodies = seq.flatMap((r) => (r.body ? [r.body] : []));
    const stage = (pick: (b: SearchBody) => number) => summarize(bodies.map(pick), "ms (workerd clock)");
    const wallSeconds = concurrentMs / 1000;
    return {
      setup: {
        videos: INDEX_VIDEOS,
        edgeDir: options.edgeDir,
        indexDir: options.indexDir,
        seededBytes: server.uploaded.bytes,
        wranglerReadyMs: Math.round(wranglerReadyMs),
      },
      bundle,
      coldStart: {
        firstSearchMs: Math.round(cold.ms),
        encoderLoadMs: afterCreation.model?.loadMs ?? Number.NaN,
        firstRequestMs: cold.body?.tookMs ?? null,
        steps: coldSteps(after.memory.load, after.index?.load),
      },
      sequential: {
        ...summarize(
          seq.map((r) => r.ms),
          "ms",
        ),
        errors: seq.filter((r) => !r.ok).length,
        cacheHits: bodies.filter((b) => b.cached).length,
        roundP50s,
      },
      concurrent: {
        ...summarize(
          con.map((r) => r.ms),
          "ms",
        ),
        errors: con.filter((r) => !r.ok).length,
        concurrency: options.concurrency,
        wallSeconds: round(wallSeconds),
        requestsPerSec: round(con.length / Math.max(wallSeconds, 1e-9)),
        cacheHits: con.filter((r) => r.body?.cached).length,
      },
      stagesMs: {
        tokenize: stage((b) => b.tookMs.tokenize),
        encode: stage((b) => b.tookMs.encode),
        search: stage((b) => b.tookMs.search),
      },
      errors: seq.filter((r) => !r.ok).length + con.filter((r) => !r.ok).length,
      loadAverage1m,
      parity,
      memory: {
        wasmHeapBytes: after.memory.wasmHeapBytes,
        wasmHeapAfterCreationBytes: created.wasmHeapBytes,
        indexBytes: after.memory.indexBytes,
        indexFileBytes,
        modelFileBytes: created.modelFileBytes,
        tableBytes,
        load,
        jsHeapBefore,
        jsHeapAfterCreation,
        jsHeapAfter,
        peakDuringCreationBytes,
        peakMethod: load ? "sampled checkpoints + inspector JS heap" : "estimate from parts",
        afterBytes,
        peakBytes: Math.max(peakDuringCreationBytes, afterBytes),
        limitBytes: WORKER_MEMORY_LIMIT_BYTES,
        workerdPeakRssBytes: workerd.peakRssBytes,
      },
    };
  } finally {
    inspector?.close();
    await server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

/** `npm run bench` sections 3-4: the prepared B/32 encoder and a 10k-video index. */
export async function benchWorker(context: BenchContext): Promise<WorkerFigures> {
  const edgeDir = await benchEdgeDir(context.modelDir);
  const dimension = readEdgeManifest(edgeDir).model.dimension;
  const indexDir = await benchIndexDir(benchModelId(context.modelDir), dimension, INDEX_VIDEOS);
  return measureWorker({
    edgeDir,
    indexDir,
    queries: benchSentences(context.modelDir).sentences.map((s) => s.text),
    rounds: context.full ? 5 : 3,
    sequentialPerRound: context.full ? 60 : 30,
    concurrentPerRound: context.full ? 120 : 40,
    concurrency: context.full ? 8 : 4,
    warmup: 10,
    parityQueries: 20,
    timeLimitMs: context.full ? 180_000 : 60_000,
    log: context.log,
  });
}

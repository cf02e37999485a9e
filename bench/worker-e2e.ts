// The worker end to end under `wrangler dev` (same start as `npm start`): bundle size, cold start, warm query
// latency (sequential), and the isolate's memory (WASM heap, JS heap, bytes held) during encoder creation
// and after, against Workers' 128 MB. Run: npx tsx bench/worker-e2e.ts [--edge DIR --index DIR] [--json].
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { loadEdgeTextEncoder, readEdgeManifest } from "../indexer/edge/load-edge-encoder.ts";
import { rankVideos } from "../indexer/index-store/rank.ts";
import { readIndex } from "../indexer/index-store/reader.ts";
import { nodeOrt } from "../indexer/onnx-runtime.ts";
import { startLocalServer, WRANGLER_CONFIG } from "../indexer/serve/local-server.ts";
import { scoreRows } from "../shared/vectors.ts";
import {
  BENCH_DATA,
  benchEdgeDir,
  benchIndexDir,
  benchModelDir,
  benchModelId,
  benchSentences,
  ROOT,
} from "./lib/fixtures.ts";
import { type Summary, summarize } from "./lib/stats.ts";

/** Runtime.getHeapUsage of the isolate, bytes; backingStorageSize counts ArrayBuffer stores. */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  backingStorageSize?: number;
}

/** The slice of the `ws` client used (installed with wrangler; wrangler's inspector proxy needs it). */
interface Socket {
  on(event: "message", listener: (data: Buffer) => void): void;
  once(event: "open" | "error", listener: (error?: Error) => void): void;
  send(data: string): void;
  close(): void;
}

/**
 * Minimal DevTools client of the worker isolate (wrangler dev's --inspector-port). A shared
 * bench/lib/inspector.ts was being rewritten when this was written; merge the two once it settles.
 */
class IsolateInspector {
  private nextId = 1;
  private readonly pending = new Map<number, (value: unknown) => void>();

  private constructor(private readonly socket: Socket) {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.pending.get(message.id)?.(message.result);
    });
  }

  static async connect(port: number): Promise<IsolateInspector> {
    const WebSocket = createRequire(import.meta.url)("ws") as new (url: string) => Socket;
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    if (!targets[0]) throw new Error(`no inspector target on port ${port}`);
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new IsolateInspector(socket);
  }

  private call<T>(method: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, 10_000);
      this.pending.set(id, (value) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(value as T);
      });
      this.socket.send(JSON.stringify({ id, method }));
    });
  }

  heapUsage(): Promise<HeapUsage> {
    return this.call<HeapUsage>("Runtime.getHeapUsage");
  }

  /** After two full collections 0.5 s apart: ArrayBuffer stores are released by a pass after the first. */
  async heapUsageAfterGc(): Promise<HeapUsage> {
    await this.call("HeapProfiler.collectGarbage").catch(() => undefined);
    await new Promise((wake) => setTimeout(wake, 1500));
    await this.call("HeapProfiler.collectGarbage").catch(() => undefined);
    return this.heapUsage();
  }

  close(): void {
    this.socket.close();
  }
}

/** Workers' memory limit per isolate. */
export const WORKER_MEMORY_LIMIT_BYTES = 128 * 2 ** 20;

export interface WorkerE2eOptions {
  /** Prepared edge encoder directory (prepare-edge output). */
  edgeDir: string;
  /** Local index directory (e.g. 10k videos). */
  indexDir: string;
  /** Distinct query texts: the first is the cold query, the rest are timed warm (never cached). */
  queries: string[];
  /** Warm queries to time, sequentially (default 50, bounded by queries.length - 1). */
  warmQueries?: number;
  /** wrangler state folder (default: a temp folder, deleted afterwards). */
  persistTo?: string;
  log: (message: string) => void;
}

export interface WorkerE2eFigures {
  /** `wrangler deploy --dry-run` output: bytes on disk and gzipped (the Workers size limit counts gzip). */
  bundle: { bytes: number; gzipBytes: number; files: Record<string, number> };
  coldStart: {
    /** Spawn of wrangler dev until it answers HTTP (not the isolate: tooling). */
    serverReadyMs: number;
    /** First GET /api/search: R2 reads, ORT init, session creation, index load, one query. */
    firstSearchMs: number;
    /** The worker's own encoder load time (health model.loadMs). */
    encoderLoadMs: number;
  };
  /**
   * The worker's top 10 against the same edge encoder in onnxruntime-node + exact search over the index
   * (float32): share of queries with the same first video, mean overlap of the top 10, largest score gap
   * (the worker's index is int8).
   */
  parity: { queries: number; sameFirst: number; top10Overlap: number; maxScoreDiff: number };
  /** Client-side milliseconds per GET /api/search?k=10, distinct queries one at a time. */
  warm: Summary & { errors: number };
  memory: {
    wasmHeapBytes: number;
    indexBytes: number;
    /** Model files read from R2 (graph + external data + table); only the table stays referenced. */
    modelFileBytes: number;
    tableBytes: number;
    /**
     * Largest inspector sample (JS heap used + ArrayBuffer backing stores) during the cold request; zeros
     * when the inspector did not answer while the isolate was busy (usual under wrangler dev).
     */
    jsPeakDuringCreation: HeapUsage;
    /** After the warm queries and a forced GC. */
    jsAfter: HeapUsage;
    /**
     * Estimate of the peak while the session is created, from measured parts that coexist then: WASM heap
     * after the cold request + every model file (the graph bytes stay in JS until ORT has copied them) +
     * JS heap (the larger of the sample and the after-GC figure) + the index.
     */
    peakDuringCreationBytes: number;
    /** WASM heap + JS heap and backing stores after GC (table and index are backing stores). */
    afterBytes: number;
    limitBytes: number;
    /**
     * workerd's resident memory (whole process: runtime, wrangler's proxy worker, this isolate) before the
     * first search, its peak (VmHWM) at the end, and the growth: an outer bound of the isolate's peak.
     */
    workerdRssBeforeBytes: number;
    workerdPeakRssBytes: number;
    workerdPeakGrowthBytes: number;
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Builds the worker as `wrangler deploy` would and measures it. */
export function measureBundle(): WorkerE2eFigures["bundle"] {
  const out = mkdtempSync(join(tmpdir(), "clip-worker-bundle-"));
  try {
    const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
    execFileSync(
      process.execPath,
      [wrangler, "deploy", "--dry-run", "--config", WRANGLER_CONFIG, "--outdir", out],
      {
        cwd: ROOT,
        stdio: "ignore",
      },
    );
    const files: Record<string, number> = {};
    let bytes = 0;
    let gzipBytes = 0;
    for (const path of listFiles(out)) {
      if (path.endsWith(".map")) continue;
      const data = readFileSync(path);
      files[path.slice(out.length + 1)] = data.byteLength;
      bytes += data.byteLength;
      gzipBytes += gzipSync(data).byteLength;
    }
    return { bytes, gzipBytes, files };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

interface Health {
  model: { loadMs: number } | null;
  memory: { wasmHeapBytes: number; indexBytes: number; modelFileBytes: number };
}

async function timedSearch(url: string, q: string): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/api/search?k=10&q=${encodeURIComponent(q)}`);
    await response.arrayBuffer();
    return { ms: performance.now() - started, ok: response.ok };
  } catch {
    return { ms: performance.now() - started, ok: false };
  }
}

/**
 * Samples the isolate's heap every 20 ms while `work` runs and keeps the largest JS heap + backing stores.
 * The inspector answers between tasks only, so the figure is a lower bound of the true peak.
 */
async function sampleHeapDuring<T>(
  inspector: IsolateInspector | undefined,
  work: Promise<T>,
): Promise<{ result: T; peak: HeapUsage }> {
  let peak: HeapUsage = { usedSize: 0, totalSize: 0 };
  if (!inspector) return { result: await work, peak };
  let done = false;
  const total = (usage: HeapUsage) => usage.usedSize + (usage.backingStorageSize ?? 0);
  const poll = (async () => {
    while (!done) {
      const usage = await inspector.heapUsage().catch(() => undefined);
      if (usage && total(usage) > total(peak)) peak = usage;
      await new Promise((wake) => setTimeout(wake, 20));
    }
  })();
  try {
    return { result: await work, peak };
  } finally {
    done = true;
    await poll;
  }
}

/** Resident memory of the workerd processes in `group` (Linux /proc), bytes: current and peak (VmHWM). */
function workerdMemory(group: number): { rssBytes: number; peakRssBytes: number } {
  let rssBytes = 0;
  let peakRssBytes = 0;
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== group || !stat.includes("(workerd)")) continue;
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
      rssBytes += kb("VmRSS");
      peakRssBytes += kb("VmHWM");
    } catch {
      // The process ended while listing.
    }
  }
  return { rssBytes, peakRssBytes };
}

interface SearchHits {
  results: { videoId: string; score: number }[];
}

/** Compares the worker's answers for `queries` with onnxruntime-node on the same files. */
async function measureParity(
  url: string,
  edgeDir: string,
  indexDir: string,
  queries: string[],
): Promise<WorkerE2eFigures["parity"]> {
  const encoder = await loadEdgeTextEncoder(nodeOrt, edgeDir);
  const index = await readIndex(indexDir);
  let sameFirst = 0;
  let overlap = 0;
  let maxScoreDiff = 0;
  try {
    const vectors = (await encoder.encode(queries)).vectors;
    for (const [i, q] of queries.entries()) {
      const response = await fetch(`${url}/api/search?k=10&q=${encodeURIComponent(q)}`);
      const worker = ((await response.json()) as SearchHits).results;
      const scores = scoreRows(index.vectors, index.manifest.model.dimension, vectors[i]);
      const node = rankVideos(index, scores, 10).map((hit) => ({
        videoId: index.videos[hit.video].id,
        score: hit.score,
      }));
      if (worker[0]?.videoId === node[0]?.videoId) sameFirst++;
      const ids = new Set(node.map((hit) => hit.videoId));
      overlap += worker.filter((hit) => ids.has(hit.videoId)).length / Math.max(1, node.length);
      for (const hit of worker) {
        const twin = node.find((n) => n.videoId === hit.videoId);
        if (twin) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(twin.score - hit.score));
      }
    }
  } finally {
    await encoder.release();
  }
  const n = queries.length;
  return { queries: n, sameFirst: sameFirst / n, top10Overlap: overlap / n, maxScoreDiff };
}

/** Measures the worker on `edgeDir` + `indexDir` under wrangler dev. */
export async function measureWorkerE2e(options: WorkerE2eOptions): Promise<WorkerE2eFigures> {
  const { log } = options;
  log("bundle: wrangler deploy --dry-run ...");
  const bundle = measureBundle();
  const persistTo = options.persistTo ?? mkdtempSync(join(tmpdir(), "clip-worker-e2e-"));
  const started = performance.now();
  const server = await startLocalServer({
    edgeDir: options.edgeDir,
    indexDir: options.indexDir,
    persistTo,
    port: 0,
    log,
  });
  const serverReadyMs = performance.now() - started - server.uploaded.ms;
  const inspector = await IsolateInspector.connect(server.inspectorPort).catch(() => undefined);
  try {
    const [coldQuery, ...rest] = options.queries;
    const before = workerdMemory(server.processGroup);
    log("cold start: first search ...");
    const zero: HeapUsage = { usedSize: 0, totalSize: 0 };
    const cold = await sampleHeapDuring(inspector, timedSearch(server.url, coldQuery));
    if (!cold.result.ok) throw new Error("the first search failed (see wrangler's output above)");
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as Health;
    const count = Math.min(options.warmQueries ?? 50, rest.length);
    log(`warm: ${count} sequential queries ...`);
    const warm: { ms: number; ok: boolean }[] = [];
    for (const q of rest.slice(0, count)) warm.push(await timedSearch(server.url, q));
    const after = (await (await fetch(`${server.url}/api/health`)).json()) as Health;
    log("parity with onnxruntime-node: 20 queries ...");
    const parity = await measureParity(server.url, options.edgeDir, options.indexDir, rest.slice(0, 20));
    const jsAfter = inspector ? await inspector.heapUsageAfterGc().catch(() => zero) : zero;
    const workerd = workerdMemory(server.processGroup);
    const manifest = readEdgeManifest(options.edgeDir);
    const tableBytes = statSync(join(options.edgeDir, manifest.table.file)).size;
    const js = (usage: HeapUsage) => usage.usedSize + (usage.backingStorageSize ?? 0);
    return {
      bundle,
      coldStart: {
        serverReadyMs: Math.round(serverReadyMs),
        firstSearchMs: Math.round(cold.result.ms),
        encoderLoadMs: health.model?.loadMs ?? Number.NaN,
      },
      parity,
      warm: {
        ...summarize(
          warm.map((r) => r.ms),
          "ms",
        ),
        errors: warm.filter((r) => !r.ok).length,
      },
      memory: {
        wasmHeapBytes: after.memory.wasmHeapBytes,
        indexBytes: after.memory.indexBytes,
        modelFileBytes: health.memory.modelFileBytes,
        tableBytes,
        jsPeakDuringCreation: cold.peak,
        jsAfter,
        peakDuringCreationBytes:
          health.memory.wasmHeapBytes +
          health.memory.modelFileBytes +
          Math.max(cold.peak.usedSize, jsAfter.usedSize) +
          health.memory.indexBytes,
        afterBytes: after.memory.wasmHeapBytes + js(jsAfter),
        limitBytes: WORKER_MEMORY_LIMIT_BYTES,
        workerdRssBeforeBytes: before.rssBytes,
        workerdPeakRssBytes: workerd.peakRssBytes,
        workerdPeakGrowthBytes: workerd.peakRssBytes - before.rssBytes,
      },
    };
  } finally {
    inspector?.close();
    await server.stop();
    if (!options.persistTo) rmSync(persistTo, { recursive: true, force: true });
  }
}

const isEntryPoint = process.argv[1]?.endsWith("bench/worker-e2e.ts");
if (isEntryPoint) {
  const { values } = parseArgs({
    options: {
      edge: { type: "string" },
      index: { type: "string" },
      videos: { type: "string", default: "10000" },
      queries: { type: "string", default: "50" },
      json: { type: "boolean", default: false },
    },
  });
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const modelDir = benchModelDir();
  const edgeDir = values.edge ?? benchEdgeDir(modelDir);
  const dimension = readEdgeManifest(edgeDir).model.dimension;
  const indexDir =
    values.index ?? (await benchIndexDir(benchModelId(modelDir), dimension, Number(values.videos)));
  const figures = await measureWorkerE2e({
    edgeDir,
    indexDir,
    queries: benchSentences(modelDir).sentences.map((s) => s.text),
    warmQueries: Number(values.queries),
    persistTo: join(BENCH_DATA, "worker-e2e-state"),
    log,
  });
  process.stdout.write(`${JSON.stringify(figures, null, values.json ? undefined : 2)}\n`);
}

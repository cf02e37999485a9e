// Bench: where the edge text encoder's time goes. A per-operator profile in onnxruntime-node (1 thread, the
// profiler ONNX Runtime ships) and in onnxruntime-web under Node (the Worker's runtime: its WASM build prints the
// same profile to the console), grouped by op type, with the web run latency.
// Usage: npx tsx bench/profile-edge.ts [--edge EDGE_DIR] [--queries N] [--json]
//   --edge DIR    prepared edge directory (default: the bench's, prepared from the random ViT-B/32)
//   --queries N   MSR-VTT 1k-A sentences to run (default 200; the bench's generated captions without ../shared)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ortNode from "onnxruntime-node";
import { readEdgeManifest } from "../indexer/edge/load-edge-encoder.ts";
import { webOrt } from "../indexer/onnx-runtime-web.ts";
import { createEdgeTextEncoder, TokenEmbeddingTable } from "../shared/model/edge-text-encoder.ts";
import type { OrtTensor } from "../shared/model/ort-types.ts";
import { ClipTokenizer } from "../shared/tokenizer/clip-tokenizer.ts";
import { benchEdgeDir, benchModelDir, benchSentences } from "./lib/fixtures.ts";
import { round, summarize } from "./lib/stats.ts";

interface ProfileEvent {
  cat: string;
  ts: number;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

const { values } = parseArgs({
  options: { edge: { type: "string" }, queries: { type: "string" }, json: { type: "boolean" } },
});
const modelDir = benchModelDir();
const edgeDir = values.edge ?? (await benchEdgeDir(modelDir));
const count = Number(values.queries ?? 200);
const { sentences } = benchSentences(modelDir);
const ids = sentences.slice(0, count).map((s) => [49406, ...s.ids.slice(0, 75), 49407]);
const manifest = readEdgeManifest(edgeDir);
const read = (name: string) => new Uint8Array(readFileSync(join(edgeDir, name)));
const source = () => ({
  manifest,
  table: read(manifest.table.file),
  graph: read(manifest.graph.file),
  externalData: manifest.graph.externalData.map((path) => ({ path, data: read(path) })),
  tokenizer: ClipTokenizer.fromFiles(
    readFileSync(join(edgeDir, manifest.tokenizer.vocab), "utf8"),
    readFileSync(join(edgeDir, manifest.tokenizer.merges), "utf8"),
  ),
});

/** Kernel time per op type (µs) and node runs, from profile events, skipping the first `skipRuns` model runs. */
function kernelTimes(events: ProfileEvent[], skipRuns: number) {
  const runs = events
    .filter((e) => e.cat === "Session" && e.name === "model_run")
    .sort((a, b) => a.ts - b.ts);
  const from = runs[skipRuns]?.ts ?? 0;
  const byOp = new Map<string, { us: number; runs: number }>();
  let totalUs = 0;
  for (const event of events) {
    if (event.cat !== "Node" || !event.name.endsWith("_kernel_time") || event.ts < from) continue;
    const op = event.args?.op_name ?? "?";
    const entry = byOp.get(op) ?? { us: 0, runs: 0 };
    entry.us += event.dur;
    entry.runs++;
    byOp.set(op, entry);
    totalUs += event.dur;
  }
  return { byOp, totalUs, runs: runs.length - skipRuns };
}

const WARMUP_RUNS = 5;
const warmIds = [...ids.slice(0, WARMUP_RUNS), ...ids];

// onnxruntime-node with its profiler: one JSON event per node run, written to a file.
const profileDir = mkdtempSync(join(tmpdir(), "edge-profile-"));
const node = await createEdgeTextEncoder(ortNode, source(), {
  intraOpNumThreads: 1,
  enableProfiling: true,
  profileFilePrefix: join(profileDir, "edge"),
} as Parameters<typeof createEdgeTextEncoder>[2]);
for (const row of warmIds) await node.encodeIds([row]);
await node.release();
const file = readdirSync(profileDir).find((name) => name.endsWith(".json"))!;
const nodeTimes = kernelTimes(JSON.parse(readFileSync(join(profileDir, file), "utf8")), WARMUP_RUNS);
rmSync(profileDir, { recursive: true, force: true });

// onnxruntime-web: its WASM build has no file system, so EndProfiling prints the same JSON to the console.
const webSession = await webOrt.InferenceSession.create(read(manifest.graph.file), {
  externalData: source().externalData,
  enableProfiling: true,
} as Parameters<typeof webOrt.InferenceSession.create>[1]);
const table = new TokenEmbeddingTable(manifest.table, read(manifest.table.file));
const webMs: number[] = [];
for (const [i, row] of warmIds.entries()) {
  const feeds: Record<string, OrtTensor> = {
    [manifest.graph.inputs.embeds]: new webOrt.Tensor("float32", table.gather(row), [
      1,
      row.length,
      table.width,
    ]),
  };
  for (const input of [manifest.graph.inputs.ids, manifest.graph.inputs.mask])
    if (input)
      feeds[input.name] = new webOrt.Tensor(
        "int64",
        BigInt64Array.from(row, (id) => (input === manifest.graph.inputs.mask ? 1n : BigInt(id))),
        [1, row.length],
      );
  const start = performance.now();
  await webSession.run(feeds);
  if (i >= WARMUP_RUNS) webMs.push(performance.now() - start);
}
// Emscripten writes it with process.stdout.write under Node (console.log in a browser): both are caught.
const printed: string[] = [];
const write = process.stdout.write;
const log = console.log;
process.stdout.write = ((chunk: string | Uint8Array) => {
  printed.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk));
  return true;
}) as typeof process.stdout.write;
console.log = (...args: unknown[]) => void printed.push(args.join(" "));
try {
  (webSession as unknown as { endProfiling(): void }).endProfiling();
} finally {
  process.stdout.write = write;
  console.log = log;
}
await webSession.release();
const webEvents = printed
  .join("")
  .split("\n")
  .filter((line) => line.startsWith("{"))
  .map((line) => JSON.parse(line.replace(/,\s*$/, "")) as ProfileEvent);
const webTimes = kernelTimes(webEvents, WARMUP_RUNS);

const profile = [...new Set([...nodeTimes.byOp.keys(), ...webTimes.byOp.keys()])]
  .map((op) => {
    const n = nodeTimes.byOp.get(op) ?? { us: 0, runs: 0 };
    const w = webTimes.byOp.get(op) ?? { us: 0, runs: 0 };
    return {
      op,
      webMsPerQuery: round(w.us / 1000 / webTimes.runs),
      webShare: round(w.us / webTimes.totalUs),
      nodeMsPerQuery: round(n.us / 1000 / nodeTimes.runs),
      webOverNode: n.us ? round(w.us / webTimes.runs / (n.us / nodeTimes.runs)) : null,
      nodesPerQuery: round(Math.max(n.runs / nodeTimes.runs, w.runs / webTimes.runs)),
    };
  })
  .sort((a, b) => b.webMsPerQuery - a.webMsPerQuery);

const report = {
  edgeDir,
  queries: ids.length,
  meanTokens: round(ids.reduce((s, r) => s + r.length, 0) / ids.length),
  nodeKernelMsPerQuery: round(nodeTimes.totalUs / 1000 / nodeTimes.runs),
  webKernelMsPerQuery: round(webTimes.totalUs / 1000 / webTimes.runs),
  nodesRunPerQuery: {
    node: round([...nodeTimes.byOp.values()].reduce((sum, e) => sum + e.runs, 0) / nodeTimes.runs),
    web: round([...webTimes.byOp.values()].reduce((sum, e) => sum + e.runs, 0) / webTimes.runs),
  },
  profile,
  webLatencyMs: summarize(webMs, "ms"),
};
if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  process.stdout.write(
    `${edgeDir}: ${report.queries} queries, mean ${report.meanTokens} tokens; kernels per query: onnxruntime-web ${report.webKernelMsPerQuery} ms over ${report.nodesRunPerQuery.web} nodes (run p50 ${report.webLatencyMs.p50} ms), onnxruntime-node ${report.nodeKernelMsPerQuery} ms over ${report.nodesRunPerQuery.node} nodes\n`,
  );
  process.stdout.write("op | web ms/query | web share | node ms/query | web/node | nodes/query\n");
  for (const row of profile)
    process.stdout.write(
      `${row.op} | ${row.webMsPerQuery} | ${row.webShare} | ${row.nodeMsPerQuery} | ${row.webOverNode ?? "-"} | ${row.nodesPerQuery}\n`,
    );
}

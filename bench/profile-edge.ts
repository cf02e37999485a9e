// Bench: where the edge text encoder's time goes. A per-operator profile in onnxruntime-node (1 thread, the
// profiler ONNX Runtime ships), grouped by op type, and per-query latency of the same graph in
// onnxruntime-web under Node (the Worker's runtime; ORT-web cannot write profiles from WASM).
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
import { createEdgeTextEncoder } from "../shared/model/edge-text-encoder.ts";
import { ClipTokenizer } from "../shared/tokenizer/clip-tokenizer.ts";
import { benchEdgeDir, benchModelDir, benchSentences } from "./lib/fixtures.ts";
import { round, summarize } from "./lib/stats.ts";

interface ProfileEvent {
  cat: string;
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

// onnxruntime-node with its profiler: one JSON event per node run.
const profileDir = mkdtempSync(join(tmpdir(), "edge-profile-"));
const node = await createEdgeTextEncoder(ortNode, source(), {
  intraOpNumThreads: 1,
  enableProfiling: true,
  profileFilePrefix: join(profileDir, "edge"),
} as Parameters<typeof createEdgeTextEncoder>[2]);
for (const row of ids) await node.encodeIds([row]);
await node.release();
const file = readdirSync(profileDir).find((name) => name.endsWith(".json"))!;
const events = JSON.parse(readFileSync(join(profileDir, file), "utf8")) as ProfileEvent[];
rmSync(profileDir, { recursive: true, force: true });
const byOp = new Map<string, { us: number; runs: number }>();
let totalUs = 0;
for (const event of events) {
  if (event.cat !== "Node" || !event.name.endsWith("_kernel_time")) continue;
  const op = event.args?.op_name ?? "?";
  const entry = byOp.get(op) ?? { us: 0, runs: 0 };
  entry.us += event.dur;
  entry.runs++;
  byOp.set(op, entry);
  totalUs += event.dur;
}
const nodesPerRun = [...byOp.values()].reduce((s, e) => s + e.runs, 0) / ids.length;
const profile = [...byOp.entries()]
  .sort((a, b) => b[1].us - a[1].us)
  .map(([op, e]) => ({
    op,
    msPerQuery: round(e.us / 1000 / ids.length),
    share: round(e.us / totalUs),
    nodesPerQuery: round(e.runs / ids.length),
  }));

// The same graph in onnxruntime-web (the Worker's runtime), default and disabled graph optimization.
const web = await createEdgeTextEncoder(webOrt, source());
for (const row of ids.slice(0, 5)) await web.encodeIds([row]);
const webMs: number[] = [];
for (const row of ids) {
  const start = performance.now();
  await web.encodeIds([row]);
  webMs.push(performance.now() - start);
}
await web.release();

const report = {
  edgeDir,
  queries: ids.length,
  meanTokens: round(ids.reduce((s, r) => s + r.length, 0) / ids.length),
  nodeKernelMsPerQuery: round(totalUs / 1000 / ids.length),
  nodesRunPerQuery: round(nodesPerRun),
  profile,
  webLatencyMs: summarize(webMs, "ms"),
};
if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  process.stdout.write(
    `${edgeDir}: ${report.queries} queries, mean ${report.meanTokens} tokens; onnxruntime-node kernels ${report.nodeKernelMsPerQuery} ms/query over ${report.nodesRunPerQuery} nodes; onnxruntime-web p50 ${report.webLatencyMs.p50} ms\n`,
  );
  process.stdout.write("op | ms/query (node) | share | nodes/query\n");
  for (const row of profile)
    process.stdout.write(`${row.op} | ${row.msPerQuery} | ${row.share} | ${row.nodesPerQuery}\n`);
}

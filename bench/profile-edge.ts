// Bench: where the edge text encoder's time goes. Per-operator profiles (by op type, warm-up runs left out)
// in onnxruntime-node (1 thread) and in onnxruntime-web under Node (the Worker's runtime: its WASM build prints
// the profile at endProfiling, so it runs in a child process whose stdout is parsed), and the per-query
// latency of the same graph in onnxruntime-web without the profiler.
// Usage: npx tsx bench/profile-edge.ts [--edge EDGE_DIR] [--queries N] [--json]
//   --edge DIR    prepared edge directory (default: the bench's, prepared from the random ViT-B/32)
//   --queries N   MSR-VTT 1k-A sentences to run (default 200; the bench's generated captions without ../shared)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as ortNode from "onnxruntime-node";
import { readEdgeManifest } from "../indexer/prepare-edge/load-edge-encoder.ts";
import { webOrt } from "../indexer/prepare-edge/onnx-runtime-web.ts";
import { createEdgeTextEncoder } from "../shared/model/edge-text-encoder.ts";
import type { OrtNamespace, OrtSessionOptions } from "../shared/model/ort-types.ts";
import { ClipTokenizer } from "../shared/tokenizer/clip-tokenizer.ts";
import { benchEdgeDir, benchModelDir, benchSentences } from "./lib/fixtures.ts";
import { type ProfileEvent, parsePrintedProfile, summarizeProfile } from "./lib/ort-profile.ts";
import { round, summarize } from "./lib/stats.ts";

const WARMUP_RUNS = 5;

const { values } = parseArgs({
  options: {
    edge: { type: "string" },
    queries: { type: "string" },
    json: { type: "boolean" },
    "web-child": { type: "boolean" },
  },
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

/**
 * Child: the edge encoder in onnxruntime-web with its session's profiler (the encoder's own feeds, so the profile
 * is of what the Worker runs); ORT prints the events to stdout at endProfiling.
 */
async function webProfileChild(): Promise<void> {
  let session: { endProfiling(): void } | undefined;
  const profiling: OrtNamespace = {
    Tensor: webOrt.Tensor,
    InferenceSession: {
      async create(model, options) {
        const created = await webOrt.InferenceSession.create(model, {
          ...options,
          enableProfiling: true,
        } as OrtSessionOptions);
        session = created as unknown as { endProfiling(): void };
        return created;
      },
    },
  };
  const encoder = await createEdgeTextEncoder(profiling, source());
  for (const row of [...ids.slice(0, WARMUP_RUNS), ...ids]) await encoder.encodeIds([row]);
  session?.endProfiling();
  await encoder.release();
}

if (values["web-child"]) {
  await webProfileChild();
  process.exit(0);
}

// onnxruntime-node with its profiler: one JSON event per node run, written to a file.
const profileDir = mkdtempSync(join(tmpdir(), "edge-profile-"));
const node = await createEdgeTextEncoder(ortNode, source(), {
  intraOpNumThreads: 1,
  enableProfiling: true,
  profileFilePrefix: join(profileDir, "edge"),
} as Parameters<typeof createEdgeTextEncoder>[2]);
for (const row of [...ids.slice(0, WARMUP_RUNS), ...ids]) await node.encodeIds([row]);
await node.release();
const file = readdirSync(profileDir).find((name) => name.endsWith(".json"))!;
const nodeEvents = JSON.parse(readFileSync(join(profileDir, file), "utf8")) as ProfileEvent[];
rmSync(profileDir, { recursive: true, force: true });
const nodeProfile = summarizeProfile(nodeEvents, WARMUP_RUNS);

// onnxruntime-web with its profiler, in a child process (the profile goes to that process's stdout).
const childArgs = ["--import", "tsx", fileURLToPath(import.meta.url), "--web-child", "--edge", edgeDir];
const stdout = execFileSync(process.execPath, [...childArgs, "--queries", String(count)], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  maxBuffer: 1 << 30,
});
const webProfile = summarizeProfile(parsePrintedProfile(stdout), WARMUP_RUNS);

// The same graph in onnxruntime-web without the profiler: what a query costs.
const web = await createEdgeTextEncoder(webOrt, source());
for (const row of ids.slice(0, WARMUP_RUNS)) await web.encodeIds([row]);
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
  node: nodeProfile,
  web: webProfile,
  webLatencyMs: summarize(webMs, "ms"),
};
if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${edgeDir}: ${report.queries} queries, mean ${report.meanTokens} tokens`);
  out(
    `onnxruntime-web without profiler: p50 ${report.webLatencyMs.p50} ms, mean ${report.webLatencyMs.mean} ms`,
  );
  for (const [name, profile] of [
    ["onnxruntime-node", nodeProfile],
    ["onnxruntime-web (profiled)", webProfile],
  ] as const) {
    out(
      `\n${name}: kernels ${profile.kernelMsPerRun} ms/run, model_run ${profile.modelRunMsPerRun} ms/run, ${profile.nodesPerRun} nodes/run`,
    );
    out("op | ms/run | share | nodes/run");
    for (const row of profile.byOp) out(`${row.op} | ${row.msPerRun} | ${row.share} | ${row.nodesPerRun}`);
  }
}

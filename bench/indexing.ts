// Bench: indexing throughput in frames/s, CPU: decode alone, preprocess alone, embedding alone, and
// the whole `index` pipeline (stages overlapped), on the random ViT-B/32 model by default.
// Usage: npx tsx bench/indexing.ts [--model DIR] [--videos DIR] [--sample all] [--threads 2] [--batch 16]
//        [--repeat 1] [--json]
//   --model DIR    CLIP model directory (default: random ViT-B/32 generated once under models/.cache)
//   --videos DIR   videos to index (default ../shared/videos)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { decodeVideoFrames } from "../indexer/decode/decode-video.ts";
import { parseSampling } from "../indexer/decode/sampling.ts";
import { discoverVideos } from "../indexer/discover/discover.ts";
import { loadImageTower } from "../indexer/embed/clip-towers.ts";
import { resolveModelDir } from "../indexer/embed/model-dir.ts";
import { indexLibrary } from "../indexer/index/index-library.ts";
import { parseAggregation } from "../shared/aggregate.ts";
import { benchModelDir } from "./lib/fixtures.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** One measured stage. */
export interface IndexingMeasurement {
  stage: "decode" | "preprocess" | "embed" | "pipeline";
  frames: number;
  seconds: number;
  framesPerSec: number;
}

function measurement(
  stage: IndexingMeasurement["stage"],
  frames: number,
  seconds: number,
): IndexingMeasurement {
  return {
    stage,
    frames,
    seconds: Math.round(seconds * 1000) / 1000,
    framesPerSec: Math.round((frames / seconds) * 10) / 10,
  };
}

/** Runs the four measurements; `repeat` passes over the videos for the decode/preprocess/embed parts. */
export async function benchIndexing(options: {
  modelDir: string;
  videosDir: string;
  sampling: string;
  threads: number;
  batchSize: number;
  repeat: number;
}): Promise<IndexingMeasurement[]> {
  const library = await discoverVideos(options.videosDir);
  const sampling = parseSampling(options.sampling);
  const results: IndexingMeasurement[] = [];

  // Decode alone (frames are kept for the next two measurements).
  const frames = [];
  let start = performance.now();
  for (let r = 0; r < options.repeat; r++) {
    for (const video of library.videos) {
      for await (const frame of decodeVideoFrames(video.path, { sampling, decoder: "native" })) {
        if (r === 0) frames.push(frame);
      }
    }
  }
  results.push(measurement("decode", frames.length * options.repeat, (performance.now() - start) / 1000));

  const model = resolveModelDir(options.modelDir, { towers: ["vision"] });
  const tower = await loadImageTower(model, { device: "cpu", threads: options.threads });
  try {
    start = performance.now();
    const pixels = frames.map((frame) => tower.preprocess(frame));
    results.push(measurement("preprocess", pixels.length, (performance.now() - start) / 1000));

    // Embedding alone: the same batches the pipeline runs; the first batch warms the session up.
    const size = pixels[0].length;
    const batch = new Float32Array(size * options.batchSize);
    const embedBatch = async (from: number) => {
      const count = Math.min(options.batchSize, pixels.length - from);
      for (let i = 0; i < count; i++) batch.set(pixels[from + i], i * size);
      await tower.embedder.embed(batch.subarray(0, count * size), count);
      return count;
    };
    await embedBatch(0);
    start = performance.now();
    let embedded = 0;
    for (let r = 0; r < options.repeat; r++) {
      for (let from = 0; from < pixels.length; from += options.batchSize) embedded += await embedBatch(from);
    }
    results.push(measurement("embed", embedded, (performance.now() - start) / 1000));
  } finally {
    await tower.release();
  }

  // The pipeline as `index` runs it (seconds.pipeline: session load and index writing excluded, like
  // the stages above). Batches span videos there too, so the embed figure above uses the same batches.
  const out = await mkdtemp(join(tmpdir(), "bench-indexing-"));
  try {
    const summary = await indexLibrary({
      videos: options.videosDir,
      modelDir: options.modelDir,
      outDir: join(out, "index"),
      sampling,
      aggregations: [parseAggregation("mean")],
      segmentSec: null,
      captionsFile: null,
      manifestFile: null,
      runtime: { device: "cpu", threads: options.threads },
      batchSize: options.batchSize,
      decoder: "native",
      dtype: "float32",
      shard: null,
    });
    results.push(measurement("pipeline", summary.frames, summary.seconds.pipeline));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  return results;
}

const isEntryPoint =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      videos: { type: "string", default: resolve(ROOT, "..", "shared", "videos") },
      sample: { type: "string", default: "all" },
      threads: { type: "string", default: "2" },
      batch: { type: "string", default: "16" },
      repeat: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
    },
  });
  // The bench's one random ViT-B/32 (only its vision tower runs here, the same weights either vocabulary).
  const modelDir = values.model ?? benchModelDir();
  const options = {
    modelDir,
    videosDir: values.videos,
    sampling: values.sample,
    threads: Number(values.threads),
    batchSize: Number(values.batch),
    repeat: Number(values.repeat),
  };
  const results = await benchIndexing(options);
  if (values.json) process.stdout.write(`${JSON.stringify({ options, results }, null, 2)}\n`);
  else {
    process.stdout.write(
      `indexing bench: ${modelDir}, ${values.videos}, sample ${values.sample}, ${values.threads} threads, batch ${values.batch}\n`,
    );
    for (const r of results)
      process.stdout.write(
        `  ${r.stage.padEnd(10)} ${String(r.frames).padStart(5)} frames  ${r.seconds.toFixed(2).padStart(7)} s  ${r.framesPerSec.toFixed(1).padStart(7)} frames/s\n`,
      );
  }
}

import { InputError } from "../../shared/errors.ts";
import { parseAggregationList } from "../cli/aggregation-list.ts";
import { parseDecimalOption } from "../cli/args.ts";
import type { CommandContext } from "../cli/command.ts";
import { defineCommand } from "../cli/define-command.ts";
import {
  aggregateOption,
  decoderOption,
  deviceOption,
  frameBatchOption,
  threadsOption,
} from "../cli/engine-options.ts";
import { parseSampling } from "../decode/sampling.ts";
import { resolveShard } from "../discover/shard.ts";
import { listSome } from "../discover/video-id.ts";
import { parseModelDtype } from "../embed/model-dir.ts";
import { type IndexSummary, indexLibrary } from "../index/index-library.ts";
import { ProgressReporter } from "../pipeline/progress.ts";

const DETAILS = `
Embeds the frames of every video with a CLIP image encoder and writes a local index directory
(manifest.json, videos.json, vectors.npy, rows.json, captions.*, thumbnails/, sync.json). VIDEOS is
a directory (searched recursively, symlinks followed), a text file with one video path or http(s)
URL per line, a manifest table (CSV/TSV/JSON with a path column), or s3://bucket/prefix on any
S3-compatible store (AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION;
ffmpeg streams presigned URLs). A video's id is its path relative to the library (or the prefix)
without the extension (clips/a.mp4 -> clips/a), or the manifest's id.

Run again on the same --out, index syncs: it embeds new and changed videos (size + mtime; ETag for
URLs and objects), drops removed ones and keeps the stored vectors, thumbnails and captions of the others; the
result equals a fresh build. An interrupted run resumes where it stopped.

--shard auto --shards N takes the shard of an array job's task: JOB_COMPLETION_INDEX (Kubernetes Indexed
Job), SLURM_ARRAY_TASK_ID (counted from SLURM_ARRAY_TASK_MIN) or AWS_BATCH_JOB_ARRAY_INDEX; task k
(0-based) is shard k+1 of N.

Exit status: 0 all videos indexed, 3 some skipped (listed), 2 bad input or a refused sync.
`;

function printSummary(summary: IndexSummary, context: CommandContext): void {
  const { videos, seconds, sync, captions } = summary;
  const lines = [
    `model ${summary.model.id}: ${Object.entries(summary.model.files)
      .map(([tower, file]) => `${tower} ${file}`)
      .join(", ")}`,
    `indexed ${videos.indexed}/${videos.total} videos (${videos.resumed} resumed) into ${summary.outDir}: ${summary.vectors} vectors, ${captions.stored} captions (${captions.reused} reused)`,
    `sync: ${sync.added} added, ${sync.changed} changed, ${sync.removed} removed, ${sync.unchanged} unchanged (${sync.reused} kept without decoding)`,
    `${summary.frames} frames in ${seconds.total}s (${summary.framesPerSec} frames/s); busy seconds: decode ${seconds.decode}, preprocess ${seconds.preprocess}, embed ${seconds.embed}, write ${seconds.write}`,
  ];
  if (sync.reembedReason !== null) lines.push(`re-embedded every video: ${sync.reembedReason}`);
  if (sync.removedIds.length > 0) lines.push(`removed: ${listSome(sync.removedIds, 10)}`);
  for (const warning of summary.warnings) lines.push(`warning: ${warning}`);
  if (captions.notIndexed > 0)
    lines.push(
      `${captions.notIndexed} captions belong to videos not in this index (skipped, or other shards)`,
    );
  if (captions.unmatched > 0) lines.push(`${captions.unmatched} captions name no video and were left out`);
  if (summary.unmatchedManifestRows > 0)
    lines.push(`${summary.unmatchedManifestRows} manifest rows name no video and were left out`);
  if (summary.skipped.length > 0) {
    lines.push(`skipped ${summary.skipped.length} files:`);
    for (const s of summary.skipped) lines.push(`  ${s.path}: ${s.reason}`);
  }
  context.stderr.write(`${lines.join("\n")}\n`);
}

export const command = defineCommand({
  name: "index",
  summary: "embed a folder of videos into a local searchable index (resumable, shardable)",
  positionals: [
    { name: "VIDEOS", description: "folder, list file, manifest table or s3:// prefix (see below)" },
  ],
  options: {
    model: {
      type: "string",
      valueName: "DIR",
      required: true,
      description: "CLIP model directory (config.json, onnx/vision_model.onnx, ...)",
    },
    out: {
      type: "string",
      valueName: "INDEX_DIR",
      required: true,
      description: "index directory to write (replaced atomically)",
    },
    sample: {
      type: "string",
      valueName: "SPEC",
      default: "fps:1",
      description: "frame sampling: all | fps:N | uniform:N | frames:i,j",
    },
    aggregate: aggregateOption(),
    segments: {
      type: "string",
      valueName: "SEC",
      description: "also store the mean of each SEC-second window (hop SEC/2) for moments",
    },
    captions: {
      type: "string",
      valueName: "FILE",
      description: "CSV/TSV/JSON of video id + caption; stores caption vectors",
    },
    manifest: {
      type: "string",
      valueName: "FILE",
      description: "CSV/JSON of id, path, title, url (paths relative to the file)",
    },
    device: deviceOption,
    threads: threadsOption,
    batch: frameBatchOption,
    decoder: decoderOption(),
    dtype: {
      type: "string",
      valueName: "D",
      description:
        "model files to run: fp32 | fp16 | q8 | int8 | uint8 | q4 | q4f16 | bnb4, as Transformers.js names them (default fp32)",
    },
    "vector-dtype": {
      type: "string",
      choices: ["float32", "float16"],
      default: "float32",
      description: "storage type of the index's vectors",
    },
    shard: {
      type: "string",
      valueName: "i/n",
      description: "index only shard i of n (1-based; combine shards with `merge`), or auto (see below)",
    },
    shards: { type: "string", valueName: "N", description: "the shard count of --shard auto" },
    prune: {
      type: "boolean",
      description: "let a sync remove more than half of the index (refused otherwise)",
    },
    "allow-unmatched": {
      type: "boolean",
      description: "leave out caption and manifest rows naming no video (refused otherwise)",
    },
    json: { type: "boolean", description: "print a JSON summary on stdout" },
  },
  details: DETAILS,
  async run({ values, positionals }, context) {
    if (positionals.length !== 1)
      throw new InputError("bad_arguments", "give exactly one <videos> directory or list file (see --help)");
    const aggregations = parseAggregationList(values.aggregate);
    const segmentSec =
      values.segments === undefined
        ? null
        : parseDecimalOption(values.segments, "--segments", "a number of seconds > 0", (sec) => sec > 0);
    const { decoder, threads } = values;
    const dtype = values["vector-dtype"];
    const modelDtype = parseModelDtype(values.dtype);

    // The one place `index` reads the environment: an array job's task index (library/shard.ts).
    const { shard, source: shardSource } = resolveShard(values.shard, values.shards, process.env);
    if (shard !== null && shardSource !== null)
      context.stderr.write(`shard ${shard.index}/${shard.count} (from ${shardSource})\n`);

    let progress: ProgressReporter | null = null;
    const summary = await indexLibrary({
      videos: positionals[0],
      modelDir: values.model,
      outDir: values.out,
      sampling: parseSampling(values.sample),
      aggregations,
      segmentSec,
      captionsFile: values.captions ?? null,
      manifestFile: values.manifest ?? null,
      runtime: { device: values.device, threads },
      batchSize: values.batch,
      decoder,
      dtype,
      modelDtype,
      shard,
      prune: values.prune,
      allowUnmatched: values["allow-unmatched"],
      onPlan(plan) {
        if (plan.sync.reembedReason !== null && plan.sync.unchanged > 0)
          context.stderr.write(`re-embedding every video: ${plan.sync.reembedReason}\n`);
        if (plan.resumed > 0)
          context.stderr.write(`resuming: ${plan.resumed} videos already done (${plan.workDir})\n`);
        progress = new ProgressReporter(context.stderr, plan.pending);
      },
      onEvent(event) {
        progress?.onEvent(event);
      },
    });
    (progress as ProgressReporter | null)?.finish();
    printSummary(summary, context);
    if (values.json) context.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return summary.skipped.length > 0 ? 3 : 0;
  },
});

// One video through the indexer's own stages, without an index: sampled frames -> image embeddings -> the
// aggregated vectors `index` would store for it (same preprocessing, batching and k-means seed).
import { type Aggregation, aggregateFrames } from "../../shared/aggregate.ts";
import { preprocessFrame } from "../../shared/image/preprocess.ts";
import type { ClipImageEncoder } from "../../shared/model/image-encoder.ts";
import { type DecoderChoice, decodeVideoFrames } from "../decode/decode-video.ts";
import type { Sampling } from "../decode/sampling.ts";
import { kmeansSeed } from "../index/video-vectors.ts";
import type { ModelDirectory } from "./model-dir.ts";

export interface VideoEmbedding {
  /** Every sampled frame: 0-based decode index, timestamp and Float32Array(d), L2-normalized. */
  frames: { index: number; timestampSec: number; embedding: Float32Array }[];
  /** One entry per aggregation, in the order given: its vectors (1 for mean/frame, up to k for kmeans). */
  aggregates: { aggregation: Aggregation; embeddings: Float32Array[] }[];
}

export interface EmbedVideoOptions {
  /** Frame sampling (indexer/decode/sampling.ts). */
  sampling: Sampling;
  aggregations: Aggregation[];
  /** Seeds k-means as `index` does for a video of this id. */
  id: string;
  decoder?: DecoderChoice;
  /** Frames per encoder run (default 16). */
  batchSize?: number;
}

/** Decodes, embeds and aggregates `path`. Throws InputError for an undecodable file. */
export async function embedVideoFile(
  path: string,
  model: ModelDirectory,
  encoder: ClipImageEncoder,
  options: EmbedVideoOptions,
): Promise<VideoEmbedding> {
  const config = model.config.preprocess;
  const batchSize = options.batchSize ?? 16;
  const frames: VideoEmbedding["frames"] = [];
  let pending: { index: number; timestampSec: number; pixels: Float32Array }[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const pixels = new Float32Array(pending.length * encoder.imageLength);
    for (const [i, frame] of pending.entries()) pixels.set(frame.pixels, i * encoder.imageLength);
    const vectors = await encoder.encode(pixels, pending.length);
    for (const [i, { index, timestampSec }] of pending.entries()) {
      frames.push({ index, timestampSec, embedding: vectors[i] });
    }
    pending = [];
  };
  for await (const frame of decodeVideoFrames(path, {
    sampling: options.sampling,
    decoder: options.decoder,
  })) {
    pending.push({
      index: frame.index,
      timestampSec: frame.timestampSec,
      pixels: preprocessFrame(frame.rgb, frame.width, frame.height, config),
    });
    if (pending.length >= batchSize) await flush();
  }
  await flush();
  const vectors = frames.map((frame) => frame.embedding);
  const seed = kmeansSeed(options.id);
  const aggregates = options.aggregations.map((aggregation) => ({
    aggregation,
    embeddings: aggregateFrames(aggregation, vectors, seed),
  }));
  return { frames, aggregates };
}

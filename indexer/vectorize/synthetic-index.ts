// Test helper: a small seeded index in the documented format (shared/index-format.ts), in memory
// or written to disk with the index store's writer.
import { INDEX_FORMAT, INDEX_FORMAT_VERSION, SEGMENT_AGGREGATION } from "../../shared/index-format.ts";
import { createPrng } from "../../shared/prng.ts";
import { l2NormalizeRowsInPlace } from "../../shared/vectors.ts";
import type { IndexData } from "../index-store/index-data.ts";

export interface SyntheticIndexOptions {
  videos: number;
  dimension: number;
  /** Aggregations stored per video, e.g. ["mean", "kmeans:2"]; kmeans:K gives K rows. */
  aggregations?: string[];
  segmentsPerVideo?: number;
  captionsPerVideo?: number;
  /** Video ids; default "video-<n>.mp4". */
  ids?: string[];
  seed?: number;
}

function rowsOf(aggregation: string): number {
  const match = /^kmeans:(\d+)$/.exec(aggregation);
  return match ? Number(match[1]) : 1;
}

/** Builds the index in memory; vectors are seeded random unit vectors. */
export function syntheticIndex(options: SyntheticIndexOptions): IndexData {
  const { videos: videoCount, dimension: d } = options;
  const aggregations = options.aggregations ?? ["mean"];
  const segments = options.segmentsPerVideo ?? 0;
  const captionsPer = options.captionsPerVideo ?? 0;
  const prng = createPrng(options.seed ?? 1);
  const rows = {
    video: [] as number[],
    aggregation: [] as number[],
    startSec: [] as number[],
    endSec: [] as number[],
  };
  const videos = Array.from({ length: videoCount }, (_, v) => {
    for (const [a, name] of aggregations.entries()) {
      for (let k = 0; k < rowsOf(name); k++) {
        rows.video.push(v);
        rows.aggregation.push(a);
        rows.startSec.push(0);
        rows.endSec.push(segments * 2);
      }
    }
    for (let s = 0; s < segments; s++) {
      rows.video.push(v);
      rows.aggregation.push(SEGMENT_AGGREGATION);
      rows.startSec.push(s * 2);
      rows.endSec.push(s * 2 + 2);
    }
    const id = options.ids?.[v] ?? `video-${v}.mp4`;
    return {
      id,
      title: `Video ${v}`,
      url: null,
      thumbnail: null,
      durationSec: segments * 2,
      fps: 25,
      width: 64,
      height: 48,
      frames: 8,
    };
  });
  const randomRows = (n: number) => {
    const data = Float32Array.from({ length: n * d }, () => prng.next() * 2 - 1);
    return l2NormalizeRowsInPlace(data, d);
  };
  const captions = Array.from({ length: videoCount * captionsPer }, (_, i) => ({
    video: Math.floor(i / captionsPer),
    text: `caption ${i} of video ${Math.floor(i / captionsPer)}`,
  }));
  return {
    manifest: {
      format: INDEX_FORMAT,
      formatVersion: INDEX_FORMAT_VERSION,
      model: { id: "synthetic/clip", dimension: d },
      sampling: "fps:1",
      aggregations,
      segmentSeconds: segments > 0 ? 2 : null,
      dtype: "float32",
      counts: { videos: videoCount, vectors: rows.video.length, captions: captions.length },
      createdAt: "2026-01-01T00:00:00.000Z",
    },
    videos,
    vectors: randomRows(rows.video.length),
    rows,
    captions,
    captionVectors: randomRows(captions.length),
    thumbnails: videos.map(() => async () => null),
  };
}

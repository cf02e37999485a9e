// `index`'s consumer of the frame pipeline: one embedded video -> its VideoResult (the journal's record),
// rows from every aggregation and the segments, each moment with the thumbnail of its nearest frame.
import type { Aggregation } from "../../shared/aggregate.ts";
import type { EmbeddedVideo } from "../pipeline/types.ts";
import { momentFrames } from "./moment-frames.ts";
import type { VideoResult } from "./video-result.ts";
import { videoRows } from "./video-vectors.ts";

/** A video `index` runs through the frame pipeline: what its VideoResult needs besides the frames. */
export interface IndexJob {
  id: string;
  /** What ffmpeg opens (S3: a presigned URL). */
  path: string;
  title: string;
  url: string | null;
  source: VideoResult["source"];
}

/** Whether rows will have moments (segments or k-means centroids), which want one thumbnail per frame. */
export function hasMoments(aggregations: readonly Aggregation[], segmentSec: number | null): boolean {
  return segmentSec !== null || aggregations.some((aggregation) => aggregation.kind === "kmeans");
}

/**
 * The index's record of a video the pipeline embedded: its rows (see videoRows), each moment row with the
 * JPEG of its nearest frame when the pipeline encoded the frames' thumbnails (rows may share one).
 */
export function indexedVideo(
  video: EmbeddedVideo<IndexJob>,
  aggregations: readonly Aggregation[],
  segmentSec: number | null,
): VideoResult {
  const { job, info, durationSec, vectors: frameVectors, timestampsSec, frameThumbnails } = video;
  const rows = videoRows(job.id, frameVectors, timestampsSec, durationSec, aggregations, segmentSec);
  const moments =
    frameThumbnails.length === frameVectors.length
      ? momentFrames(rows, frameVectors, timestampsSec, aggregations)
      : null;
  return {
    id: job.id,
    title: job.title,
    url: job.url,
    durationSec,
    fps: info.fps,
    width: info.width,
    height: info.height,
    frames: frameVectors.length,
    source: job.source,
    rows: rows.rows.map((row, r) => {
      const f = moments?.[r] ?? null;
      const thumbnail = f === null ? null : frameThumbnails[f];
      return thumbnail ? { ...row, thumbnail } : row;
    }),
    vectors: rows.vectors,
    thumbnail: video.thumbnail,
  };
}

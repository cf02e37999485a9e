// The decoding side of indexing: indexer/decode's probe, frame decoder and thumbnails as a FrameSource.
import {
  type DecoderChoice,
  decodeVideoFrames,
  probeVideo,
  type VideoProbe,
} from "../decode/decode-video.ts";
import { parseSampling } from "../decode/sampling.ts";
import { encodeThumbnailJpeg } from "../decode/thumbnail.ts";
import type { FrameSource, VideoInfo } from "./types.ts";

export type { DecoderChoice } from "../decode/decode-video.ts";

/** Longer side of thumbnails, pixels. */
export const THUMBNAIL_MAX_SIDE = 256;
/** Longer side of moment thumbnails (one per segment and k-means centroid), pixels: small, there are many. */
export const MOMENT_THUMBNAIL_MAX_SIDE = 160;

/**
 * Frames sampled per `sampling` ("fps:1", ...), decoded by `decoder`. `frames(path, info)` reuses the
 * probe behind `info` (ffprobe's start-up costs ~60 ms of CPU per video, as much as decoding a short clip).
 */
export function createFrameSource(sampling: string, decoder: DecoderChoice): FrameSource {
  const parsed = parseSampling(sampling);
  // Keyed by the object probe() returned, so a probe is found only for the info it produced.
  const probes = new WeakMap<VideoInfo, VideoProbe>();
  return {
    async probe(path) {
      const probe = await probeVideo(path, { decoder });
      probes.set(probe, probe);
      return probe;
    },
    frames: (path, info) => decodeVideoFrames(path, { sampling: parsed, decoder, probe: probes.get(info) }),
    thumbnail: (frame) => encodeThumbnailJpeg(frame, THUMBNAIL_MAX_SIDE),
    momentThumbnail: (frame) => encodeThumbnailJpeg(frame, MOMENT_THUMBNAIL_MAX_SIDE),
  };
}

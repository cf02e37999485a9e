// The decoding side of the frame pipeline: indexer/decode's probe, frame decoder and thumbnails as a FrameSource.
import {
  type DecoderChoice,
  decodeVideoFrames,
  probeVideo,
  type VideoProbe,
} from "../decode/decode-video.ts";
import type { Sampling } from "../decode/sampling.ts";
import { encodeThumbnailJpeg } from "../decode/thumbnail.ts";
import type { FrameSource, VideoInfo } from "./types.ts";

/** Longer side of thumbnails, pixels. */
export const THUMBNAIL_MAX_SIDE = 256;
/** Longer side of the frames' thumbnails (`index`'s moments: segments, k-means centroids), pixels: small, there are many. */
export const FRAME_THUMBNAIL_MAX_SIDE = 160;

/**
 * Frames sampled per `sampling`, decoded by `decoder`. `frames(path, info)` reuses the probe behind `info`
 * (ffprobe's start-up costs ~60 ms of CPU per video, as much as decoding a short clip), and neither stats
 * the file again: the job's source says what the caller's stat found.
 */
export function createFrameSource(sampling: Sampling, decoder: DecoderChoice): FrameSource {
  // Keyed by the object probe() returned, so a probe is found only for the info it produced.
  const probes = new WeakMap<VideoInfo, VideoProbe>();
  return {
    async probe(path, source) {
      const probe = await probeVideo(path, { decoder, source });
      probes.set(probe, probe);
      return probe;
    },
    frames: (path, info) => decodeVideoFrames(path, { sampling, decoder, probe: probes.get(info) }),
    thumbnail: (frame) => encodeThumbnailJpeg(frame, THUMBNAIL_MAX_SIDE),
    frameThumbnail: (frame) => encodeThumbnailJpeg(frame, FRAME_THUMBNAIL_MAX_SIDE),
  };
}

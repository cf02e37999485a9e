// The decoding side of indexing: indexer/decode's probe, frame decoder and thumbnails as a FrameSource.
import { type DecoderChoice, decodeVideoFrames, probeVideo } from "../decode/decode-video.ts";
import { parseSampling } from "../decode/sampling.ts";
import { encodeThumbnailJpeg } from "../decode/thumbnail.ts";
import type { FrameSource } from "./types.ts";

export type { DecoderChoice } from "../decode/decode-video.ts";

/** Longer side of thumbnails, pixels. */
export const THUMBNAIL_MAX_SIDE = 256;

/** Frames sampled per `sampling` ("fps:1", ...), decoded by `decoder`. */
export function createFrameSource(sampling: string, decoder: DecoderChoice): FrameSource {
  const parsed = parseSampling(sampling);
  return {
    probe: (path) => probeVideo(path, { decoder }),
    frames: (path) => decodeVideoFrames(path, { sampling: parsed, decoder }),
    thumbnail: (frame) => encodeThumbnailJpeg(frame, THUMBNAIL_MAX_SIDE, { decoder }),
  };
}

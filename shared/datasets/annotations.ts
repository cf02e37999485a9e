// The common shape of a retrieval benchmark's test split, whatever file format it came from.
import { InputError } from "../errors.ts";

/** One caption of the test split and the video it describes. */
export interface CaptionAnnotation {
  videoId: string;
  text: string;
}

/** A benchmark's test split: video ids in split order, captions in file order. */
export interface DatasetAnnotations {
  /** "msrvtt-1ka", "msrvtt-full", "msvd" or "lsmdc". */
  dataset: string;
  /** Unique video ids, in the order the split lists them (first occurrence). */
  videos: string[];
  /** Every caption, each referring to an id in `videos`. */
  captions: CaptionAnnotation[];
}

/**
 * Builds annotations from captions (and optionally an explicit video order), removing duplicate
 * video ids and checking that every caption's video is listed and every video has a caption.
 * `source` names the file in error messages.
 */
export function buildAnnotations(
  dataset: string,
  source: string,
  captions: CaptionAnnotation[],
  videoOrder?: readonly string[],
): DatasetAnnotations {
  const videos = [...new Set(videoOrder ?? captions.map((c) => c.videoId))];
  const known = new Set(videos);
  const captioned = new Set<string>();
  for (const caption of captions) {
    if (!known.has(caption.videoId)) {
      throw new InputError(
        "bad_annotations",
        `${source}: caption of video "${caption.videoId}" which is not in the split`,
      );
    }
    captioned.add(caption.videoId);
  }
  const bare = videos.find((id) => !captioned.has(id));
  if (bare !== undefined) {
    throw new InputError(
      "bad_annotations",
      `${source}: video "${bare}" of the test split has no caption; check that the caption file matches the split`,
    );
  }
  return { dataset, videos, captions };
}

/** The 0-based index in `videos` of each caption's video (the captions map of `eval-features`). */
export function captionVideoIndexes(annotations: DatasetAnnotations): number[] {
  const index = new Map(annotations.videos.map((id, i) => [id, i]));
  return annotations.captions.map((c) => {
    const i = index.get(c.videoId);
    if (i === undefined) throw new InputError("bad_annotations", `caption of unknown video "${c.videoId}"`);
    return i;
  });
}

// The interface both stores implement (flat index from R2, Vectorize), in the API's own terms.
import type { LoadMemory } from "../encoder/load-memory.ts";

/** A time window of a video, seconds from its start. */
export interface Moment {
  startSec: number;
  endSec: number;
}

/** One ranked video. */
export interface VideoHit {
  videoId: string;
  /** Cosine similarity of the video's best vector to the query, in [-1, 1]. */
  score: number;
  title: string;
  url: string | null;
  /** Path of the thumbnail inside the index (the API turns it into a URL), or null. */
  thumbnail: string | null;
  /** Best-matching segment, or null when the index stores no segments. */
  moment: Moment | null;
}

/** One caption that describes a video. */
export interface CaptionHit {
  text: string;
  score: number;
  /** Video the caption was written for. */
  videoId: string;
}

/** Equality filters on video fields, e.g. { videoId: ["a.mp4", "b.mp4"] }; a key's values are OR-ed. */
export type SearchFilter = Record<string, string | number | boolean | Array<string | number | boolean>>;

export interface StoreStats {
  kind: "flat" | "vectorize";
  model: { id: string; dimension: number };
  counts: { videos: number; vectors: number; captions: number } | null;
  /** Bytes this store holds in the isolate (vectors, metadata estimates). */
  bytesHeld: number;
  /** A few texts of the index (captions, else titles) a person could search for, e.g. on the landing page. */
  examples: string[];
  /** Flat index: when each step of its load ended (worker/encoder/load-memory.ts); absent for Vectorize. */
  load?: LoadMemory;
}

/** A searchable video library. Vectors in and out are L2-normalized Float32Array(dimension). */
export interface VideoStore {
  stats(): StoreStats;
  /** Text-to-video: the k best videos for a query vector, best first, one hit per video. */
  searchVideos(query: Float32Array, k: number, filter?: SearchFilter): Promise<VideoHit[]>;
  /** Video-to-text: the k captions that best describe the video, or null for an unknown video. */
  captionsFor(videoId: string, k: number): Promise<CaptionHit[] | null>;
  /** Video-to-text for a vector (an image or clip the client embedded): the k captions nearest to it. */
  captionsForVector(vector: Float32Array, k: number): Promise<CaptionHit[]>;
  /** The k videos most similar to a video (itself excluded), or null for an unknown video. */
  similarTo(videoId: string, k: number): Promise<VideoHit[] | null>;
  /** Frees what the store holds outside the JS heap (ONNX Runtime sessions); no call may follow. */
  release(): Promise<void>;
}

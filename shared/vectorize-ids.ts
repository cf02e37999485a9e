// Vector ids and metadata in Vectorize: written by indexer/publish/vectorize (upload), read by worker/stores/vectorize-store.ts.
// Namespaces: "video" (aggregated vectors), "segment" (moment windows), "caption" (caption texts).

export const NAMESPACES = { video: "video", segment: "segment", caption: "caption" } as const;

/**
 * Vectorize limits (developers.cloudflare.com/vectorize/platform/limits): the uploader's (ids, metadata,
 * upsert requests) and the worker's (queries, getByIds).
 */
export const VECTORIZE_LIMITS = {
  /** Vector id length in UTF-8 bytes. */
  idBytes: 64,
  /** Metadata per vector, JSON bytes. */
  metadataBytes: 10 * 1024,
  /** Vectors per upsert request over the HTTP API. */
  vectorsPerRequest: 5000,
  /** Body of one upsert request (100 MB, taken as 10^8 bytes to stay on the safe side). */
  bytesPerRequest: 100_000_000,
  /** Most matches of one query without values or metadata. */
  topK: 100,
  /** Most matches of one query that returns values or metadata. */
  topKWithData: 20,
  /** Ids per getByIds call. */
  getByIds: 20,
} as const;

/** Longest video id used verbatim as a vector key; longer ids are hashed (Vectorize ids are <= 64 bytes). */
const MAX_VERBATIM_BYTES = 48;

/**
 * Key of a video in vector ids: the video id itself when short and free of "#" and "@", else
 * "sha1:" + hex SHA-1 of the id. Video vectors: key (first) and key#n; segments: key@n; captions: caption:key@n.
 */
export async function videoKey(videoId: string): Promise<string> {
  const bytes = new TextEncoder().encode(videoId);
  if (bytes.length <= MAX_VERBATIM_BYTES && !/[#@]/.test(videoId)) return videoId;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
  return `sha1:${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Video key of a vector id from the "video" or "segment" namespace. */
export function keyOfVectorId(id: string): string {
  const cut = id.search(/[#@]/);
  return cut < 0 ? id : id.slice(0, cut);
}

/** Metadata on "video" vectors. */
export interface VideoVectorMetadata {
  videoId: string;
  title: string;
  url?: string;
  thumbnail?: string;
}

/** Metadata on "segment" vectors. */
export interface SegmentVectorMetadata {
  videoId: string;
  startSec: number;
  endSec: number;
  /** Path of the segment's moment thumbnail in the index (rows.json `thumbnail`), when it has one. */
  thumbnail?: string;
}

/** Metadata on "caption" vectors. */
export interface CaptionVectorMetadata {
  videoId: string;
  text: string;
}

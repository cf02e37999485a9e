// The per-video result the pipeline produces and the journal stores: metadata plus its vector rows.

/**
 * What says a video file is unchanged: size and modification time; for a URL, Content-Length,
 * Last-Modified (ms, 0 when absent) and the ETag when the server sends one.
 */
export interface SourceIdentity {
  sizeBytes: number;
  mtimeMs: number;
  etag?: string;
}

/** True when two identities describe the same file contents. */
export function sameSource(a: SourceIdentity, b: SourceIdentity): boolean {
  return a.sizeBytes === b.sizeBytes && a.mtimeMs === b.mtimeMs && (a.etag ?? null) === (b.etag ?? null);
}

/** Metadata and vectors of one indexed video. */
export interface VideoResult {
  id: string;
  title: string;
  url: string | null;
  durationSec: number;
  fps: number;
  width: number;
  height: number;
  /** Frames embedded. */
  frames: number;
  /** Identity of the source file when it was indexed; a changed file is indexed again on resume. */
  source: SourceIdentity;
  /**
   * One entry per vector row: aggregation position in the manifest (or -1 for a segment), time span, and the
   * JPEG of the sampled frame nearest the row's vector (segments and k-means centroids; absent or null else).
   */
  rows: { aggregation: number; startSec: number; endSec: number; thumbnail?: Uint8Array | null }[];
  /** Row-major [rows.length, d] float32, L2-normalized rows. */
  vectors: Float32Array;
  /** JPEG bytes of the thumbnail, or null when none could be made. */
  thumbnail: Uint8Array | null;
}

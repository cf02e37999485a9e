// FlatStore: exact top-k over the local index held in the isolate (the default for libraries that fit).
// A video is scored by its best non-segment vector (mean, chosen frame or k-means centroid); its moment is
// its best-scoring segment.
import type { CaptionRecord, IndexManifest, VideoRecord } from "../../shared/index-format.ts";
import { topK } from "../../shared/vectors.ts";
import type { Int8Matrix } from "./int8-matrix.ts";
import type { CaptionHit, SearchFilter, StoreStats, VideoHit, VideoStore } from "./video-store.ts";

/** Everything FlatStore needs, as loaded and checked by load-flat-index.ts. */
export interface FlatIndex {
  manifest: IndexManifest;
  videos: VideoRecord[];
  /** Per row of `vectors`: video index, whether it is a segment, and its window in seconds. */
  rowVideo: Int32Array;
  rowIsSegment: Uint8Array;
  rowStart: Float32Array;
  rowEnd: Float32Array;
  vectors: Int8Matrix;
  captions: CaptionRecord[];
  captionVectors: Int8Matrix | null;
  /** Bytes of JSON metadata kept (estimate: the JSON text length). */
  metadataBytes: number;
}

/** Value of a video field used by filters; "videoId" is the record's id. */
function fieldOf(video: VideoRecord, key: string): unknown {
  return key === "videoId" ? video.id : (video as unknown as Record<string, unknown>)[key];
}

function matches(video: VideoRecord, filter: SearchFilter | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, wanted]) => {
    const value = fieldOf(video, key);
    return Array.isArray(wanted) ? wanted.includes(value as string) : value === wanted;
  });
}

export class FlatStore implements VideoStore {
  private readonly index: FlatIndex;
  private readonly byId: Map<string, number>;
  private readonly rowScores: Float32Array;

  constructor(index: FlatIndex) {
    this.index = index;
    this.byId = new Map(index.videos.map((video, i) => [video.id, i]));
    this.rowScores = new Float32Array(index.vectors.rows);
  }

  stats(): StoreStats {
    const { manifest, vectors, captionVectors, metadataBytes } = this.index;
    return {
      kind: "flat",
      model: manifest.model,
      counts: {
        videos: this.index.videos.length,
        vectors: vectors.rows,
        captions: this.index.captions.length,
      },
      bytesHeld:
        vectors.byteLength + (captionVectors?.byteLength ?? 0) + this.rowScores.byteLength + metadataBytes,
    };
  }

  /** Best video score and best segment row per video for one query vector. */
  private scoreVideos(query: Float32Array): { scores: Float32Array; bestSegment: Int32Array } {
    const { videos, rowVideo, rowIsSegment, vectors } = this.index;
    const rowScores = vectors.scoreAll(query, this.rowScores);
    const scores = new Float32Array(videos.length).fill(Number.NEGATIVE_INFINITY);
    const segmentScores = new Float32Array(videos.length).fill(Number.NEGATIVE_INFINITY);
    const bestSegment = new Int32Array(videos.length).fill(-1);
    for (let r = 0; r < rowScores.length; r++) {
      const v = rowVideo[r];
      if (rowIsSegment[r]) {
        if (rowScores[r] > segmentScores[v]) {
          segmentScores[v] = rowScores[r];
          bestSegment[v] = r;
        }
      } else if (rowScores[r] > scores[v]) scores[v] = rowScores[r];
    }
    // A video indexed only by segments is scored by its best segment.
    for (let v = 0; v < videos.length; v++)
      if (scores[v] === Number.NEGATIVE_INFINITY) scores[v] = segmentScores[v];
    return { scores, bestSegment };
  }

  private hit(v: number, score: number, bestSegment: Int32Array): VideoHit {
    const video = this.index.videos[v];
    const r = bestSegment[v];
    return {
      videoId: video.id,
      score,
      title: video.title,
      url: video.url,
      thumbnail: video.thumbnail,
      moment: r >= 0 ? { start: this.index.rowStart[r], end: this.index.rowEnd[r] } : null,
    };
  }

  private rank(
    scores: Float32Array,
    bestSegment: Int32Array,
    k: number,
    keep: (v: number) => boolean,
  ): VideoHit[] {
    for (let v = 0; v < scores.length; v++) if (!keep(v)) scores[v] = Number.NEGATIVE_INFINITY;
    return topK(scores, k)
      .filter((v) => scores[v] !== Number.NEGATIVE_INFINITY)
      .map((v) => this.hit(v, scores[v], bestSegment));
  }

  async searchVideos(query: Float32Array, k: number, filter?: SearchFilter): Promise<VideoHit[]> {
    const { scores, bestSegment } = this.scoreVideos(query);
    return this.rank(scores, bestSegment, k, (v) => matches(this.index.videos[v], filter));
  }

  /** Non-segment vectors of a video (its aggregations), dequantized. */
  private videoVectors(v: number): Float32Array[] {
    const out: Float32Array[] = [];
    const { rowVideo, rowIsSegment, vectors } = this.index;
    for (let r = 0; r < vectors.rows; r++)
      if (rowVideo[r] === v && !rowIsSegment[r]) out.push(vectors.row(r));
    if (out.length === 0)
      for (let r = 0; r < vectors.rows; r++) if (rowVideo[r] === v) out.push(vectors.row(r));
    return out;
  }

  async captionsFor(videoId: string, k: number): Promise<CaptionHit[] | null> {
    const v = this.byId.get(videoId);
    if (v === undefined) return null;
    const { captions, captionVectors, videos } = this.index;
    if (!captionVectors || captions.length === 0) return [];
    // A caption's similarity to a video is the max over the video's vectors (as in the paper's protocol).
    const scores = new Float32Array(captions.length).fill(Number.NEGATIVE_INFINITY);
    for (const vector of this.videoVectors(v)) {
      for (let c = 0; c < captions.length; c++)
        scores[c] = Math.max(scores[c], captionVectors.dotRow(c, vector));
    }
    return topK(scores, k).map((c) => ({
      text: captions[c].text,
      score: scores[c],
      videoId: videos[captions[c].video]?.id ?? "",
    }));
  }

  async similarTo(videoId: string, k: number): Promise<VideoHit[] | null> {
    const v = this.byId.get(videoId);
    if (v === undefined) return null;
    let best: { scores: Float32Array; bestSegment: Int32Array } | undefined;
    for (const vector of this.videoVectors(v)) {
      const current = this.scoreVideos(vector);
      if (!best) best = current;
      else
        for (let u = 0; u < current.scores.length; u++) {
          if (current.scores[u] > best.scores[u]) {
            best.scores[u] = current.scores[u];
            best.bestSegment[u] = current.bestSegment[u];
          }
        }
    }
    if (!best) return [];
    return this.rank(best.scores, best.bestSegment, k, (u) => u !== v);
  }
}

// VectorizeStore: the same API over a Vectorize index, for libraries too large to hold in an isolate.
// Respects Vectorize's documented limits: topK <= 100 without values/metadata, <= 20 with them. Filters need a
// metadata index on the field (e.g. videoId) created before the vectors are uploaded.
import { type IndexFileSource, readIndexManifest } from "../../shared/index-contract/read-index.ts";
import type { IndexManifest } from "../../shared/index-format.ts";
import {
  type CaptionVectorMetadata,
  keyOfVectorId,
  NAMESPACES,
  type SegmentVectorMetadata,
  VECTORIZE_LIMITS,
  type VideoVectorMetadata,
  videoKey,
} from "../../shared/vectorize-ids.ts";
import { indexApiError } from "./index-error.ts";
import type { CaptionHit, Moment, SearchFilter, StoreStats, VideoHit, VideoStore } from "./video-store.ts";

/** Turns the API filter (equality, arrays OR-ed) into a Vectorize metadata filter. */
function toVectorizeFilter(filter: SearchFilter | undefined): VectorizeVectorMetadataFilter | undefined {
  if (!filter) return undefined;
  const out: VectorizeVectorMetadataFilter = {};
  for (const [key, wanted] of Object.entries(filter)) {
    out[key] = Array.isArray(wanted) ? { $in: wanted as string[] } : wanted;
  }
  return out;
}

async function getByIdsBatched(index: Vectorize, ids: string[]): Promise<VectorizeVector[]> {
  const out: VectorizeVector[] = [];
  for (let i = 0; i < ids.length; i += VECTORIZE_LIMITS.getByIds)
    out.push(...(await index.getByIds(ids.slice(i, i + VECTORIZE_LIMITS.getByIds))));
  return out;
}

/** Best score per video key among matches, in score order. */
function bestPerVideo(matches: VectorizeMatch[]): Map<string, { score: number; id: string }> {
  const best = new Map<string, { score: number; id: string }>();
  for (const match of [...matches].sort((a, b) => b.score - a.score)) {
    const key = keyOfVectorId(match.id);
    if (!best.has(key)) best.set(key, { score: match.score, id: match.id });
  }
  return best;
}

export class VectorizeStore implements VideoStore {
  private readonly index: Vectorize;
  private readonly model: { id: string; dimension: number };
  private readonly counts: StoreStats["counts"];

  constructor(index: Vectorize, model: { id: string; dimension: number }, counts: StoreStats["counts"]) {
    this.index = index;
    this.model = model;
    this.counts = counts;
  }

  /** Reads the model identity from the index manifest (deployed beside the vectors); `where` names it. */
  static async open(index: Vectorize, source: IndexFileSource, where: string): Promise<VectorizeStore> {
    let manifest: IndexManifest;
    try {
      manifest = await readIndexManifest(source);
    } catch (error) {
      throw indexApiError(
        error,
        where,
        "upload the index manifest beside the Vectorize vectors so the worker can check the model",
      );
    }
    return new VectorizeStore(index, manifest.model, manifest.counts);
  }

  /** Nothing to free: the vectors live in Vectorize. */
  async release(): Promise<void> {}

  stats(): StoreStats {
    // Titles and captions live in Vectorize metadata, not listable here: no examples.
    return { kind: "vectorize", model: this.model, counts: this.counts, bytesHeld: 0, examples: [] };
  }

  /**
   * Ranked video keys for a vector. Always the top 100 rows (the most Vectorize returns, and a query is
   * billed by the vectors searched, not by topK): a video with several vectors (k-means centroids) takes
   * several of them, so with V vectors per video at least 100/V videos come back, an exact prefix of the
   * full ranking (a video's best row is in the top 100 whenever a lower-ranked video's is).
   */
  private async rankVideos(vector: Float32Array, k: number, filter?: SearchFilter, skipKey?: string) {
    const result = await this.index.query(vector, {
      topK: VECTORIZE_LIMITS.topK,
      namespace: NAMESPACES.video,
      returnMetadata: "none",
      filter: toVectorizeFilter(filter),
    });
    const ranked = [...bestPerVideo(result.matches)].filter(([key]) => key !== skipKey).slice(0, k);
    if (ranked.length === 0) return [];
    const records = await getByIdsBatched(
      this.index,
      ranked.map(([key]) => key),
    );
    const byKey = new Map(
      records.map((record) => [record.id, record.metadata as unknown as VideoVectorMetadata]),
    );
    return ranked.map(([key, { score }]) => ({ key, score, metadata: byKey.get(key) }));
  }

  /** Best segment per video key among the top segments of the query, with its moment thumbnail if any. */
  private async moments(
    vector: Float32Array,
    keys: Set<string>,
  ): Promise<Map<string, { moment: Moment; thumbnail: string | null }>> {
    const result = await this.index.query(vector, {
      topK: VECTORIZE_LIMITS.topK,
      namespace: NAMESPACES.segment,
      returnMetadata: "none",
    });
    const best = [...bestPerVideo(result.matches)].filter(([key]) => keys.has(key));
    const records = await getByIdsBatched(
      this.index,
      best.map(([, { id }]) => id),
    );
    const moments = new Map<string, { moment: Moment; thumbnail: string | null }>();
    for (const record of records) {
      const metadata = record.metadata as unknown as SegmentVectorMetadata | undefined;
      if (metadata)
        moments.set(keyOfVectorId(record.id), {
          moment: { startSec: metadata.startSec, endSec: metadata.endSec },
          thumbnail: typeof metadata.thumbnail === "string" ? metadata.thumbnail : null,
        });
    }
    return moments;
  }

  private async hits(
    vector: Float32Array,
    k: number,
    filter?: SearchFilter,
    skipKey?: string,
  ): Promise<VideoHit[]> {
    const ranked = await this.rankVideos(vector, k, filter, skipKey);
    const moments = await this.moments(vector, new Set(ranked.map((r) => r.key)));
    return ranked.map(({ key, score, metadata }) => {
      const best = moments.get(key);
      return {
        videoId: metadata?.videoId ?? key,
        score,
        title: metadata?.title ?? key,
        url: metadata?.url ?? null,
        // The matched moment's own frame when the segment carries one, else the video's thumbnail.
        thumbnail: best?.thumbnail ?? metadata?.thumbnail ?? null,
        moment: best?.moment ?? null,
      };
    });
  }

  searchVideos(query: Float32Array, k: number, filter?: SearchFilter): Promise<VideoHit[]> {
    return this.hits(query, k, filter);
  }

  /** The first vector of a video (its values), or null when the video is unknown. */
  private async videoVector(videoId: string): Promise<{ key: string; vector: Float32Array } | null> {
    const key = await videoKey(videoId);
    const [record] = await this.index.getByIds([key]);
    if (!record) return null;
    return { key, vector: Float32Array.from(record.values as ArrayLike<number>) };
  }

  async captionsFor(videoId: string, k: number): Promise<CaptionHit[] | null> {
    const video = await this.videoVector(videoId);
    return video ? this.captionsForVector(video.vector, k) : null;
  }

  async captionsForVector(vector: Float32Array, k: number): Promise<CaptionHit[]> {
    // Up to 20 captions come with their metadata in one query; more need ids first, then getByIds.
    const withMetadata = k <= VECTORIZE_LIMITS.topKWithData;
    const result = await this.index.query(vector, {
      topK: Math.min(k, VECTORIZE_LIMITS.topK),
      namespace: NAMESPACES.caption,
      returnMetadata: withMetadata ? "all" : "none",
    });
    const metadataById = new Map<string, CaptionVectorMetadata | undefined>();
    if (withMetadata)
      for (const match of result.matches)
        metadataById.set(match.id, match.metadata as unknown as CaptionVectorMetadata | undefined);
    else
      for (const record of await getByIdsBatched(
        this.index,
        result.matches.map((match) => match.id),
      ))
        metadataById.set(record.id, record.metadata as unknown as CaptionVectorMetadata | undefined);
    return result.matches.map((match) => {
      const metadata = metadataById.get(match.id);
      return { text: metadata?.text ?? "", score: match.score, videoId: metadata?.videoId ?? "" };
    });
  }

  async similarTo(videoId: string, k: number): Promise<VideoHit[] | null> {
    const video = await this.videoVector(videoId);
    if (!video) return null;
    return this.hits(video.vector, k, undefined, video.key);
  }
}

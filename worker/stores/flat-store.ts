// FlatStore: exact top-k over the local index held in the isolate (the default for libraries that fit).
// A video is scored by its best non-segment vector (mean, chosen frame or k-means centroid); its moment is
// its best-scoring segment. The int8 vectors move into ONNX Runtime's WASM memory, one scoring session per
// matrix (shared/search), which scores them with SIMD: ~1 ms for 10k vectors where the JS loop took ~7 ms.
import type { CaptionRecord, IndexManifest, VideoRecord } from "../../shared/index-format.ts";
import { EmbeddedScorer } from "../../shared/search/flat-scorer.ts";
import { rankVideos } from "../../shared/search/rank-videos.ts";
import { topK } from "../../shared/vectors.ts";
import { LoadMemoryLog } from "../encoder/load-memory.ts";
import { ApiError } from "../http/api-error.ts";
import { withOrt } from "../onnx/ort-web.ts";
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
  /** Per row: path of its moment thumbnail in the index, or null (the video's); absent for format 1. */
  rowThumbnail?: readonly (string | null)[];
  vectors: Int8Matrix;
  captions: CaptionRecord[];
  captionVectors: Int8Matrix | null;
  /** Bytes of JSON metadata kept (estimate: the JSON text length). */
  metadataBytes: number;
  /** The load's checkpoints so far (a new log when absent); FlatStore adds "scoring" once its sessions exist. */
  load?: LoadMemoryLog;
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

/** How many example queries stats() offers, and their longest length in characters. */
const EXAMPLE_COUNT = 4;
const EXAMPLE_MAX_CHARS = 80;

/**
 * Up to EXAMPLE_COUNT distinct texts from videos spread evenly over the index: each video's first caption,
 * else its title (deterministic, so the landing page is the same for everyone).
 */
function exampleQueries(videos: readonly VideoRecord[], captions: readonly CaptionRecord[]): string[] {
  const firstCaption = new Map<number, string>();
  for (const caption of captions)
    if (!firstCaption.has(caption.video)) firstCaption.set(caption.video, caption.text);
  const examples = new Set<string>();
  const step = Math.max(1, Math.floor(videos.length / EXAMPLE_COUNT));
  for (let offset = 0; offset < step && examples.size < EXAMPLE_COUNT; offset++)
    for (let v = offset; v < videos.length && examples.size < EXAMPLE_COUNT; v += step) {
      const text = (firstCaption.get(v) ?? videos[v].title).trim();
      if (text !== "" && text.length <= EXAMPLE_MAX_CHARS) examples.add(text);
    }
  return [...examples];
}

/** The index's scoring sessions: row vectors and caption vectors, each null when there are none. */
interface Scorers {
  vectors: EmbeddedScorer | null;
  captions: EmbeddedScorer | null;
}

/**
 * Moves the matrices into ONNX Runtime. A function of its own, so that once it resolves nothing FlatStore
 * keeps (V8 retains a scope's variables for its closures) references the JS copies, which are then freed.
 */
async function startScorers(vectors: Int8Matrix, captionVectors: Int8Matrix | null): Promise<Scorers> {
  try {
    return await withOrt(async (ort) => ({
      vectors: vectors.rows > 0 ? await EmbeddedScorer.create(ort, vectors.scoringMatrix) : null,
      captions:
        captionVectors && captionVectors.rows > 0
          ? await EmbeddedScorer.create(ort, captionVectors.scoringMatrix)
          : null,
    }));
  } catch (error) {
    throw new ApiError(
      503,
      "bad_index",
      `ONNX Runtime could not load the index vectors (${(error as Error).message}); re-run the indexer and upload again`,
    );
  }
}

export class FlatStore implements VideoStore {
  private readonly index: Omit<FlatIndex, "vectors" | "captionVectors" | "load">;
  private readonly load: LoadMemoryLog;
  private readonly byId: Map<string, number>;
  private readonly rowCount: number;
  private readonly scorers: Promise<Scorers>;
  private readonly examples: string[];

  /** Starts moving the vectors into ONNX Runtime; `ready()` waits for it (searches do). */
  constructor({ vectors, captionVectors, load = new LoadMemoryLog(), ...index }: FlatIndex) {
    this.index = index;
    this.load = load;
    this.byId = new Map(index.videos.map((video, i) => [video.id, i]));
    this.rowCount = vectors.rows;
    this.examples = exampleQueries(index.videos, index.captions);
    this.scorers = startScorers(vectors, captionVectors).then((scorers) => {
      load.record("scoring", 0);
      return scorers;
    });
    // A failure is reported by the search that awaits it, not as an unhandled rejection.
    this.scorers.catch(() => undefined);
  }

  /** Resolves once the vectors are in ONNX Runtime (and the JS copies can be collected); throws ApiError 503. */
  async ready(): Promise<void> {
    await this.scorers;
  }

  /** Frees the scoring sessions (get-store.ts calls it once no search of this store is in flight). */
  async release(): Promise<void> {
    const { vectors, captions } = await this.scorers;
    await Promise.all([vectors?.release(), captions?.release()]);
  }

  stats(): StoreStats {
    const { manifest, metadataBytes, rowVideo, rowIsSegment, rowStart, rowEnd } = this.index;
    return {
      kind: "flat",
      model: manifest.model,
      counts: {
        videos: this.index.videos.length,
        vectors: this.rowCount,
        captions: this.index.captions.length,
      },
      // JS-side bytes only: the vectors are in ONNX Runtime's WASM memory (health's wasmHeapBytes).
      bytesHeld:
        metadataBytes +
        rowVideo.byteLength +
        rowIsSegment.byteLength +
        rowStart.byteLength +
        rowEnd.byteLength,
      examples: this.examples,
      load: this.load.result(),
    };
  }

  /**
   * Ranks videos for one or more query vectors (row-major [q, d]) with shared/search/rank-videos.ts: a
   * video's score is its best over all the queries (similarTo scores by every vector of a video).
   */
  private async rank(queries: Float32Array, k: number, keep: (v: number) => boolean): Promise<VideoHit[]> {
    const { videos, rowVideo, rowIsSegment, rowStart, rowEnd } = this.index;
    const scorer = (await this.scorers).vectors;
    const rowScores = scorer ? await scorer.score(queries) : new Float32Array(0);
    const rows = { video: rowVideo, isSegment: rowIsSegment, startSec: rowStart, endSec: rowEnd };
    const { rowThumbnail } = this.index;
    return rankVideos(rowScores, rows, videos.length, k, { keep }).map(({ video: v, score, row, moment }) => {
      const video = videos[v];
      // The frame of the matched moment, else of the centroid that scored the video, else the video's.
      const thumbnail = (moment && rowThumbnail?.[moment.row]) || rowThumbnail?.[row] || video.thumbnail;
      return {
        videoId: video.id,
        score,
        title: video.title,
        url: video.url,
        thumbnail,
        moment: moment && { startSec: moment.startSec, endSec: moment.endSec },
      };
    });
  }

  async searchVideos(query: Float32Array, k: number, filter?: SearchFilter): Promise<VideoHit[]> {
    return this.rank(query, k, (v) => matches(this.index.videos[v], filter));
  }

  /**
   * Non-segment vectors of a video (its aggregations; its segments when it has none), dequantized, read back
   * from the scoring session: row-major [count, d], or null when the video has no vectors.
   */
  private async videoVectors(v: number): Promise<Float32Array | null> {
    const { rowVideo, rowIsSegment } = this.index;
    const wanted: number[] = [];
    for (let r = 0; r < this.rowCount; r++) if (rowVideo[r] === v && !rowIsSegment[r]) wanted.push(r);
    if (wanted.length === 0) for (let r = 0; r < this.rowCount; r++) if (rowVideo[r] === v) wanted.push(r);
    const scorer = (await this.scorers).vectors;
    return wanted.length > 0 && scorer ? scorer.readRows(wanted) : null;
  }

  async captionsFor(videoId: string, k: number): Promise<CaptionHit[] | null> {
    const v = this.byId.get(videoId);
    if (v === undefined) return null;
    const vectors = await this.videoVectors(v);
    return vectors ? this.rankCaptions(vectors, k) : [];
  }

  captionsForVector(vector: Float32Array, k: number): Promise<CaptionHit[]> {
    return this.rankCaptions(vector, k);
  }

  /**
   * The k captions nearest to one or more vectors (row-major [q, d]): a caption's similarity is its max over
   * the vectors (a video's several vectors, as in the paper's protocol). [] without captions.
   */
  private async rankCaptions(vectors: Float32Array, k: number): Promise<CaptionHit[]> {
    const { captions, videos } = this.index;
    const captionScorer = (await this.scorers).captions;
    if (!captionScorer || captions.length === 0) return [];
    const all = await captionScorer.score(vectors);
    const scores = new Float32Array(captions.length).fill(Number.NEGATIVE_INFINITY);
    for (let base = 0; base < all.length; base += captions.length)
      for (let c = 0; c < captions.length; c++) scores[c] = Math.max(scores[c], all[base + c]);
    return topK(scores, k).map((c) => ({
      text: captions[c].text,
      score: scores[c],
      videoId: videos[captions[c].video]?.id ?? "",
    }));
  }

  async similarTo(videoId: string, k: number): Promise<VideoHit[] | null> {
    const v = this.byId.get(videoId);
    if (v === undefined) return null;
    const vectors = await this.videoVectors(v);
    if (!vectors) return [];
    // One run for all the video's vectors: each other video keeps its best score over them.
    return this.rank(vectors, k, (u) => u !== v);
  }
}

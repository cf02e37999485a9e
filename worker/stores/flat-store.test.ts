// FlatStore in workerd with its vectors in ONNX Runtime Web (int8 scoring sessions) against the JS int8 loop
// (Int8Matrix) on seeded data: same rankings where margins are clear, scores within the quantization bound.
import { describe, expect, it } from "vitest";
import type { IndexManifest, VideoRecord } from "../../shared/index-format.ts";
import { createPrng } from "../../shared/prng.ts";
import { l2NormalizeInPlace, topK } from "../../shared/vectors.ts";
import { FlatStore } from "./flat-store.ts";
import { Int8Matrix } from "./int8-matrix.ts";

const D = 32;
const VIDEOS = 400;
/** Rows: one mean vector per video, then one segment (2 s window) for each of the first 50 videos. */
const SEGMENTS = 50;
const ROWS = VIDEOS + SEGMENTS;

function unit(next: () => number): Float32Array {
  return l2NormalizeInPlace(Float32Array.from({ length: D }, () => next() * 2 - 1));
}

/** Writes at `out[at..]` a unit vector at cosine `cos` from unit `target`. */
function plant(out: Float32Array, at: number, target: Float32Array, cos: number, next: () => number): void {
  const noise = unit(next);
  const along = noise.reduce((s, x, i) => s + x * target[i], 0);
  for (let i = 0; i < D; i++) noise[i] -= along * target[i];
  l2NormalizeInPlace(noise);
  const sin = Math.sqrt(1 - cos * cos);
  for (let i = 0; i < D; i++) out[at + i] = cos * target[i] + sin * noise[i];
}

function fixture() {
  const prng = createPrng(5);
  const next = () => prng.next();
  const vectors = new Float32Array(ROWS * D);
  for (let r = 0; r < ROWS; r++) vectors.set(unit(next), r * D);
  // Planted neighbours of a query, cosines 0.95 ... 0.59, videos 10, 20, ..., 100 (random rows stay ~< 0.5).
  const query = unit(next);
  for (let j = 0; j < 10; j++) plant(vectors, 10 * (j + 1) * D, query, 0.95 - 0.04 * j, next);
  // Captions 7, 8, 9 describe video 42 (cosines 0.9, 0.8, 0.7 to its vector); the others are random.
  const captions = Array.from({ length: 120 }, (_, c) => ({ video: c % VIDEOS, text: `caption ${c}` }));
  const captionVectors = new Float32Array(captions.length * D);
  for (let c = 0; c < captions.length; c++) captionVectors.set(unit(next), c * D);
  const video42 = vectors.slice(42 * D, 43 * D);
  for (const [c, cos] of [
    [7, 0.9],
    [8, 0.8],
    [9, 0.7],
  ])
    plant(captionVectors, c * D, video42, cos, next);
  return { vectors, query, captions, captionVectors };
}

const { vectors, query, captions, captionVectors } = fixture();
const videos: VideoRecord[] = Array.from({ length: VIDEOS }, (_, v) => ({
  id: `v${v}.mp4`,
  title: `video ${v}`,
  url: null,
  thumbnail: null,
  durationSec: 10,
  fps: 25,
  width: 64,
  height: 64,
  frames: 10,
}));
const manifest: IndexManifest = {
  format: "clip-video-index",
  formatVersion: 1,
  model: { id: "test", dimension: D },
  sampling: "fps:1",
  aggregations: ["mean"],
  segmentSeconds: 2,
  dtype: "float32",
  counts: { videos: VIDEOS, vectors: ROWS, captions: captions.length },
  createdAt: "2026-01-01T00:00:00Z",
};
const rowVideo = Int32Array.from({ length: ROWS }, (_, r) => (r < VIDEOS ? r : r - VIDEOS));
const rowIsSegment = Uint8Array.from({ length: ROWS }, (_, r) => (r < VIDEOS ? 0 : 1));

function int8Of(data: Float32Array, rows: number): Int8Matrix {
  return Int8Matrix.fromValues(rows, D, (i) => data[i]);
}

function store(): FlatStore {
  return new FlatStore({
    manifest,
    videos,
    rowVideo,
    rowIsSegment,
    rowStart: Float32Array.from({ length: ROWS }, (_, r) => (r < VIDEOS ? 0 : 2)),
    rowEnd: Float32Array.from({ length: ROWS }, (_, r) => (r < VIDEOS ? 10 : 4)),
    vectors: int8Of(vectors, ROWS),
    captions,
    captionVectors: int8Of(captionVectors, captions.length),
    metadataBytes: 1000,
  });
}

/** The JS int8 reference: each video's best non-segment row score. */
function referenceVideoScores(q: Float32Array): Float32Array {
  const rowScores = int8Of(vectors, ROWS).scoreAll(q);
  return rowScores.subarray(0, VIDEOS);
}

describe("FlatStore on ONNX Runtime Web scoring sessions", () => {
  it("ranks the planted top-10 like the JS int8 loop, scores within 1e-2", async () => {
    const flat = store();
    await flat.ready();
    const hits = await flat.searchVideos(query, 10);
    const reference = referenceVideoScores(query);
    expect(hits.map((h) => h.videoId)).toEqual(topK(reference, 10).map((v) => `v${v}.mp4`));
    expect(hits.map((h) => h.videoId)).toEqual(Array.from({ length: 10 }, (_, j) => `v${10 * (j + 1)}.mp4`));
    for (const hit of hits) {
      const v = Number(hit.videoId.slice(1, -4));
      expect(Math.abs(hit.score - reference[v])).toBeLessThan(1e-2);
    }
    // Videos 10..50 have a segment (rows 410..450): it is their moment.
    expect(hits[0].moment).toEqual({ startSec: 2, endSec: 4 });
    expect(hits.at(-1)?.moment).toBeNull();
  });

  it("applies filters and k", async () => {
    const hits = await store().searchVideos(query, 3, { videoId: ["v30.mp4", "v70.mp4", "v5.mp4"] });
    expect(hits.map((h) => h.videoId)).toEqual(["v30.mp4", "v70.mp4", "v5.mp4"]);
  });

  it("finds similar videos from the video's own vectors, read back from the session", async () => {
    const flat = store();
    const hits = (await flat.similarTo("v10.mp4", 5)) ?? [];
    expect(hits.map((h) => h.videoId)).not.toContain("v10.mp4");
    // v10 is within 0.95 of the query, so the planted v20..v50 (cosine >= ~0.75 to it) come first.
    expect(
      hits
        .slice(0, 4)
        .map((h) => h.videoId)
        .sort(),
    ).toEqual(["v20.mp4", "v30.mp4", "v40.mp4", "v50.mp4"]);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    expect(await flat.similarTo("missing.mp4", 5)).toBeNull();
  });

  it("ranks captions by the video's vectors like the JS loop", async () => {
    const own = int8Of(vectors, ROWS).row(42);
    const reference = int8Of(captionVectors, captions.length).scoreAll(own);
    const hits = await store().captionsFor("v42.mp4", 3);
    expect(topK(reference, 3)).toEqual([7, 8, 9]);
    expect(hits?.map((h) => h.text)).toEqual(["caption 7", "caption 8", "caption 9"]);
    hits?.forEach((hit, i) => {
      expect(Math.abs(hit.score - reference[topK(reference, 3)[i]])).toBeLessThan(1e-2);
    });
  });

  it("shows the frame of the matched moment, else of the scoring centroid, else the video's thumbnail", async () => {
    const next = (() => {
      const prng = createPrng(9);
      return () => prng.next();
    })();
    const matrix = new Float32Array(5 * D);
    for (let r = 0; r < 5; r++) matrix.set(unit(next), r * D);
    // Video 0: mean row 0 (no picture), segment row 1 near the query; video 1: centroid row 3 near it;
    // video 2: a mean row 4 only.
    plant(matrix, 1 * D, query, 0.9, next);
    plant(matrix, 3 * D, query, 0.8, next);
    plant(matrix, 4 * D, query, 0.7, next);
    const three = videos.slice(0, 3).map((video, v) => ({ ...video, thumbnail: `thumbnails/${v}.jpg` }));
    const flat = new FlatStore({
      manifest: { ...manifest, formatVersion: 2, counts: { videos: 3, vectors: 5, captions: 0 } },
      videos: three,
      rowVideo: Int32Array.of(0, 0, 1, 1, 2),
      rowIsSegment: Uint8Array.of(0, 1, 0, 0, 0),
      rowStart: Float32Array.of(0, 2, 0, 0, 0),
      rowEnd: Float32Array.of(10, 4, 10, 10, 10),
      rowThumbnail: [null, "thumbnails/0-1.jpg", null, "thumbnails/1-1.jpg", null],
      vectors: int8Of(matrix, 5),
      captions: [],
      captionVectors: null,
      metadataBytes: 0,
    });
    const hits = await flat.searchVideos(query, 3);
    expect(hits.map((h) => [h.videoId, h.thumbnail])).toEqual([
      ["v1.mp4", "thumbnails/1-1.jpg"],
      ["v2.mp4", "thumbnails/2.jpg"],
      ["v0.mp4", "thumbnails/0-1.jpg"],
    ]);
  });

  it("offers example queries from videos spread over the index: a caption, else the title", () => {
    // Captions exist for videos 0..119 only; videos 0, 100, 200, 300 are a quarter of the index apart.
    expect(store().stats().examples).toEqual(["caption 0", "caption 100", "video 200", "video 300"]);
  });

  it("answers an index without vectors with no hits", async () => {
    const empty = new FlatStore({
      manifest: { ...manifest, counts: { videos: 0, vectors: 0, captions: 0 } },
      videos: [],
      rowVideo: new Int32Array(0),
      rowIsSegment: new Uint8Array(0),
      rowStart: new Float32Array(0),
      rowEnd: new Float32Array(0),
      vectors: int8Of(new Float32Array(0), 0),
      captions: [],
      captionVectors: null,
      metadataBytes: 0,
    });
    await empty.ready();
    expect(await empty.searchVideos(query, 10)).toEqual([]);
  });

  it("holds only metadata in JS once the vectors are in the session", async () => {
    const flat = store();
    await flat.ready();
    const stats = flat.stats();
    expect(stats.counts).toEqual({ videos: VIDEOS, vectors: ROWS, captions: captions.length });
    expect(stats.bytesHeld).toBe(1000 + ROWS * (4 + 1 + 4 + 4));
  });
});

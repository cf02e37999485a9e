// VectorizeStore against a fake Vectorize binding that keeps the service's limits, fed with the uploader's
// own records (indexer/publish/vectorize/records.ts), checked against brute-force answers over the same index.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildVectorRecords } from "../../indexer/publish/vectorize/records.ts";
import { SEGMENT_AGGREGATION } from "../../shared/index-format.ts";
import { createPrng } from "../../shared/prng.ts";
import { l2NormalizeInPlace } from "../../shared/vectors.ts";
import { syntheticIndex } from "../../test/fixtures/synthetic-index.ts";
import { FakeVectorize } from "../test/fake-vectorize.ts";
import { r2IndexSource } from "./r2-index-source.ts";
import { VectorizeStore } from "./vectorize-store.ts";

const D = 16;
const bucket = (env as unknown as { MODEL_BUCKET: R2Bucket }).MODEL_BUCKET;
const LONG_ID = `${"a-very-long-video-file-name-".repeat(3)}#1.mp4`;

/** 40 videos, 5 vectors each (mean + kmeans:4) clustered around a per-video direction, 2 segments, 2 captions. */
function clusteredIndex() {
  const index = syntheticIndex({
    videos: 40,
    dimension: D,
    aggregations: ["mean", "kmeans:4"],
    segmentsPerVideo: 2,
    captionsPerVideo: 2,
    seed: 3,
    ids: Array.from({ length: 40 }, (_, v) => (v === 7 ? LONG_ID : `clip-${v}.mp4`)),
  });
  const prng = createPrng(11);
  const centres = Array.from({ length: 40 }, () =>
    l2NormalizeInPlace(Float32Array.from({ length: D }, () => prng.next() * 2 - 1)),
  );
  const near = (target: Float32Array, row: number, spread: number) => {
    const v = centres[index.rows.video[row]];
    for (let j = 0; j < D; j++) target[row * D + j] = v[j] + spread * (prng.next() * 2 - 1);
    l2NormalizeInPlace(target.subarray(row * D, (row + 1) * D));
  };
  for (let r = 0; r < index.rows.video.length; r++) near(index.vectors, r, 0.15);
  return index;
}

async function openStore(
  indexedFields: string[] = ["videoId"],
  edit: (records: Awaited<ReturnType<typeof buildVectorRecords>>) => void = () => {},
) {
  const index = clusteredIndex();
  const fake = new FakeVectorize(D);
  for (const field of indexedFields) fake.createMetadataIndex(field);
  const records = await buildVectorRecords(index);
  edit(records);
  for (let i = 0; i < records.length; i += 1000)
    await fake.upsert(records.slice(i, i + 1000).map((r) => ({ ...r, values: Array.from(r.values) })));
  const prefix = `vectorize-test-${indexedFields.join("-")}/`;
  await bucket.put(`${prefix}manifest.json`, JSON.stringify(index.manifest));
  const store = await VectorizeStore.open(fake.asBinding(), r2IndexSource(bucket, prefix), prefix);
  return { index, fake, store };
}

type Index = ReturnType<typeof clusteredIndex>;

function dotRow(matrix: Float32Array, row: number, query: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < D; j++) sum += matrix[row * D + j] * query[j];
  return sum;
}

/** Brute force: videos by their best non-segment vector, with the best segment of each. */
function expectedVideos(index: Index, query: Float32Array, keep: (v: number) => boolean = () => true) {
  const best = new Map<
    number,
    { score: number; segment: { startSec: number; endSec: number } | null; segScore: number }
  >();
  index.rows.video.forEach((v, r) => {
    const entry = best.get(v) ?? { score: -2, segment: null, segScore: -2 };
    const score = dotRow(index.vectors, r, query);
    if (index.rows.aggregation[r] === SEGMENT_AGGREGATION) {
      if (score > entry.segScore) {
        entry.segScore = score;
        entry.segment = { startSec: index.rows.startSec[r], endSec: index.rows.endSec[r] };
      }
    } else entry.score = Math.max(entry.score, score);
    best.set(v, entry);
  });
  return [...best]
    .filter(([v]) => keep(v))
    .sort((a, b) => b[1].score - a[1].score)
    .map(([v, e]) => ({ videoId: index.videos[v].id, score: e.score, moment: e.segment }));
}

function queryNear(index: Index, row: number): Float32Array {
  const q = index.vectors.slice(row * D, (row + 1) * D);
  q[0] += 0.05;
  return l2NormalizeInPlace(q);
}

describe("VectorizeStore (fake binding with Vectorize's limits)", () => {
  it.each([1, 10, 40, 100])("returns the exact top %i videos with moments, within topK limits", async (k) => {
    const { index, store } = await openStore();
    const query = queryNear(index, 5 * 12);
    const hits = await store.searchVideos(query, k);
    const expected = expectedVideos(index, query).slice(0, k);
    // The top 100 rows hold at least 100 / 5 videos (5 vectors per video): an exact prefix of the ranking.
    expect(hits.length).toBeGreaterThanOrEqual(Math.min(k, 20));
    expect(hits.length).toBeLessThanOrEqual(k);
    expect(hits.map((h) => h.videoId)).toEqual(expected.slice(0, hits.length).map((e) => e.videoId));
    hits.forEach((hit, i) => {
      expect(hit.score).toBeCloseTo(expected[i].score, 5);
      expect(hit.title).toBe(`Video ${index.videos.findIndex((v) => v.id === hit.videoId)}`);
    });
    expect(hits[0].moment).toEqual(expected[0].moment);
  });

  it("shows the matched segment's moment thumbnail when its metadata names one", async () => {
    const { index, store } = await openStore(["videoId"], (records) => {
      for (const record of records)
        if (record.namespace === "segment")
          record.metadata.thumbnail = `thumbnails/${record.metadata.videoId}-${record.metadata.startSec}.jpg`;
    });
    const query = queryNear(index, 5 * 12);
    const [hit] = await store.searchVideos(query, 1);
    const [expected] = expectedVideos(index, query);
    expect(hit.moment).toEqual(expected.moment);
    expect(hit.thumbnail).toBe(`thumbnails/${expected.videoId}-${expected.moment?.startSec}.jpg`);
  });

  it("resolves hashed keys of long ids back to the real video id", async () => {
    const { index, store } = await openStore();
    const row = index.rows.video.indexOf(7);
    const hits = await store.searchVideos(queryNear(index, row), 1);
    expect(hits[0].videoId).toBe(LONG_ID);
    expect(await store.similarTo(LONG_ID, 3)).not.toBeNull();
  });

  it("filters on an indexed metadata field, and finds nothing on a field without a metadata index", async () => {
    const { index, store } = await openStore();
    const query = queryNear(index, 0);
    const wanted = ["clip-3.mp4", "clip-9.mp4", "clip-20.mp4"];
    const hits = await store.searchVideos(query, 10, { videoId: wanted });
    const expected = expectedVideos(index, query, (v) => wanted.includes(index.videos[v].id));
    expect(hits.map((h) => h.videoId)).toEqual(expected.map((e) => e.videoId));
    expect(await store.searchVideos(query, 10, { title: "Video 3" })).toEqual([]);
  });

  it("describes a video with its best captions for any k up to 100", async () => {
    const { index, fake, store } = await openStore();
    for (const k of [5, 50]) {
      fake.calls.length = 0;
      const captions = await store.captionsFor("clip-4.mp4", k);
      const mean = index.vectors.slice(
        index.rows.video.indexOf(4) * D,
        (index.rows.video.indexOf(4) + 1) * D,
      );
      const expected = index.captions
        .map((c, i) => ({ text: c.text, score: dotRow(index.captionVectors, i, mean), video: c.video }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
      expect(captions?.map((c) => c.text)).toEqual(expected.map((e) => e.text));
      expect(captions?.[0].videoId).toBe(index.videos[expected[0].video].id);
      for (const call of fake.calls) if (call.method === "query") expect(call.namespace).toBe("caption");
    }
  });

  it("describes a vector with the captions nearest to it (metadata inline up to 20, fetched beyond)", async () => {
    const { index, store } = await openStore();
    const query = index.captionVectors.slice(13 * D, 14 * D);
    for (const k of [5, 30]) {
      const captions = await store.captionsForVector(query, k);
      const expected = index.captions
        .map((c, i) => ({ text: c.text, score: dotRow(index.captionVectors, i, query), video: c.video }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
      expect(captions.map((c) => c.text)).toEqual(expected.map((e) => e.text));
      expect(captions[0]).toMatchObject({
        text: index.captions[13].text,
        videoId: index.videos[index.captions[13].video].id,
      });
    }
  });

  it("finds similar videos without the video itself, and null for unknown videos", async () => {
    const { index, store } = await openStore();
    const similar = await store.similarTo("clip-2.mp4", 5);
    const mean = index.vectors.slice(index.rows.video.indexOf(2) * D, (index.rows.video.indexOf(2) + 1) * D);
    const expected = expectedVideos(index, mean, (v) => v !== 2).slice(0, 5);
    expect(similar?.map((h) => h.videoId)).toEqual(expected.map((e) => e.videoId));
    expect(await store.similarTo("nope.mp4", 5)).toBeNull();
    expect(await store.captionsFor("nope.mp4", 5)).toBeNull();
  });

  it("reports the manifest's model and counts, and holds no vectors", async () => {
    const { index, store } = await openStore();
    expect(store.stats()).toEqual({
      kind: "vectorize",
      model: index.manifest.model,
      counts: index.manifest.counts,
      bytesHeld: 0,
      examples: [],
    });
  });

  it("answers 503 bad_index when the manifest is not valid JSON", async () => {
    const prefix = "vectorize-test-bad-json/";
    await bucket.put(`${prefix}manifest.json`, "{not json");
    await expect(
      VectorizeStore.open(new FakeVectorize(D).asBinding(), r2IndexSource(bucket, prefix), prefix),
    ).rejects.toMatchObject({
      status: 503,
      code: "bad_index",
    });
  });
});

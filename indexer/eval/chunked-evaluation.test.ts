// Pins the chunked evaluation to shared/metrics evaluateRetrieval (whole matrix), bit for bit, on seeded
// random features with ties, several vectors per video and every chunk size, and to ../shared's reference.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { evaluateRetrieval } from "../../shared/metrics/protocols.ts";
import { captionVideoSimilarities } from "../../shared/metrics/similarity.ts";
import { createPrng } from "../../shared/prng.ts";
import { l2NormalizeRowsInPlace } from "../../shared/vectors.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { loadFeatures } from "../commands/eval-features.ts";
import { evaluateInChunks } from "./chunked-evaluation.ts";

/** Rows of small integers, so that many similarities tie exactly. */
function randomRows(rows: number, d: number, seed: number, levels: number): Float32Array {
  const prng = createPrng(seed);
  const data = Float32Array.from({ length: rows * d }, () => prng.nextInt(levels) - (levels >> 1));
  for (let r = 0; r < rows; r++) if (data.subarray(r * d, (r + 1) * d).every((x) => x === 0)) data[r * d] = 1;
  return l2NormalizeRowsInPlace(data, d);
}

describe("evaluateInChunks", () => {
  const cases = [
    { name: "one caption per video", videos: 9, captionsPerVideo: 1, k: 1, levels: 1000 },
    { name: "several captions per video, ties", videos: 12, captionsPerVideo: 3, k: 1, levels: 3 },
    { name: "3 vectors per video (k-means), ties", videos: 10, captionsPerVideo: 2, k: 3, levels: 3 },
  ];
  it.each(cases)(
    "equals evaluateRetrieval for $name at every chunk size",
    ({ videos, captionsPerVideo, k, levels }) => {
      const d = 8;
      const prng = createPrng(videos);
      const captionVideos = Array.from({ length: videos * captionsPerVideo }, (_, c) => c % videos);
      // Shuffled so that a video's captions are spread over the chunks.
      for (let i = captionVideos.length - 1; i > 0; i--) {
        const j = prng.nextInt(i + 1);
        [captionVideos[i], captionVideos[j]] = [captionVideos[j], captionVideos[i]];
      }
      const text = randomRows(captionVideos.length, d, 1, levels);
      const video = randomRows(videos * k, d, 2, levels);
      const whole = evaluateRetrieval(captionVideoSimilarities(text, video, d, k), videos, captionVideos);
      for (const chunkFloats of [1, videos * k * 5, 1 << 20]) {
        const chunked = evaluateInChunks(text, video, d, k, captionVideos, chunkFloats);
        expect({ tvr: chunked.tvr, vtr_paper: chunked.vtr_paper, vtr_ce: chunked.vtr_ce }).toEqual(whole);
        expect(chunked.ranks.tvr).toHaveLength(captionVideos.length);
        expect(chunked.ranks.vtr_paper).toHaveLength(videos);
      }
    },
  );

  it("gives tie-averaged ranks: identical videos share the middle rank", () => {
    const d = 4;
    const video = l2NormalizeRowsInPlace(Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]), d);
    const text = l2NormalizeRowsInPlace(Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]), d);
    const result = evaluateInChunks(text, video, d, 1, [0, 1, 2], 3);
    expect(Array.from(result.ranks.tvr)).toEqual([1.5, 1.5, 1]);
    expect(result.tvr.R1).toBeCloseTo(100 / 3, 10);
  });
});

describe.skipIf(!hasSharedData)("evaluateInChunks on ../shared reference features", () => {
  it.each(["single_caption", "multi_caption"])("reproduces %s/expected.json", async (name) => {
    const base = sharedPath("reference", "metrics", name);
    const features = await loadFeatures(`${base}/text.npy`, `${base}/video.npy`, `${base}/captions.json`);
    const expected = JSON.parse(await readFile(`${base}/expected.json`, "utf8"));
    const result = evaluateInChunks(
      features.text,
      features.video,
      features.dimension,
      features.vectorsPerVideo,
      features.captionVideos,
      features.videos * features.vectorsPerVideo * 7,
    );
    for (const protocol of ["tvr", "vtr_paper", "vtr_ce"] as const) {
      for (const [metric, value] of Object.entries(expected[protocol]))
        expect(result[protocol][metric as keyof (typeof result)["tvr"]], `${protocol}.${metric}`).toBeCloseTo(
          value as number,
          9,
        );
    }
  });
});
if (!hasSharedData) describe.skip(`reference features: ${SHARED_DATA_SKIP_REASON}`, () => {});

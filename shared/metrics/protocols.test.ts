// Pins TVR and the two VTR protocols against literal implementations of their definitions, ties included.
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { createPrng } from "../prng.ts";
import {
  evaluateRetrieval,
  textToVideoRanks,
  validateCaptionVideos,
  videoToTextRanksCe,
  videoToTextRanksPaper,
} from "./protocols.ts";
import { tieAveragedRank } from "./ranks.ts";
import { captionVideoSimilarities } from "./similarity.ts";

/** sim[c][v] as nested arrays, the definitions applied literally. */
function naiveRanks(sim: number[][], captionVideos: number[]) {
  const videos = sim[0].length;
  const captionsOf = (v: number) => captionVideos.flatMap((g, c) => (g === v ? [c] : []));
  const tvr = sim.map((row, c) => tieAveragedRank(row[captionVideos[c]], row));
  const groupScore = (g: number, v: number) => Math.max(...captionsOf(g).map((c) => sim[c][v]));
  const paper = Array.from({ length: videos }, (_, v) =>
    tieAveragedRank(
      groupScore(v, v),
      Array.from({ length: videos }, (_, g) => groupScore(g, v)),
    ),
  );
  const ce = Array.from({ length: videos }, (_, v) => {
    const column = sim.map((row) => row[v]);
    return Math.min(...captionsOf(v).map((c) => tieAveragedRank(sim[c][v], column)));
  });
  return { tvr, paper, ce };
}

function flatten(sim: number[][]): Float32Array {
  return Float32Array.from(sim.flat());
}

describe("retrieval protocols", () => {
  it("computes a small multi-caption example by hand", () => {
    // 3 videos; captions 0,1 -> video 0, caption 2 -> video 1, caption 3 -> video 2.
    const sim = [
      [0.9, 0.2, 0.1],
      [0.6, 0.8, 0.3],
      [0.5, 0.4, 0.6],
      [0.2, 0.3, 0.7],
    ];
    const captionVideos = [0, 0, 1, 2];
    const s = flatten(sim);
    expect(Array.from(textToVideoRanks(s, 3, captionVideos))).toEqual([1, 2, 3, 1]);
    // Groups: g0 = max(rows 0,1) = [0.9, 0.8, 0.3]; g1 = [0.5, 0.4, 0.6]; g2 = [0.2, 0.3, 0.7].
    // Video 1: own group scores 0.4, g0 scores 0.8 -> rank 2.
    expect(Array.from(videoToTextRanksPaper(s, 3, captionVideos))).toEqual([1, 2, 1]);
    // CE, video 1: column [0.2, 0.8, 0.4, 0.3], own caption 2 scores 0.4 -> rank 2.
    expect(Array.from(videoToTextRanksCe(s, 3, captionVideos))).toEqual([1, 2, 1]);
  });

  it("separates the VTR protocols when another video has several captions above", () => {
    // Video 0 has caption 0; video 1 has captions 1 and 2, both above caption 0 on video 0.
    const sim = [
      [0.7, 0.1],
      [0.8, 0.5],
      [0.9, 0.6],
    ];
    const s = flatten(sim);
    // paper: video 0 sees groups g0 = 0.7, g1 = max(0.8, 0.9) -> rank 2. CE: column [0.7, 0.8, 0.9] -> rank 3.
    expect(Array.from(videoToTextRanksPaper(s, 2, [0, 1, 1]))).toEqual([2, 1]);
    expect(Array.from(videoToTextRanksCe(s, 2, [0, 1, 1]))).toEqual([3, 1]);
  });

  it("an all-equal similarity matrix cannot give a perfect score", () => {
    const videos = 4;
    const s = new Float32Array(8 * videos).fill(0.25);
    const captionVideos = [0, 0, 1, 1, 2, 2, 3, 3];
    const result = evaluateRetrieval(s, videos, captionVideos);
    expect(result.tvr).toMatchObject({ R1: 0, MdR: 2.5, MnR: 2.5, StdR: 0 });
    expect(result.vtr_paper).toMatchObject({ R1: 0, MdR: 2.5 });
    expect(result.vtr_ce).toMatchObject({ R1: 0, MdR: 4.5 });
  });

  it.each([1, 2, 3])("matches the literal definitions on random data with many ties (seed %i)", (seed) => {
    const prng = createPrng(seed);
    const videos = 7;
    const captionVideos = Array.from({ length: 20 }, (_, c) => (c < videos ? c : prng.nextInt(videos)));
    // Values on a coarse grid, so equal scores are common.
    const sim = captionVideos.map(() => Array.from({ length: videos }, () => prng.nextInt(5) / 4));
    const s = flatten(sim);
    const naive = naiveRanks(sim, captionVideos);
    expect(Array.from(textToVideoRanks(s, videos, captionVideos))).toEqual(naive.tvr);
    expect(Array.from(videoToTextRanksPaper(s, videos, captionVideos))).toEqual(naive.paper);
    expect(Array.from(videoToTextRanksCe(s, videos, captionVideos))).toEqual(naive.ce);
  });
});

describe("validateCaptionVideos", () => {
  it.each([
    ["wrong length", [0, 1], 3, 2, /has 2 entries but there are 3 captions/],
    ["out of range", [0, 1, 2], 3, 2, /caption 2 refers to video 2, outside 0\.\.1/],
    ["negative", [0, -1, 1], 3, 2, /caption 1 refers to video -1/],
    ["not an integer", [0, 0.5, 1], 3, 2, /caption 1 refers to video 0\.5/],
    ["video without caption", [0, 0, 2], 3, 3, /video 1 has no caption/],
  ])("%s", (_name, map, captions, videos, message) => {
    expect(() => validateCaptionVideos(map, captions, videos)).toThrow(InputError);
    expect(() => validateCaptionVideos(map, captions, videos)).toThrow(message);
  });
});

describe("captionVideoSimilarities", () => {
  it("takes the max over a video's k vectors", () => {
    const text = Float32Array.of(1, 0, 0, 1); // 2 captions, d = 2
    // 2 videos x 2 vectors: video 0 = (1,0),(0,1); video 1 = (0.6,0.8),(-1,0)
    const video = Float32Array.of(1, 0, 0, 1, 0.6, 0.8, -1, 0);
    expect(Array.from(captionVideoSimilarities(text, video, 2, 2))).toEqual([
      1,
      Math.fround(0.6),
      1,
      Math.fround(0.8),
    ]);
    expect(captionVideoSimilarities(text, video, 2, 1)).toHaveLength(8);
    expect(() => captionVideoSimilarities(text, video, 2, 3)).toThrow(RangeError);
  });
});

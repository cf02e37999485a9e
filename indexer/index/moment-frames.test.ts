// momentFrames: the nearest frame per row, inside the window for segments, over all frames for centroids.
import { describe, expect, it } from "vitest";
import { parseAggregation } from "../../shared/aggregate.ts";
import { momentFrames } from "./moment-frames.ts";

const unit = (angle: number) => Float32Array.of(Math.cos(angle), Math.sin(angle));
const aggregations = [parseAggregation("mean"), parseAggregation("frame:0"), parseAggregation("kmeans:2")];

/** Rows [aggregation, startSec, endSec, angle of the row's vector]. */
function rowsOf(list: [number, number, number, number][]) {
  return {
    rows: list.map(([aggregation, startSec, endSec]) => ({ aggregation, startSec, endSec })),
    vectors: Float32Array.from(list.flatMap(([, , , angle]) => Array.from(unit(angle)))),
  };
}

describe("momentFrames", () => {
  // Frames at 0, 1, 2, 3 s whose vectors point at angles 0, 1, 2, 3.
  const frames = [0, 1, 2, 3].map((f) => unit(f));
  const times = [0, 1, 2, 3];

  it("picks the nearest frame: centroids among all frames, segments inside their window", () => {
    const rows = rowsOf([
      [0, 0, 4, 2], // mean: the video's thumbnail
      [1, 0, 4, 2], // chosen frame: the video's thumbnail
      [2, 0, 4, 2.9], // centroid: frame 3 though no window holds it
      [-1, 0, 2, 2.9], // [0, 2): frame 1, the nearest of frames 0 and 1
      [-1, 0.2, 0.5, 0], // no frame inside: none
      [-1, 2, 3, 0], // [2, 3] is the last window: frames 2 and 3, and 2 is nearer to angle 0
    ]);
    expect(momentFrames(rows, frames, times, aggregations)).toEqual([null, null, 3, 1, null, 2]);
  });

  it("lets the last window take the frame at its end", () => {
    const rows = rowsOf([
      [-1, 0, 2, 0],
      [-1, 1, 3, 3],
    ]);
    expect(momentFrames(rows, frames, times, aggregations)).toEqual([0, 3]);
  });

  it("gives ties to the earlier frame", () => {
    expect(momentFrames(rowsOf([[2, 0, 4, 0.5]]), [unit(0), unit(1)], [0, 1], aggregations)).toEqual([0]);
  });
});

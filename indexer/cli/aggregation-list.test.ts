// Table-driven tests of `eval --aggregate` list parsing.
import { describe, expect, it } from "vitest";
import { formatAggregation } from "../../shared/aggregate.ts";
import { parseAggregationList } from "./aggregation-list.ts";

describe("parseAggregationList", () => {
  it.each([
    [["mean"], ["mean"]],
    [["mean,frame:29,kmeans:2..4"], ["mean", "frame:29", "kmeans:2", "kmeans:3", "kmeans:4"]],
    [
      ["kmeans:2..10"],
      [
        "kmeans:2",
        "kmeans:3",
        "kmeans:4",
        "kmeans:5",
        "kmeans:6",
        "kmeans:7",
        "kmeans:8",
        "kmeans:9",
        "kmeans:10",
      ],
    ],
    [
      ["mean", " frame:0..1 "],
      ["mean", "frame:0", "frame:1"],
    ],
    [["kmeans:3..3"], ["kmeans:3"]],
  ])("%j -> %j", (lists, expected) => {
    expect(parseAggregationList(lists).map(formatAggregation)).toEqual(expected);
  });

  it.each([
    [["mean,"], /empty item/],
    [["median"], /not valid/],
    [["kmeans:5..2"], /range "kmeans:5..2"/],
    [["kmeans:0..3"], /not valid/],
    [["kmeans:1..100"], /at most 64 values/],
    [["mean,kmeans:2", "kmeans:2..3"], /kmeans:2 is given twice/],
  ])("rejects %j", (lists, message) => {
    expect(() => parseAggregationList(lists)).toThrow(message);
  });
});

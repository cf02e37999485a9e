// Pins the MSVD parsers: test id list, AllVideoDescriptions.txt, and the ", "-joined TSV form.
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { parseMsvdDescriptions, parseMsvdTestList, parseMsvdTsv } from "./msvd.ts";

describe("parseMsvdTestList", () => {
  it("reads one id per line, skipping blanks and CRs", () => {
    expect(parseMsvdTestList("-4wsuPCjDBc_5_15\r\n\nzv2RIbUsnSw_159_166\n")).toEqual([
      "-4wsuPCjDBc_5_15",
      "zv2RIbUsnSw_159_166",
    ]);
  });

  it("rejects two ids on a line", () => {
    expect(() => parseMsvdTestList("a b\n")).toThrow(/line 1 holds more than one id/);
  });
});

describe("parseMsvdDescriptions", () => {
  const text = [
    "# Microsoft Research Video Description Corpus",
    "# VideoID Description",
    "mv89psg6zh4_33_46 A bird in a sink keeps getting under the running water from a faucet.",
    "mv89psg6zh4_33_46 A bird is bathing in a sink.",
    '-4wsuPCjDBc_5_15 A man, a woman and "a dog" — dance.  ',
    "other_1_2 Not in the test split.",
    "",
  ].join("\n");

  it("keeps the test videos' captions, in test-list order, comments skipped", () => {
    const annotations = parseMsvdDescriptions(text, ["-4wsuPCjDBc_5_15", "mv89psg6zh4_33_46"]);
    expect(annotations.dataset).toBe("msvd");
    expect(annotations.videos).toEqual(["-4wsuPCjDBc_5_15", "mv89psg6zh4_33_46"]);
    expect(annotations.captions).toEqual([
      {
        videoId: "mv89psg6zh4_33_46",
        text: "A bird in a sink keeps getting under the running water from a faucet.",
      },
      { videoId: "mv89psg6zh4_33_46", text: "A bird is bathing in a sink." },
      { videoId: "-4wsuPCjDBc_5_15", text: 'A man, a woman and "a dog" — dance.' },
    ]);
  });

  it.each([
    [
      "a test video without captions",
      text,
      ["missing_0_1"],
      /video "missing_0_1" of the test split has no caption/,
    ],
    ["an id without caption", "lonely_id\n", ["lonely_id"], /line 1 is not "videoid caption"/],
  ])("rejects %s", (_name, body, ids, message) => {
    expect(() => parseMsvdDescriptions(body, ids)).toThrow(InputError);
    expect(() => parseMsvdDescriptions(body, ids)).toThrow(message);
  });
});

describe("parseMsvdTsv", () => {
  const tsv =
    "a boy playing with dog, a man plays high five, \teyhzdC936uk_15_27\r\na cat sleeps, \tf-24IxG9ijw_25_40\r\n";

  it.each([
    ["file order", undefined, ["eyhzdC936uk_15_27", "f-24IxG9ijw_25_40"]],
    [
      "test-list order",
      ["f-24IxG9ijw_25_40", "eyhzdC936uk_15_27"],
      ["f-24IxG9ijw_25_40", "eyhzdC936uk_15_27"],
    ],
  ])('splits captions on ", " (%s)', (_name, ids, videos) => {
    const annotations = parseMsvdTsv(tsv, ids);
    expect(annotations.videos).toEqual(videos);
    expect(annotations.captions).toEqual([
      { videoId: "eyhzdC936uk_15_27", text: "a boy playing with dog" },
      { videoId: "eyhzdC936uk_15_27", text: "a man plays high five" },
      { videoId: "f-24IxG9ijw_25_40", text: "a cat sleeps" },
    ]);
  });

  it('splits a caption that contains ", " into two (the documented ambiguity)', () => {
    const annotations = parseMsvdTsv("a man, a dog play, \tv1\n");
    expect(annotations.captions.map((c) => c.text)).toEqual(["a man", "a dog play"]);
  });

  it("keeps a comma without a space inside a caption, and only test-list videos", () => {
    const annotations = parseMsvdTsv("1,000 birds fly, \tv1\nextra, \tv2\n", ["v1"]);
    expect(annotations.captions).toEqual([{ videoId: "v1", text: "1,000 birds fly" }]);
    expect(annotations.videos).toEqual(["v1"]);
  });

  it.each([
    ["no tab", "a caption without id\n", /line 1 is not "captions<TAB>video id"/],
    ["empty id", "a caption\t \n", /line 1 is not/],
  ])("rejects %s", (_name, text, message) => {
    expect(() => parseMsvdTsv(text)).toThrow(InputError);
    expect(() => parseMsvdTsv(text)).toThrow(message);
  });

  it("rejects a test id missing from the file", () => {
    expect(() => parseMsvdTsv(tsv, ["eyhzdC936uk_15_27", "gone_1_2"])).toThrow(
      /"gone_1_2" of the test split has no caption/,
    );
  });
});

// Pins the MSR-VTT parsers on small files in the real layouts: quoting, column order, split filter.
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { captionVideoIndexes } from "./annotations.ts";
import { parseMsrvtt1kA, parseMsrvttFull } from "./msrvtt.ts";

describe("parseMsrvtt1kA", () => {
  it("reads rows with quotes, commas and odd characters", () => {
    const csv = [
      "key,vid_key,video_id,sentence",
      "ret0,msr9770,video9770,a person is connecting something to system",
      'ret1,msr9771,video9771,"a girl, a boy and a dog play"',
      'ret2,msr9772,video9772,"the sign says ""open"" — café"',
      "ret3,msr9773,video9773,plain",
    ].join("\r\n");
    const annotations = parseMsrvtt1kA(csv);
    expect(annotations.dataset).toBe("msrvtt-1ka");
    expect(annotations.videos).toEqual(["video9770", "video9771", "video9772", "video9773"]);
    expect(annotations.captions.map((c) => c.text)).toEqual([
      "a person is connecting something to system",
      "a girl, a boy and a dog play",
      'the sign says "open" — café',
      "plain",
    ]);
    expect(captionVideoIndexes(annotations)).toEqual([0, 1, 2, 3]);
  });

  it("finds columns by name", () => {
    const annotations = parseMsrvtt1kA("sentence,video_id\nhello,video1\n");
    expect(annotations.captions).toEqual([{ videoId: "video1", text: "hello" }]);
  });

  it.each([
    [
      "missing header columns",
      "key,vid,sentence\nret0,msr1,hi\n",
      /must name the columns video_id and sentence/,
    ],
    ["unquoted comma", "key,vid_key,video_id,sentence\nret0,msr1,video1,a, b\n", /record 2 has 5 fields/],
    ["empty file", "", /must name the columns/],
  ])("rejects %s", (_name, csv, message) => {
    expect(() => parseMsrvtt1kA(csv)).toThrow(InputError);
    expect(() => parseMsrvtt1kA(csv)).toThrow(message);
  });
});

/** A small MSRVTT_data.json: `videosPerSplit` videos in train and test, `captionsPer` captions each. */
function msrvttData(videosPerSplit: number, captionsPer: number) {
  const videos = [];
  const sentences = [];
  let sen = 0;
  for (const [split, offset] of [
    ["train", 0],
    ["test", 7010],
  ] as const) {
    for (let v = 0; v < videosPerSplit; v++) {
      const id = `video${offset + v}`;
      videos.push({
        category: 1,
        url: "u",
        video_id: id,
        "start time": 0,
        "end time": 1,
        split,
        id: offset + v,
      });
      for (let c = 0; c < captionsPer; c++)
        sentences.push({ caption: `caption ${c}, of "${id}"`, video_id: id, sen_id: sen++ });
    }
  }
  return { info: {}, videos, sentences };
}

describe("parseMsrvttFull", () => {
  it("keeps the test split: videos in order, all their captions", () => {
    const annotations = parseMsrvttFull(JSON.stringify(msrvttData(3, 20)));
    expect(annotations.dataset).toBe("msrvtt-full");
    expect(annotations.videos).toEqual(["video7010", "video7011", "video7012"]);
    expect(annotations.captions).toHaveLength(60);
    expect(annotations.captions[21]).toEqual({ videoId: "video7011", text: 'caption 1, of "video7011"' });
    expect(captionVideoIndexes(annotations).slice(18, 22)).toEqual([0, 0, 1, 1]);
    expect(parseMsrvttFull(JSON.stringify(msrvttData(3, 20)), "train").videos).toEqual([
      "video0",
      "video1",
      "video2",
    ]);
  });

  it.each([
    ["not JSON", "{", /is not valid JSON/],
    ["no arrays", JSON.stringify({ videos: {} }), /arrays "videos" and "sentences"/],
    [
      "bad video",
      JSON.stringify({ videos: [{ id: 1 }], sentences: [] }),
      /videos\[0\] needs string video_id and split/,
    ],
    [
      "bad sentence",
      JSON.stringify({
        videos: [{ video_id: "v", split: "test" }],
        sentences: [{ caption: 1, video_id: "v" }],
      }),
      /sentences\[0\]/,
    ],
    [
      "no test video",
      JSON.stringify({ videos: [{ video_id: "v", split: "train" }], sentences: [] }),
      /no video has split "test"/,
    ],
    [
      "test video without caption",
      JSON.stringify({ videos: [{ video_id: "v", split: "test" }], sentences: [] }),
      /video "v" of the test split has no caption/,
    ],
  ])("rejects %s", (_name, text, message) => {
    expect(() => parseMsrvttFull(text)).toThrow(InputError);
    expect(() => parseMsrvttFull(text)).toThrow(message);
  });
});

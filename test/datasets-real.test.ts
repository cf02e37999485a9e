// Runs the dataset annotation parsers on the real annotation files in ../shared/datasets.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { captionVideoIndexes } from "../shared/datasets/annotations.ts";
import { parseLsmdc } from "../shared/datasets/lsmdc.ts";
import { parseMsrvtt1kA } from "../shared/datasets/msrvtt.ts";
import { parseMsvdTestList, parseMsvdTsv } from "../shared/datasets/msvd.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "./shared-data.ts";

const read = (...parts: string[]) => readFileSync(sharedPath("datasets", ...parts), "utf8");

describe.skipIf(!hasSharedData)("dataset annotation files", () => {
  it("MSR-VTT 1k-A: 1000 videos, one sentence each", () => {
    const annotations = parseMsrvtt1kA(read("msrvtt", "MSRVTT_JSFUSION_test.csv"));
    expect(annotations.videos).toHaveLength(1000);
    expect(annotations.captions).toHaveLength(1000);
    expect(annotations.captions[0]).toEqual({
      videoId: "video9770",
      text: "a person is connecting something to system",
    });
    expect(captionVideoIndexes(annotations)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it("MSVD: 670 test ids, 27763 captions from the TSV form (every comma a separator)", () => {
    const ids = parseMsvdTestList(read("msvd", "test_list.txt"));
    expect(ids).toHaveLength(670);
    const annotations = parseMsvdTsv(read("msvd", "MSVD_test.tsv"), ids);
    expect(annotations.videos).toEqual(ids);
    expect(annotations.captions).toHaveLength(27763);
    // The ", " split is unambiguous here only because captions carry no punctuation at all.
    expect(annotations.captions.every((c) => /^[a-z0-9 ]+$/.test(c.text))).toBe(true);
    expect(annotations.captions[0]).toEqual({ videoId: "eyhzdC936uk_15_27", text: "a boy playing with dog" });
  });

  it("LSMDC: 1000 clips, sentence from the last column", () => {
    const annotations = parseLsmdc(read("lsmdc", "LSMDC16_challenge_1000_publictect.csv"));
    expect(annotations.videos).toHaveLength(1000);
    expect(annotations.captions).toHaveLength(1000);
    expect(annotations.captions[0]).toEqual({
      videoId: "3086_UGLY_TRUTH_00.23.23.000-00.23.28.886",
      text: "SOMEONE stands below, hands on her hips.",
    });
  });
});
if (!hasSharedData) describe.skip(`dataset annotation files: ${SHARED_DATA_SKIP_REASON}`, () => {});

// Pins the LSMDC parser: tab-separated fields, sentence last, quotes and commas kept verbatim.
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { parseLsmdc } from "./lsmdc.ts";

describe("parseLsmdc", () => {
  it.each([
    [
      "full row",
      "3086_UGLY_TRUTH_00.23.23.000-00.23.28.886\t00.23.23.000\t00.23.28.886\t00.23.23.000\t00.23.28.886\tSOMEONE stands below, hands on her hips.\n",
      {
        videoId: "3086_UGLY_TRUTH_00.23.23.000-00.23.28.886",
        text: "SOMEONE stands below, hands on her hips.",
      },
    ],
    [
      "quotes and odd characters, CRLF",
      'clip_1\t0\t1\tIt\'s 12:02 PM as SOMEONE says "go" — déjà vu.\r\n',
      { videoId: "clip_1", text: 'It\'s 12:02 PM as SOMEONE says "go" — déjà vu.' },
    ],
    ["two columns", "clip_2\tA sentence.", { videoId: "clip_2", text: "A sentence." }],
  ])("%s", (_name, text, caption) => {
    const annotations = parseLsmdc(text);
    expect(annotations.dataset).toBe("lsmdc");
    expect(annotations.videos).toEqual([caption.videoId]);
    expect(annotations.captions).toEqual([caption]);
  });

  it("skips blank lines and keeps file order", () => {
    expect(parseLsmdc("b\tsecond\n\na\tfirst\n").videos).toEqual(["b", "a"]);
  });

  it.each([
    ["a comma-separated line", "clip,0,1,sentence\n", /line 1 is not "clip id<TAB>...<TAB>sentence"/],
    ["an empty id", "\tsentence\n", /line 1 is not/],
  ])("rejects %s", (_name, text, message) => {
    expect(() => parseLsmdc(text)).toThrow(InputError);
    expect(() => parseLsmdc(text)).toThrow(message);
  });
});

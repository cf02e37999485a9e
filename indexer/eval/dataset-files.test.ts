// Loading a benchmark's files by --dataset: the right parser for each format, MSVD's two caption forms.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDatasetAnnotations, parseDatasetName } from "./dataset-files.ts";

let dir = "";
const file = (name: string) => join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dataset-files-"));
  await writeFile(
    file("1ka.csv"),
    'key,vid_key,video_id,sentence\nret0,msr1,video1,"a man, singing"\nret1,msr2,video2,a dog\n',
  );
  await writeFile(
    file("full.json"),
    JSON.stringify({
      videos: [
        { video_id: "video0", split: "train" },
        { video_id: "video7010", split: "test" },
      ],
      sentences: [
        { video_id: "video0", caption: "train" },
        { video_id: "video7010", caption: "a" },
        { video_id: "video7010", caption: "b" },
      ],
    }),
  );
  await writeFile(file("test_list.txt"), "vidA_1_2\nvidB_3_4\n");
  await writeFile(
    file("MSVD_test.tsv"),
    "a cat, a kitten, \tvidB_3_4\na dog, \tvidA_1_2\nignored, \tvidC_5_6\n",
  );
  await writeFile(
    file("AllVideoDescriptions.txt"),
    "# comment\nvidA_1_2 a dog runs\nvidB_3_4 a cat\nvidC_5_6 other\n",
  );
  await writeFile(
    file("lsmdc.csv"),
    "0001_M_00.00.01.000-00.00.02.000\t00.00.01.000\t00.00.02.000\tSOMEONE, smiling, waves.\n",
  );
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("loadDatasetAnnotations", () => {
  it("parses each format with its parser", async () => {
    const oneK = await loadDatasetAnnotations("msrvtt-1ka", file("1ka.csv"));
    expect(oneK.captions).toEqual([
      { videoId: "video1", text: "a man, singing" },
      { videoId: "video2", text: "a dog" },
    ]);
    const full = await loadDatasetAnnotations("msrvtt-full", file("full.json"));
    expect([full.videos, full.captions.length]).toEqual([["video7010"], 2]);
    const lsmdc = await loadDatasetAnnotations("lsmdc", file("lsmdc.csv"));
    expect(lsmdc.captions).toEqual([
      { videoId: "0001_M_00.00.01.000-00.00.02.000", text: "SOMEONE, smiling, waves." },
    ]);
  });

  it("reads MSVD captions in the TSV or the original form, in the test list's order", async () => {
    const tsv = await loadDatasetAnnotations("msvd", file("test_list.txt"), file("MSVD_test.tsv"));
    expect(tsv.videos).toEqual(["vidA_1_2", "vidB_3_4"]);
    expect(tsv.captions.map((c) => c.text)).toEqual(["a cat", "a kitten", "a dog"]);
    const original = await loadDatasetAnnotations(
      "msvd",
      file("test_list.txt"),
      file("AllVideoDescriptions.txt"),
    );
    expect(original.captions).toEqual([
      { videoId: "vidA_1_2", text: "a dog runs" },
      { videoId: "vidB_3_4", text: "a cat" },
    ]);
    const alone = await loadDatasetAnnotations("msvd", file("MSVD_test.tsv"));
    expect(alone.videos).toEqual(["vidB_3_4", "vidA_1_2", "vidC_5_6"]);
  });

  it("says what is missing or misplaced", async () => {
    await expect(loadDatasetAnnotations("msvd", file("test_list.txt"))).rejects.toThrow(
      /msvd needs the captions/,
    );
    await expect(loadDatasetAnnotations("lsmdc", file("lsmdc.csv"), file("x"))).rejects.toThrow(
      /--captions is only for msvd/,
    );
    await expect(loadDatasetAnnotations("lsmdc", file("none.csv"))).rejects.toThrow(
      /cannot read --annotations .*none\.csv: no such file/,
    );
    expect(() => parseDatasetName("msrvtt")).toThrow(
      /--dataset must be one of msrvtt-1ka, msrvtt-full, msvd, lsmdc/,
    );
  });
});

// Runs `eval-features` through the CLI's main(): reference metrics, table output, every bad input.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeNpy, type NpyArray } from "../../shared/npy.ts";
import { createPrng } from "../../shared/prng.ts";
import { runCli as runTestCli } from "../../test/indexer-fixtures.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";

async function runCli(args: string[]) {
  const { code: status, stdout, stderr } = await runTestCli(args, { verbose: false });
  return { status, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), "eval-features-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeNpy(name: string, array: NpyArray): string {
  const path = join(dir, name);
  writeFileSync(path, encodeNpy(array));
  return path;
}

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

function randomF32(seed: number, shape: number[]): NpyArray {
  const prng = createPrng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { dtype: "float32", shape, data: Float32Array.from({ length: size }, () => prng.next() - 0.5) };
}

describe.skipIf(!hasSharedData)("eval-features on the reference features", () => {
  it.each(["single_caption", "multi_caption"])("reproduces %s/expected.json to 1e-6", async (name) => {
    const base = sharedPath("reference", "metrics", name);
    const { status, stdout, stderr } = await runCli([
      "eval-features",
      "--text",
      join(base, "text.npy"),
      "--video",
      join(base, "video.npy"),
      "--captions",
      join(base, "captions.json"),
      "--json",
    ]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    const got = JSON.parse(stdout);
    const expected = JSON.parse(readFileSync(join(base, "expected.json"), "utf8"));
    expect(Object.keys(got).sort()).toEqual(["tvr", "vtr_ce", "vtr_paper"]);
    for (const protocol of ["tvr", "vtr_paper", "vtr_ce"]) {
      expect(Object.keys(got[protocol]).sort()).toEqual(["MdR", "MnR", "R1", "R10", "R5", "StdR"]);
      for (const [key, value] of Object.entries(expected[protocol] as Record<string, number>)) {
        expect(Math.abs(got[protocol][key] - value), `${protocol}.${key}`).toBeLessThan(1e-6);
      }
    }
  });

  it("prints the paper's table without --json", async () => {
    const base = sharedPath("reference", "metrics", "single_caption");
    const { status, stdout, stderr } = await runCli([
      "eval-features",
      "--text",
      join(base, "text.npy"),
      "--video",
      join(base, "video.npy"),
      "--captions",
      join(base, "captions.json"),
    ]);
    expect(status).toBe(0);
    expect(stderr).toMatch(/100 captions, 100 videos/);
    const lines = stdout.trim().split("\n");
    expect(lines[0].trim().split(/\s+/)).toEqual(["R@1", "R@5", "R@10", "MdR", "MnR", "StdR"]);
    expect(lines[1]).toMatch(/^TVR\s+26\.0\s+63\.0\s+77\.0\s+4\.0\s+8\.6\s+12\.4$/);
    expect(lines[2]).toMatch(/^VTR \(paper protocol\)\s+25\.0/);
    expect(lines[3]).toMatch(/^VTR \(CE protocol\)\s+25\.0/);
  });
});
if (!hasSharedData) describe.skip(`eval-features reference: ${SHARED_DATA_SKIP_REASON}`, () => {});

describe("eval-features with [V, k, d] video vectors", () => {
  it("scores a video by its best vector and accepts float16", async () => {
    // Caption c matches video c only through its second vector.
    const d = 4;
    const text = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0]);
    const video = new Float32Array([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0.1]);
    const { float32ToFloat16Array } = await import("../../shared/float16.ts");
    const args = [
      "eval-features",
      "--text",
      writeNpy("k-text.npy", { dtype: "float16", shape: [2, d], data: float32ToFloat16Array(text) }),
      "--video",
      writeNpy("k-video.npy", { dtype: "float32", shape: [2, 2, d], data: video }),
      "--captions",
      writeJson("k-captions.json", [0, 1]),
      "--json",
    ];
    const { status, stdout } = await runCli(args);
    expect(status).toBe(0);
    const got = JSON.parse(stdout);
    for (const protocol of ["tvr", "vtr_paper", "vtr_ce"])
      expect(got[protocol]).toMatchObject({ R1: 100, MnR: 1 });
  });
});

describe("eval-features rejects bad input with one line and status 2", () => {
  const good = {
    text: writeNpy("text.npy", randomF32(1, [4, 8])),
    video: writeNpy("video.npy", randomF32(2, [3, 8])),
    captions: writeJson("captions.json", [0, 1, 2, 2]),
  };
  const nanText = randomF32(3, [4, 8]);
  (nanText.data as Float32Array)[9] = Number.NaN;
  const zeroVideo = randomF32(4, [3, 8]);
  (zeroVideo.data as Float32Array).fill(0, 16, 24);

  const cases: [string, Partial<typeof good>, RegExp][] = [
    ["missing text file", { text: join(dir, "nope.npy") }, /cannot read --text .*nope\.npy: no such file/],
    ["not a .npy", { video: writeJson("not.npy", "hello") }, /--video .*not\.npy: not a \.npy file/],
    [
      "int64 dtype",
      { text: writeNpy("i8.npy", { dtype: "int64", shape: [4, 2], data: new BigInt64Array(8) }) },
      /dtype int64 is not an embedding/,
    ],
    [
      "float64 dtype",
      {
        text: (() => {
          const bytes = encodeNpy(randomF32(5, [4, 4]));
          const path = join(dir, "f8.npy");
          writeFileSync(path, Buffer.from(bytes).toString("latin1").replace("<f4", "<f8"), "latin1");
          return path;
        })(),
      },
      /dtype '<f8' is not supported/,
    ],
    ["text not 2-D", { text: writeNpy("t1.npy", randomF32(6, [8])) }, /--text .* must have shape \[C, d\]/],
    [
      "video 4-D",
      { video: writeNpy("v4.npy", randomF32(7, [3, 1, 1, 8])) },
      /must have shape \[V, d\] or \[V, k, d\]/,
    ],
    [
      "dimension mismatch",
      { video: writeNpy("v6.npy", randomF32(8, [3, 6])) },
      /dimension 8 but video vectors have 6/,
    ],
    ["NaN vector", { text: writeNpy("nan.npy", nanText) }, /--text .*: row 1 is not finite/],
    ["zero vector", { video: writeNpy("zero.npy", zeroVideo) }, /--video .*: row 2 is all zeros/],
    ["captions not JSON", { captions: writeJson("bad.json", "[0, 1,") }, /is not valid JSON/],
    [
      "captions not integers",
      { captions: writeJson("strings.json", ["a", "b", "c", "d"]) },
      /JSON array of integer/,
    ],
    [
      "captions wrong length",
      { captions: writeJson("short.json", [0, 1, 2]) },
      /3 entries but there are 4 captions/,
    ],
    [
      "caption index out of range",
      { captions: writeJson("range.json", [0, 1, 2, 3]) },
      /caption 3 refers to video 3/,
    ],
    ["video with no caption", { captions: writeJson("orphan.json", [0, 0, 2, 2]) }, /video 1 has no caption/],
    ["missing captions file", { captions: join(dir, "none.json") }, /cannot read --captions/],
  ];

  it.each(cases)("%s", async (_name, override, message) => {
    const paths = { ...good, ...override };
    const { status, stdout, stderr } = await runCli([
      "eval-features",
      "--text",
      paths.text,
      "--video",
      paths.video,
      "--captions",
      paths.captions,
    ]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error: /);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it("requires every option", async () => {
    const { status, stderr } = await runCli(["eval-features", "--text", good.text, "--video", good.video]);
    expect(status).toBe(2);
    expect(stderr).toBe("error: missing required option --captions\n");
  });

  it("accepts the good inputs (so the failures above come from the one bad part)", async () => {
    const { status } = await runCli([
      "eval-features",
      "--text",
      good.text,
      "--video",
      good.video,
      "--captions",
      good.captions,
      "--json",
    ]);
    expect(status).toBe(0);
  });
});

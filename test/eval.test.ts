// End to end through the real CLI, ffmpeg and ONNX Runtime: `eval` on the toy videos written as each
// of the four benchmarks (MSR-VTT 1k-A and full, MSVD, LSMDC) with the toy model: ranks, left-out
// videos, the frame cache, the report files, and --dry-run on the real annotation files of ../shared.
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ToyVideosSummary, writeToyVideos } from "../indexer/demo/toy-videos.ts";
import type { ResultsFile } from "../indexer/eval/report.ts";
import { type ToyBenchmark, writeToyBenchmark } from "./eval-benchmarks.ts";
import { fixtureModel } from "./fixtures/factory.ts";
import { runCli } from "./indexer-fixtures.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "./shared-data.ts";

let dir = "";
let model = "";
let toy: ToyVideosSummary;
const benchmarks = new Map<string, ToyBenchmark>();

const evalArgs = (benchmark: ToyBenchmark, ...extra: string[]) => [
  "eval",
  ...benchmark.args,
  "--model",
  model,
  "--sample",
  "fps:2",
  "--cache",
  join(dir, "cache"),
  "--threads",
  "1",
  ...extra,
];

async function evalJson(benchmark: ToyBenchmark, ...extra: string[]) {
  const run = await runCli(evalArgs(benchmark, "--json", ...extra));
  expect(run.stderr).not.toMatch(/error/);
  expect(run.code).toBe(0);
  return { result: JSON.parse(run.stdout) as ResultsFile, stderr: run.stderr };
}

/** True when `svg` is one well-formed <svg> element (tags nest and close; no parser in Node). */
function isWellFormedSvg(svg: string): boolean {
  const body = svg.trim();
  if (
    !body.startsWith("<svg") ||
    !body.endsWith("</svg>") ||
    !body.includes('xmlns="http://www.w3.org/2000/svg"')
  )
    return false;
  const stack: string[] = [];
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eval-e2e-"));
  model = join(dir, "model");
  await fixtureModel({ kind: "toy", dir: model, seed: 7 });
  // 6 videos: 4 showing one shape, 2 changing scene; two captions each, every one unambiguous.
  toy = await writeToyVideos(join(dir, "toy"), { seed: 3, count: 6 });
  for (const [name, dataset, options] of [
    ["msrvtt-1ka", "msrvtt-1ka", {}],
    ["msrvtt-full", "msrvtt-full", {}],
    ["msvd", "msvd", { missing: true }],
    ["lsmdc", "lsmdc", { missing: true }],
    ["rotated", "msrvtt-1ka", { rotateCaptions: true }],
  ] as const) {
    benchmarks.set(
      name,
      await writeToyBenchmark(join(dir, name), dataset, toy.plans, join(dir, "toy"), options),
    );
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("eval --dry-run", () => {
  it("prints exactly {videos, captions, missing} for each format", async () => {
    const expected: Record<string, { videos: number; captions: number; missing: number }> = {
      "msrvtt-1ka": { videos: 6, captions: 6, missing: 0 },
      "msrvtt-full": { videos: 6, captions: 12, missing: 0 },
      msvd: { videos: 7, captions: 14, missing: 1 },
      lsmdc: { videos: 7, captions: 7, missing: 1 },
    };
    for (const [name, counts] of Object.entries(expected)) {
      const run = await runCli(["eval", ...benchmarks.get(name)!.args, "--dry-run", "--json"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${JSON.stringify(counts)}\n`);
    }
  });
});

describe("eval on the toy benchmarks", () => {
  let first: { result: ResultsFile; stderr: string };
  const report = () => join(dir, "report");

  beforeAll(async () => {
    first = await evalJson(
      benchmarks.get("msrvtt-1ka")!,
      "--aggregate",
      "mean,frame:0",
      "--aggregate",
      "kmeans:1..3",
      "--out",
      report(),
    );
  });

  it("ranks every caption's video first and every video's caption first (the toy model's captions are unambiguous)", () => {
    const { result } = first;
    expect(result.counts).toEqual({
      splitVideos: 6,
      splitCaptions: 6,
      missing: 0,
      failed: 0,
      videos: 6,
      captions: 6,
    });
    expect(result.comparableWithPaper).toBe(true);
    expect(result.aggregations.map((a) => a.aggregation)).toEqual([
      "mean",
      "frame:0",
      "kmeans:1",
      "kmeans:2",
      "kmeans:3",
    ]);
    for (const a of result.aggregations) {
      for (const metrics of [a.tvr, a.vtr_paper, a.vtr_ce])
        expect(metrics).toEqual({ R1: 100, R5: 100, R10: 100, MdR: 1, MnR: 1, StdR: 0 });
    }
    expect(result.aggregations.map((a) => a.vectorsPerVideo)).toEqual([1, 1, 1, 2, 3]);
    expect(result.primary.aggregation).toBe("mean");
    expect(result.primary.ranks.tvr).toEqual([1, 1, 1, 1, 1, 1]);
    expect(result.primary.videoIds).toEqual(benchmarks.get("msrvtt-1ka")!.ids);
    // Toy videos last 3 to 6 s; fps:2 samples two frames per second.
    result.primary.durationsSec.forEach((seconds, v) => {
      expect(seconds).toBeCloseTo(toy.plans[v].durationSec, 1);
      expect(result.primary.frameCounts[v]).toBe(Math.round(toy.plans[v].durationSec * 2));
    });
  });

  it("writes results.json, report.md and well-formed SVG figures", async () => {
    const files = (await readdir(report())).sort();
    expect(files).toEqual(
      [
        "fig1a-rank-vs-length.svg",
        "fig1b-length-histogram.svg",
        "fig1c-rank-by-length-group.svg",
        "rank-histogram-tvr.svg",
        "rank-histogram-vtr-ce.svg",
        "rank-histogram-vtr-paper.svg",
        "report.md",
        "results.json",
      ].sort(),
    );
    for (const file of files.filter((f) => f.endsWith(".svg")))
      expect(isWellFormedSvg(await readFile(join(report(), file), "utf8")), file).toBe(true);
    const results = JSON.parse(await readFile(join(report(), "results.json"), "utf8")) as ResultsFile;
    expect(results.format).toBe("clip-video-eval");
    expect(results.published.tvr.R1).toBe(31.2);
    // --json prints what results.json holds.
    expect({ ...results, createdAt: "" }).toEqual({ ...first.result, createdAt: "" });
    const markdown = await readFile(join(report(), "report.md"), "utf8");
    expect(markdown).toContain("| TVR: paper | 31.2 | 53.7 | 64.2 | 4.0 |");
    expect(markdown).toContain("| TVR: ours - paper | +68.8 | +46.3 | +35.8 | -3.0 |");
    expect(markdown).toContain("![Histogram of video lengths](fig1b-length-histogram.svg)");
  });

  it("prints the Table 1 layout (one row per aggregation) and the Tables 2-4 layout beside the paper", async () => {
    const run = await runCli(evalArgs(benchmarks.get("msrvtt-1ka")!, "--aggregate", "mean,kmeans:2..3"));
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[1].trim().split(/\s+/)).toEqual(["R@1", "R@5", "R@10", "MdR", "MnR", "StdR"]);
    expect(lines.slice(2, 5).map((l) => l.split(/\s+/)[0])).toEqual(["mean", "kmeans:2", "kmeans:3"]);
    expect(run.stdout).toMatch(/VTR \(paper protocol\): paper\s+27\.2\s+51\.7\s+62\.6\s+5\.0/);
    expect(run.stdout).toMatch(/VTR \(CE protocol\): ours\s+100\.0/);
    expect(run.stdout).not.toContain("NOT COMPARABLE");
  });

  it("gives rank > 1 to every caption when each video is annotated with another video's captions", async () => {
    const { result } = await evalJson(benchmarks.get("rotated")!);
    const mean = result.aggregations[0];
    expect(mean.tvr.R1).toBe(0);
    expect(mean.vtr_paper.R1).toBe(0);
    expect(result.primary.ranks.tvr.every((rank) => rank > 1)).toBe(true);
  });

  it.each(["mean", "kmeans:2"])(
    "exports %s features that eval-features scores the same (whole-matrix protocols)",
    async (aggregation) => {
      const out = join(dir, `features-${aggregation.replace(":", "")}`);
      const { result } = await evalJson(
        benchmarks.get("rotated")!,
        "--aggregate",
        aggregation,
        "--out",
        out,
        "--features",
      );
      const features = join(out, "features");
      const run = await runCli([
        "eval-features",
        "--text",
        join(features, "text.npy"),
        "--video",
        join(features, "video.npy"),
        "--captions",
        join(features, "captions.json"),
        "--json",
      ]);
      expect(run.code).toBe(0);
      const scored = JSON.parse(run.stdout);
      const ours = result.aggregations[0];
      expect({ tvr: scored.tvr, vtr_paper: scored.vtr_paper, vtr_ce: scored.vtr_ce }).toEqual({
        tvr: ours.tvr,
        vtr_paper: ours.vtr_paper,
        vtr_ce: ours.vtr_ce,
      });
      expect(Object.keys(scored).sort()).toEqual(["tvr", "vtr_ce", "vtr_paper"]);
      expect(JSON.parse(await readFile(join(features, "videos.json"), "utf8"))).toEqual(
        result.primary.videoIds,
      );
    },
  );

  it("evaluates the MSR-VTT full, MSVD and LSMDC forms, leaving missing videos out of both sides", async () => {
    const full = (await evalJson(benchmarks.get("msrvtt-full")!)).result;
    expect(full.counts).toMatchObject({ splitVideos: 6, splitCaptions: 12, videos: 6, captions: 12 });
    expect(full.aggregations[0].tvr.R1).toBe(100);
    expect(full.aggregations[0].vtr_ce.R1).toBe(100);
    for (const name of ["msvd", "lsmdc"]) {
      const benchmark = benchmarks.get(name)!;
      const run = await runCli(evalArgs(benchmark));
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("NOT COMPARABLE with the paper: 1 of the split's 7 videos were left out");
      expect(run.stderr).toContain(`1 videos missing (left out): ${benchmark.missingId}`);
      const { result } = await evalJson(benchmark);
      expect(result.comparableWithPaper).toBe(false);
      expect(result.missing).toEqual([benchmark.missingId]);
      expect(result.counts).toMatchObject({
        splitVideos: 7,
        videos: 6,
        captions: benchmark.captions - (name === "msvd" ? 2 : 1),
      });
      expect(result.primary.videoIds).not.toContain(benchmark.missingId);
      expect(result.aggregations[0].tvr.R1).toBe(100);
      expect(result.aggregations[0].vtr_paper.R1).toBe(100);
    }
  });

  it("reuses the frame cache across runs and links, and embeds again a changed or damaged video", async () => {
    // Every benchmark links the same files, so everything was embedded once, by the first run.
    const again = await evalJson(benchmarks.get("lsmdc")!);
    expect(again.stderr).toContain("6 videos found: 6 in the frame cache, 0 to embed");
    expect(again.result.frames.embeddedFrames).toBe(0);
    expect([first.result.captionsCached, again.result.captionsCached]).toEqual([false, true]);
    expect(again.stderr).toContain("6 captions (embeddings from the cache)");

    const touched = join(dir, "toy", toy.plans[0].path);
    await utimes(touched, new Date(), new Date(Date.now() + 5000));
    const cacheDir = first.result.frames.cacheDir;
    const sidecars = (await readdir(cacheDir)).filter((f) => f.endsWith(".json") && f !== "settings.json");
    // Damage the entry of another video than the touched one (entry names hash the real path).
    const other = await realpath(join(dir, "toy", toy.plans[1].path));
    const entries = await Promise.all(
      sidecars.map(async (f) => ({
        f,
        path: JSON.parse(await readFile(join(cacheDir, f), "utf8")).path as string,
      })),
    );
    const damaged = entries.find((e) => e.path === other)!;
    await writeFile(join(cacheDir, damaged.f.replace(/\.json$/, ".npy")), "truncated");
    const rerun = await evalJson(benchmarks.get("msrvtt-1ka")!);
    expect(rerun.stderr).toContain("6 videos found: 4 in the frame cache, 2 to embed");
    expect(rerun.result.aggregations[0]).toEqual(first.result.aggregations[0]);
  });

  it("leaves out a video that cannot be decoded, with its reason, and refuses a split with none decodable", async () => {
    const benchmark = benchmarks.get("msrvtt-1ka")!;
    const broken = join(dir, "broken");
    await mkdir(broken, { recursive: true });
    const [bad, ...good] = benchmark.ids;
    for (const [i, id] of good.entries())
      await symlink(join(dir, "toy", toy.plans[i + 1].path), join(broken, `${id}.mp4`));
    await writeFile(join(broken, `${bad}.mp4`), "not a video");
    await writeFile(join(broken, `${good[0]}.json`), "{}"); // beside a video, never a candidate
    const args = [
      "--annotations",
      benchmark.args[benchmark.args.indexOf("--annotations") + 1],
      "--model",
      model,
    ];
    const common = [
      "eval",
      "--dataset",
      "msrvtt-1ka",
      ...args,
      "--sample",
      "fps:2",
      "--cache",
      join(dir, "cache"),
      "--json",
    ];
    const run = await runCli([...common, "--videos", broken]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ResultsFile;
    expect(result.failed.map((f) => f.id)).toEqual([bad]);
    expect(result.failed[0].reason).toMatch(/not a readable video/);
    expect(result.counts).toMatchObject({ missing: 0, failed: 1, videos: 5, captions: 5 });
    expect(result.comparableWithPaper).toBe(false);
    expect(result.aggregations[0].tvr.R1).toBe(100);

    const none = join(dir, "none");
    await mkdir(none, { recursive: true });
    await writeFile(join(none, `${bad}.mkv`), "not a video");
    const refused = await runCli([...common, "--videos", none]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/error: no video of the split could be decoded/);
  });
});

describe.skipIf(!hasSharedData)("eval --dry-run on the real annotation files", () => {
  it("counts the test splits of ../shared, every video missing from an empty folder", async () => {
    const empty = await mkdtemp(join(tmpdir(), "eval-empty-"));
    try {
      const cases: [string[], { videos: number; captions: number; missing: number }][] = [
        [
          [
            "--dataset",
            "msrvtt-1ka",
            "--annotations",
            sharedPath("datasets/msrvtt/MSRVTT_JSFUSION_test.csv"),
          ],
          { videos: 1000, captions: 1000, missing: 1000 },
        ],
        [
          [
            "--dataset",
            "msvd",
            "--annotations",
            sharedPath("datasets/msvd/test_list.txt"),
            "--captions",
            sharedPath("datasets/msvd/MSVD_test.tsv"),
          ],
          { videos: 670, captions: 27763, missing: 670 },
        ],
        [
          [
            "--dataset",
            "lsmdc",
            "--annotations",
            sharedPath("datasets/lsmdc/LSMDC16_challenge_1000_publictect.csv"),
          ],
          { videos: 1000, captions: 1000, missing: 1000 },
        ],
      ];
      for (const [args, counts] of cases) {
        const run = await runCli(["eval", ...args, "--videos", empty, "--dry-run", "--json"]);
        expect(run.stderr).toBe("");
        expect(JSON.parse(run.stdout)).toEqual(counts);
      }
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
if (!hasSharedData) console.warn(`[skip] eval dry run on real annotations: ${SHARED_DATA_SKIP_REASON}`);

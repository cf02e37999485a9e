// Section: incremental cost of `index` as a sync (issue 12 item 7): a library of 200 short toy videos
// indexed fresh, then 2 added, 1 changed, 1 removed and the same command run again on the same --out;
// both wall times (model load and index writing included: what a user waits for) and their ratio.
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSampling } from "../../indexer/decode/sampling.ts";
import { TOY_MAX_VIDEOS } from "../../indexer/demo/toy-video-plan.ts";
import { writeToyVideos } from "../../indexer/demo/toy-videos.ts";
import { type IndexSummary, indexLibrary } from "../../indexer/index/index-library.ts";
import { parseAggregation } from "../../shared/aggregate.ts";
import { BENCH_DATA } from "../lib/fixtures.ts";
import type { Goal } from "../lib/goals.ts";
import type { BenchContext, SectionOutcome } from "../lib/section.ts";
import { round, since } from "../lib/stats.ts";

const LIBRARY_VIDEOS = 200;
const THREADS = 2;
const SAMPLING = "fps:1";
/** The goal: a sync of a few changes costs at most this share of a fresh build. */
const GOAL_RATIO = 0.1;

/** The library: toy videos (320x240, 10 fps, 3-5 s), generated once into data/bench/sync-videos. */
export interface SyncFigures {
  videos: number;
  sampling: string;
  fresh: { ms: number; frames: number; vectors: number };
  sync: { ms: number; frames: number } & Pick<
    IndexSummary["sync"],
    "added" | "changed" | "removed" | "unchanged" | "reused"
  >;
  /** sync.ms / fresh.ms */
  ratio: number;
  goalRatio: number;
}

/** 24 toy videos per seed (generate toy-videos' most), in data/bench/sync-videos/s<seed>/videos; made once. */
async function toyVideoSets(sets: number, log: (message: string) => void): Promise<string[]> {
  const dirs: string[] = [];
  for (let seed = 1; seed <= sets; seed++) {
    const dir = join(BENCH_DATA, "sync-videos", `s${seed}`);
    if (!existsSync(join(dir, "manifest.csv"))) {
      log(`  writing toy videos, set ${seed}/${sets} ...`);
      await writeToyVideos(dir, { count: TOY_MAX_VIDEOS, seed });
    }
    dirs.push(join(dir, "videos"));
  }
  return dirs;
}

export async function benchSync(context: BenchContext): Promise<SyncFigures> {
  // Two more than the library for the added videos, one more for the changed one's new content.
  const sets = Math.ceil((LIBRARY_VIDEOS + 3) / TOY_MAX_VIDEOS);
  const sources: { set: string; name: string; path: string }[] = [];
  for (const [i, dir] of (await toyVideoSets(sets, context.log)).entries())
    for (const name of (await readdir(dir)).filter((n) => n.endsWith(".mp4")).sort())
      sources.push({ set: `s${i + 1}`, name, path: join(dir, name) });
  const scratch = await mkdtemp(join(tmpdir(), "bench-sync-"));
  try {
    const library = join(scratch, "library");
    const place = async (source: (typeof sources)[number], as = source) => {
      await mkdir(join(library, as.set), { recursive: true });
      await copyFile(source.path, join(library, as.set, as.name));
    };
    for (const source of sources.slice(0, LIBRARY_VIDEOS)) await place(source);
    const out = join(scratch, "index");
    const run = () =>
      indexLibrary({
        videos: library,
        modelDir: context.modelDir,
        outDir: out,
        sampling: parseSampling(SAMPLING),
        aggregations: [parseAggregation("mean")],
        segmentSec: null,
        captionsFile: null,
        manifestFile: null,
        runtime: { device: "cpu", threads: THREADS },
        batchSize: 16,
        decoder: "native",
        dtype: "float32",
        shard: null,
      });
    context.log(`[sync] fresh build of ${LIBRARY_VIDEOS} videos ...`);
    let started = performance.now();
    const fresh = await run();
    const freshMs = since(started);

    const [addedA, addedB, newContent] = sources.slice(LIBRARY_VIDEOS, LIBRARY_VIDEOS + 3);
    await place(addedA);
    await place(addedB);
    await place(newContent, sources[0]); // sources[0]'s file now holds another video
    await rm(join(library, sources[1].set, sources[1].name));
    context.log("[sync] 2 added, 1 changed, 1 removed: sync ...");
    started = performance.now();
    const synced = await run();
    const syncMs = since(started);
    const { added, changed, removed, unchanged, reused } = synced.sync;
    const expected = {
      added: 2,
      changed: 1,
      removed: 1,
      unchanged: LIBRARY_VIDEOS - 2,
      reused: LIBRARY_VIDEOS - 2,
    };
    if (JSON.stringify({ added, changed, removed, unchanged, reused }) !== JSON.stringify(expected))
      throw new Error(`the sync did not see the edits: ${JSON.stringify(synced.sync)}`);
    return {
      videos: LIBRARY_VIDEOS,
      sampling: SAMPLING,
      fresh: { ms: round(freshMs), frames: fresh.frames, vectors: fresh.vectors },
      sync: { ms: round(syncMs), frames: synced.frames, added, changed, removed, unchanged, reused },
      ratio: round(syncMs / freshMs),
      goalRatio: GOAL_RATIO,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The section's goal, in the shape of bench/lib/goals.ts (null value when the section was skipped). */
export function syncGoals(outcome: SectionOutcome<SyncFigures> | undefined): Goal[] {
  if (outcome === undefined) return [];
  const value = outcome.status === "ok" ? outcome.ratio : null;
  return [
    {
      name: `sync after 2 added, 1 changed, 1 removed of ${LIBRARY_VIDEOS} videos / fresh build (wall time)`,
      value,
      target: `<= ${GOAL_RATIO}`,
      unit: "ratio",
      met: value === null ? null : value <= GOAL_RATIO,
      from: "sync.sync.ms / sync.fresh.ms",
    },
  ];
}

/** The section's table for the printed report. */
export function formatSync(outcome: SectionOutcome<SyncFigures> | undefined): string {
  if (outcome === undefined) return "";
  if (outcome.status === "skipped") return `### Library sync\nskipped: ${outcome.reason.split("\n")[0]}\n`;
  const { fresh, sync } = outcome;
  return [
    `### Library sync, ${outcome.videos} toy videos (${outcome.sampling}, ${THREADS} threads, random ViT-B/32)`,
    "| run | wall s | frames embedded |",
    "|---|---|---|",
    `| fresh build | ${(fresh.ms / 1000).toFixed(1)} | ${fresh.frames} |`,
    `| sync: ${sync.added} added, ${sync.changed} changed, ${sync.removed} removed, ${sync.unchanged} unchanged | ${(sync.ms / 1000).toFixed(1)} | ${sync.frames} |`,
    `sync / fresh: ${outcome.ratio} (goal <= ${outcome.goalRatio})`,
    "",
  ].join("\n");
}

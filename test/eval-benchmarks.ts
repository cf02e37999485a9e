// Test helper for `eval`: turns the toy videos into the four benchmarks' on-disk forms (dataset-style
// video ids and folders, annotation files in each published format), optionally with one video missing.
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ToyVideoPlan } from "../indexer/demo/toy-video-plan.ts";

/** One benchmark written by writeToyBenchmark: the `eval` arguments and the expected split. */
export interface ToyBenchmark {
  dataset: "msrvtt-1ka" | "msrvtt-full" | "msvd" | "lsmdc";
  /** `eval` arguments naming the files: --dataset, --annotations, [--captions], --videos. */
  args: string[];
  /** Video ids of the split, in split order (the missing one included). */
  ids: string[];
  /** Id that has no file (when asked for). */
  missingId: string | null;
  /** Caption count of the split. */
  captions: number;
  /** For each plan, its dataset id. */
  idOf: Map<string, string>;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Dataset-style id of the i-th toy video. */
function datasetId(dataset: ToyBenchmark["dataset"], i: number): string {
  switch (dataset) {
    case "msrvtt-1ka":
    case "msrvtt-full":
      return `video${9000 + i}`;
    case "msvd":
      return `t0yClip-${i}x_${i * 10}_${i * 10 + 4}`;
    case "lsmdc":
      // LSMDC ids hold dots; the files sit in one folder per movie.
      return `0001_TOY_MOVIE_00.00.${String(i).padStart(2, "0")}.000-00.00.${String(i + 4).padStart(2, "0")}.500`;
  }
}

/** File of a video, relative to the benchmark's videos folder (extension as the dataset ships it). */
function videoFile(dataset: ToyBenchmark["dataset"], id: string): string {
  if (dataset === "msvd") return `${id}.avi`; // MP4 content under .avi: ffmpeg reads by content
  if (dataset === "lsmdc") return join("0001_TOY_MOVIE", `${id}.avi`);
  return `${id}.mp4`;
}

/**
 * Writes `dir/videos/...` (copies of the toy videos under dataset ids) and the annotation file(s) of
 * `dataset` for `plans` (captions of plan i describe video i; MSR-VTT 1k-A and LSMDC keep one caption
 * per video, the first). With `missing`, the split gets one more video (last) that has no file; with
 * `rotateCaptions`, video i is annotated with the captions of video i + 1.
 */
export async function writeToyBenchmark(
  dir: string,
  dataset: ToyBenchmark["dataset"],
  plans: readonly ToyVideoPlan[],
  toyDir: string,
  options: { missing?: boolean; rotateCaptions?: boolean } = {},
): Promise<ToyBenchmark> {
  const videosDir = join(dir, "videos");
  const idOf = new Map<string, string>();
  // rotateCaptions gives video i the captions of video i+1: every caption then names a wrong video.
  const captionsAt = (i: number) => plans[options.rotateCaptions ? (i + 1) % plans.length : i].captions;
  const entries = plans.map((plan, i) => ({ id: datasetId(dataset, i), captions: captionsAt(i), plan }));
  for (const entry of entries) {
    idOf.set(entry.plan.id, entry.id);
    const target = join(videosDir, videoFile(dataset, entry.id));
    await mkdir(join(target, ".."), { recursive: true });
    // Links, not copies: the frame cache keys real paths, so the four benchmarks embed the videos once.
    await symlink(resolve(toyDir, entry.plan.path), target);
  }
  const missingId = options.missing ? datasetId(dataset, plans.length) : null;
  const split = missingId
    ? [...entries, { id: missingId, captions: ["a white hexagon", "a black star"], plan: null }]
    : entries;
  const singleCaption = dataset === "msrvtt-1ka" || dataset === "lsmdc";
  const captionsOf = (e: (typeof split)[number]) => (singleCaption ? e.captions.slice(0, 1) : e.captions);
  const args = ["--dataset", dataset, "--videos", videosDir];
  switch (dataset) {
    case "msrvtt-1ka": {
      const rows = split.map((e, i) => [`ret${i}`, `msr${9000 + i}`, e.id, e.captions[0]]);
      const text = [["key", "vid_key", "video_id", "sentence"], ...rows]
        .map((r) => r.map(csvCell).join(","))
        .join("\n");
      await writeFile(join(dir, "MSRVTT_JSFUSION_test.csv"), `${text}\n`);
      args.push("--annotations", join(dir, "MSRVTT_JSFUSION_test.csv"));
      break;
    }
    case "msrvtt-full": {
      // A train video with a caption must be ignored: only split "test" is evaluated.
      const videos = [
        { video_id: "video1", split: "train", category: 0 },
        ...split.map((e) => ({ video_id: e.id, split: "test", category: 0 })),
      ];
      const sentences = [
        { video_id: "video1", caption: "a train caption", sen_id: 0 },
        ...split.flatMap((e) => e.captions.map((caption) => ({ video_id: e.id, caption }))),
      ].map((s, i) => ({ ...s, sen_id: i }));
      await writeFile(join(dir, "MSRVTT_data.json"), JSON.stringify({ info: {}, videos, sentences }));
      args.push("--annotations", join(dir, "MSRVTT_data.json"));
      break;
    }
    case "msvd": {
      await writeFile(join(dir, "test_list.txt"), `${split.map((e) => e.id).join("\n")}\n`);
      const lines = split.map((e) => `${e.captions.map((c) => `${c}, `).join("")}\t${e.id}`);
      await writeFile(join(dir, "MSVD_test.tsv"), `${lines.join("\n")}\n`);
      args.push("--annotations", join(dir, "test_list.txt"), "--captions", join(dir, "MSVD_test.tsv"));
      break;
    }
    case "lsmdc": {
      const lines = split.map((e, i) => {
        const time = `00.00.${String(i).padStart(2, "0")}.000`;
        return [e.id, time, time, time, time, e.captions[0]].join("\t");
      });
      await writeFile(join(dir, "LSMDC16_challenge_1000_publictect.csv"), `${lines.join("\n")}\n`);
      args.push("--annotations", join(dir, "LSMDC16_challenge_1000_publictect.csv"));
      break;
    }
  }
  return {
    dataset,
    args,
    ids: split.map((e) => e.id),
    missingId,
    captions: split.reduce((sum, e) => sum + captionsOf(e).length, 0),
    idOf,
  };
}

// Writes the synthetic video set (`generate toy-videos`): mp4 files, captions.csv, manifest.csv and
// queries.json, from the seeded plan of toy-video-plan.ts.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { drawToyFrame } from "./toy-draw.ts";
import { type EncoderChoice, encodeRgbFrames } from "./toy-encode.ts";
import {
  objectAt,
  planToyVideos,
  TOY_VIDEO_FPS,
  TOY_VIDEO_HEIGHT,
  TOY_VIDEO_WIDTH,
  type ToyVideoPlan,
  toyQueries,
} from "./toy-video-plan.ts";

/** Default number of videos: 8 single-scene and 4 scene-change videos. */
export const TOY_DEFAULT_VIDEO_COUNT = 12;

export interface ToyVideosOptions {
  count?: number;
  seed?: number;
  /** Which ffmpeg encodes the videos (default "auto": native when installed, else WASM). */
  encoder?: EncoderChoice;
  /** Called after each video is written (for progress). */
  onVideo?: (done: number, total: number, plan: ToyVideoPlan) => void;
}

export interface ToyVideosSummary {
  dir: string;
  videos: number;
  captions: number;
  queries: number;
  /** Paths relative to `dir`. */
  files: string[];
  plans: ToyVideoPlan[];
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csv(header: string[], rows: string[][]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\n")}\n`;
}

function framesOf(plan: ToyVideoPlan): Uint8Array[] {
  return Array.from({ length: Math.round(plan.durationSec * TOY_VIDEO_FPS) }, (_, i) =>
    drawToyFrame(TOY_VIDEO_WIDTH, TOY_VIDEO_HEIGHT, plan.grey, objectAt(plan, i / TOY_VIDEO_FPS)),
  );
}

/**
 * Writes into `dir`: videos/<id>.mp4 (320x240, 10 fps, H.264 from native ffmpeg, else its WASM build),
 * captions.csv (video_id,caption; two per video), manifest.csv (id,path,title,url; path relative to `dir`, url empty) and queries.json
 * (ToyQuery[]: every caption, and each scene of a scene-change video with startSec/endSec).
 */
export async function writeToyVideos(dir: string, options: ToyVideosOptions = {}): Promise<ToyVideosSummary> {
  const plans = planToyVideos(options.count ?? TOY_DEFAULT_VIDEO_COUNT, options.seed ?? 1);
  await mkdir(join(dir, "videos"), { recursive: true });
  let done = 0;
  for (const plan of plans) {
    await encodeRgbFrames(join(dir, plan.path), framesOf(plan), {
      width: TOY_VIDEO_WIDTH,
      height: TOY_VIDEO_HEIGHT,
      fps: TOY_VIDEO_FPS,
      encoder: options.encoder,
    });
    options.onVideo?.(++done, plans.length, plan);
  }
  const captionRows = plans.flatMap((plan) => plan.captions.map((caption) => [plan.id, caption]));
  const queries = toyQueries(plans);
  await writeFile(join(dir, "captions.csv"), csv(["video_id", "caption"], captionRows));
  await writeFile(
    join(dir, "manifest.csv"),
    csv(
      ["id", "path", "title", "url"],
      plans.map((plan) => [plan.id, plan.path, plan.title, ""]),
    ),
  );
  await writeFile(join(dir, "queries.json"), `${JSON.stringify(queries, null, 2)}\n`);
  return {
    dir,
    videos: plans.length,
    captions: captionRows.length,
    queries: queries.length,
    files: [...plans.map((plan) => plan.path), "captions.csv", "manifest.csv", "queries.json"],
    plans,
  };
}

// Helpers for the indexer's end-to-end tests: the toy model and videos, running the CLI (or one command)
// in-process and as a child process, and reading an index directory back as bytes for exact comparisons.
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { copyFile, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { CommandContext } from "../indexer/cli/command.ts";
import { main } from "../indexer/cli.ts";
import type { ToyQuery } from "../indexer/demo/toy-video-plan.ts";
import { writeToyVideos } from "../indexer/demo/toy-videos.ts";
import { fixtureModel } from "./fixtures/factory.ts";
import { PROJECT_ROOT } from "./shared-data.ts";

/** What makeToyFixture writes: the toy model, and the toy videos with their files. */
export interface ToyFixture {
  model: string;
  /** The folder `generate toy-videos` writes: videos/, captions.csv, manifest.csv, queries.json. */
  toy: string;
  videos: string;
  captions: string;
  manifest: string;
}

/**
 * Writes the toy model to `dir/model` and `count` toy videos (a third of them with a scene change, plus
 * captions.csv, manifest.csv, queries.json) to `dir/toy`.
 */
export async function makeToyFixture(dir: string, count = 12): Promise<ToyFixture> {
  const model = await fixtureModel({ kind: "toy", dir: join(dir, "model") });
  const toy = join(dir, "toy");
  await writeToyVideos(toy, { count });
  return {
    model,
    toy,
    videos: join(toy, "videos"),
    captions: join(toy, "captions.csv"),
    manifest: join(toy, "manifest.csv"),
  };
}

/** Id of toy video `n` (1-based, as the toy captions name them): toy-01, toy-02, ... */
export function toyVideoName(n: number): string {
  return `toy-${String(n).padStart(2, "0")}`;
}

/** queries.json: each toy caption with the video (and for a scene, the moment) it should find. */
export async function readToyQueries(toy: ToyFixture): Promise<ToyQuery[]> {
  return JSON.parse(await readFile(join(toy.toy, "queries.json"), "utf8")) as ToyQuery[];
}

/** Path of toy video `n`. */
export function toyVideoPath(toy: ToyFixture, n: number): string {
  return join(toy.videos, `${toyVideoName(n)}.mp4`);
}

/** Copies toy video `n` into `dir` named as toy video `as` (by default its own name: `as` = n). */
export async function copyToyVideo(toy: ToyFixture, n: number, dir: string, as = n): Promise<void> {
  await copyFile(toyVideoPath(toy, n), join(dir, `${toyVideoName(as)}.mp4`));
}

/** The toy model and its captions, as every toy `index` run passes them. */
export function toyModelOptions(toy: ToyFixture): string[] {
  return ["--model", toy.model, "--captions", toy.captions];
}

/** The sampling the toy index tests share: 2 fps, 2-second moments, one thread. */
export const TOY_SAMPLING_OPTIONS: readonly string[] = [
  "--sample",
  "fps:2",
  "--segments",
  "2",
  "--threads",
  "1",
];

/**
 * The index options the sync, kill, shard and index tests share (the toy model and its captions, then
 * TOY_SAMPLING_OPTIONS), then `extra`: equal options, so their indexes compare byte for byte.
 */
export function toyIndexOptions(toy: ToyFixture, extra: string[] = []): string[] {
  return [...toyModelOptions(toy), ...TOY_SAMPLING_OPTIONS, ...extra];
}

/**
 * A command context that keeps what the command prints; stdin holds `stdin` (nothing by default) and
 * ends, as a pipe would.
 */
export function recordingContext({ verbose = false, stdin }: { verbose?: boolean; stdin?: string } = {}): {
  context: CommandContext;
  stdout(): string;
  stderr(): string;
} {
  let stdout = "";
  let stderr = "";
  const context: CommandContext = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    stdin: Readable.from(stdin === undefined ? [] : [stdin]),
    verbose,
  };
  return { context, stdout: () => stdout, stderr: () => stderr };
}

/** Runs the CLI in this process (verbose unless told otherwise); returns its exit status and what it printed. */
export async function runCli(
  argv: string[],
  { verbose = true, stdin }: { verbose?: boolean; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const recording = recordingContext({ verbose, stdin });
  const code = await main(argv, recording.context);
  return { code, stdout: recording.stdout(), stderr: recording.stderr() };
}

/**
 * Starts the real CLI as a child process, as `npm run cli` runs it (node --import tsx, from the project root);
 * `preload` modules are imported before it. stdout and stderr are piped unless `stdio` says otherwise.
 */
export function spawnCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; preload?: string[]; stdio?: StdioOptions } = {},
): ChildProcess {
  const preload = (options.preload ?? []).flatMap((module) => ["--import", module]);
  return spawn(
    process.execPath,
    ["--import", "tsx", ...preload, join(PROJECT_ROOT, "indexer", "cli.ts"), ...args],
    {
      cwd: PROJECT_ROOT,
      stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
      env: options.env ?? process.env,
    },
  );
}

/**
 * Every file of an index directory, by relative path. manifest.json's createdAt (the only field that
 * differs between two runs over the same inputs) is blanked so runs can be compared byte for byte.
 */
export async function indexFiles(dir: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const key = path.slice(dir.length + 1);
    let bytes = await readFile(path);
    if (key === "manifest.json")
      bytes = Buffer.from(bytes.toString("utf8").replace(/"createdAt": "[^"]*"/, '"createdAt": ""'));
    out[key] = bytes;
  }
  return out;
}

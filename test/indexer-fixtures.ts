// Helpers for the indexer's end-to-end tests: the toy model and videos, running the CLI in-process,
// and reading an index directory back as bytes for exact comparisons.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../indexer/cli.ts";
import { writeToyModel } from "../indexer/demo/toy-model.ts";
import { writeToyVideos } from "../indexer/demo/toy-videos.ts";

/**
 * Writes the toy model to `dir/model` and `count` toy videos (a third of them with a scene change, plus
 * captions.csv, manifest.csv, queries.json) to `dir/toy`.
 */
export async function makeToyFixture(
  dir: string,
  count = 12,
): Promise<{ model: string; toy: string; videos: string }> {
  await writeToyModel(join(dir, "model"));
  await writeToyVideos(join(dir, "toy"), { count });
  return { model: join(dir, "model"), toy: join(dir, "toy"), videos: join(dir, "toy", "videos") };
}

export type ToyFixture = Awaited<ReturnType<typeof makeToyFixture>>;

/**
 * The index options the sync, kill and shard tests share (the toy model and its captions, 2 fps, 2-second
 * moments, one thread), then `extra`: equal options, so their indexes compare byte for byte.
 */
export function toyIndexOptions(toy: ToyFixture, extra: string[] = []): string[] {
  return [
    "--model",
    toy.model,
    "--captions",
    join(toy.toy, "captions.csv"),
    "--sample",
    "fps:2",
    "--segments",
    "2",
    "--threads",
    "1",
    ...extra,
  ];
}

/** Runs the CLI in this process (verbose unless told otherwise); returns its exit status and what it printed. */
export async function runCli(
  argv: string[],
  { verbose = true }: { verbose?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    stdin: new PassThrough(),
    verbose,
  });
  return { code, stdout, stderr };
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

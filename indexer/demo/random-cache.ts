// Generates a random model once per (arch, seed, vocabulary) into a cache directory and reuses it,
// for tests and benchmarks that need the same model many times.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type RandomArchName, randomModelId, writeRandomModel } from "./random-model.ts";

/** Present in every complete directory (directories appear whole, renamed from a temp folder). */
const DONE_MARKER = "config.json";
/** Bump when the generated graphs or weights change, so stale caches are not reused. */
const CACHE_VERSION = 3;

export interface CachedRandomModelOptions {
  arch: RandomArchName;
  seed?: number;
  /** vocab.json + merges.txt directory; a generated vocabulary otherwise. */
  vocabDir?: string;
  /** Parent folder of the cached directories (e.g. <repo>/models/.cache). */
  cacheRoot: string;
}

/**
 * Path of the cached model directory, generating it first when absent. Safe when several processes
 * ask at once: each generates into its own temp folder and the first rename wins.
 */
export function ensureRandomModel(options: CachedRandomModelOptions): string {
  const seed = options.seed ?? 0;
  const name = `${randomModelId(options.arch, seed, !options.vocabDir)}-v${CACHE_VERSION}`;
  const dir = join(options.cacheRoot, name);
  if (existsSync(join(dir, DONE_MARKER))) return dir;
  mkdirSync(options.cacheRoot, { recursive: true });
  const temp = join(options.cacheRoot, `.${name}.${process.pid}.tmp`);
  rmSync(temp, { recursive: true, force: true });
  writeRandomModel({ arch: options.arch, seed, vocabDir: options.vocabDir, outDir: temp });
  try {
    if (existsSync(dir) && !existsSync(join(dir, DONE_MARKER))) rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(join(dir, DONE_MARKER))) throw error;
  }
  return dir;
}

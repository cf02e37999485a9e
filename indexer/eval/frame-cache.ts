// The frame-embedding cache of `eval`: one .npy [frames, d] plus a .json sidecar per video, in a folder
// keyed by what changes the vectors (model, sampling, decoder), so every aggregation and later runs
// reuse one decoding + embedding pass, and a crash loses at most the video being embedded.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, realpath, stat, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { encodeNpy, parseNpy } from "../../shared/npy.ts";
import type { TowerStamp } from "../embed/tower-stamp.ts";
import { writeFileDurably } from "../index/durable-file.ts";
// A changed size or mtime (discover/source-identity.ts reads them) means the video must be embedded again.
import { type SourceIdentity, sameSource } from "../index/video-result.ts";

/** One video's frame embeddings and the container facts the report needs. */
export interface VideoFrames {
  /** Row-major [count, dimension] float32, one L2-normalized row per sampled frame, in time order. */
  vectors: Float32Array;
  count: number;
  dimension: number;
  /** Time of each sampled frame, seconds. */
  timestampsSec: number[];
  durationSec: number;
  fps: number;
  width: number;
  height: number;
}

/** Settings that change frame vectors; a different value selects a different cache folder. */
export interface FrameCacheSettings {
  model: TowerStamp;
  /** Canonical sampling spelling, e.g. "fps:1". */
  sampling: string;
  /** Resolved decoder, "native" or "wasm". */
  decoder: string;
}

interface Sidecar extends Omit<VideoFrames, "vectors"> {
  cache: 1;
  path: string;
  source: SourceIdentity;
  npySha256: string;
}

/** Temp files older than this are leftovers of a killed run (a live run renames its own within seconds). */
const STALE_TEMP_MS = 60 * 60 * 1000;

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Whether a sidecar describes the file at real path `real` as it is now (`source`). */
function matches(sidecar: Sidecar, real: string, source: SourceIdentity): boolean {
  return (
    sidecar.cache === 1 &&
    sidecar.path === real &&
    sidecar.source !== undefined &&
    sameSource(sidecar.source, source)
  );
}

/** Hex key of the settings (the cache folder's name). */
export function frameCacheKey(settings: FrameCacheSettings): string {
  return sha256(JSON.stringify({ cache: 1, ...settings })).slice(0, 16);
}

/** The cache folder of one settings key: `<root>/<key>/` with settings.json and `<hash of path>.{npy,json}`. */
export class FrameCache {
  /** Absolute folder of this settings key. */
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens (creating) the folder for `settings` under `root`, dropping temp files a killed run left. */
  static async open(root: string, settings: FrameCacheSettings): Promise<FrameCache> {
    const dir = resolve(root, frameCacheKey(settings));
    await mkdir(dir, { recursive: true });
    const now = Date.now();
    for (const name of await readdir(dir)) {
      if (!name.endsWith(".tmp")) continue;
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => {});
    }
    await writeFileDurably(join(dir, "settings.json"), [
      new TextEncoder().encode(`${JSON.stringify(settings, null, 2)}\n`),
    ]);
    return new FrameCache(dir);
  }

  /** Entries are named by the file's real path, so two links to one file share an entry. */
  private async locate(path: string): Promise<{ real: string; base: string }> {
    const real = await realpath(path);
    return { real, base: join(this.dir, sha256(real).slice(0, 32)) };
  }

  /**
   * Cheap presence check (no .npy read, no hash): true when the sidecar of `path` matches the same file (size
   * and mtime) and the .npy has the byte size its [count, dimension] float32 rows need (plus a header, a
   * multiple of 64 bytes). It catches a missing, truncated or stale entry, not a same-size damaged one: the
   * full check (sha256) still happens in load(), which may then still miss after has() said true.
   */
  async has(path: string, source: SourceIdentity): Promise<boolean> {
    try {
      const { real, base } = await this.locate(path);
      const sidecar = JSON.parse(await readFile(`${base}.json`, "utf8")) as Sidecar;
      if (!matches(sidecar, real, source)) return false;
      const extra = (await stat(`${base}.npy`)).size - sidecar.count * sidecar.dimension * 4;
      return extra > 0 && extra % 64 === 0;
    } catch {
      return false;
    }
  }

  /**
   * The cached frames of the video at `path` when they were made from the same file (size and
   * mtime) and both files are complete and agree; null otherwise (a miss, never an error).
   */
  async load(path: string, source: SourceIdentity): Promise<VideoFrames | null> {
    let real: string;
    let sidecar: Sidecar;
    let bytes: Uint8Array;
    try {
      const located = await this.locate(path);
      real = located.real;
      const base = located.base;
      sidecar = JSON.parse(await readFile(`${base}.json`, "utf8")) as Sidecar;
      bytes = await readFile(`${base}.npy`);
    } catch {
      return null;
    }
    if (!matches(sidecar, real, source) || sidecar.npySha256 !== sha256(bytes)) return null;
    try {
      const array = parseNpy(bytes);
      if (array.dtype !== "float32" || array.shape.join() !== `${sidecar.count},${sidecar.dimension}`)
        return null;
      const { cache: _c, path: _p, source: _s, npySha256: _h, ...facts } = sidecar;
      return { ...facts, vectors: array.data };
    } catch {
      return null;
    }
  }

  /** Stores a video's frames: the .npy first, then the sidecar that makes it valid (both crash-safe). */
  async save(path: string, source: SourceIdentity, frames: VideoFrames): Promise<void> {
    const { real, base } = await this.locate(path);
    const bytes = encodeNpy({
      dtype: "float32",
      shape: [frames.count, frames.dimension],
      data: frames.vectors,
    });
    const { vectors: _v, ...facts } = frames;
    const sidecar: Sidecar = { cache: 1, path: real, source, npySha256: sha256(bytes), ...facts };
    await writeFileDurably(`${base}.npy`, [bytes]);
    await writeFileDurably(`${base}.json`, [new TextEncoder().encode(`${JSON.stringify(sidecar)}\n`)]);
  }
}

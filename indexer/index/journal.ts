// Resume journal: one durable file per finished video in a work dir keyed by the arguments that
// affect vectors, so a killed run started again skips what it already did.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { writeFileDurably } from "./durable-file.ts";
import { sameSource, type VideoResult } from "./video-result.ts";

// CVJ2 adds the rows' moment thumbnails; a CVJ1 file (no moment thumbnails) reads as absent and is redone.
const MAGIC = "CVJ2";

/** Hex digest of the settings that change vectors (model, sampling, aggregations, segments, decoder). */
export function settingsKey(settings: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(settings)).digest("hex").slice(0, 16);
}

function fileKey(id: string): string {
  return createHash("sha256").update(id, "utf8").digest("hex").slice(0, 32);
}

type HeaderRow = Omit<VideoResult["rows"][number], "thumbnail"> & { thumbnailBytes: number };

interface Header extends Omit<VideoResult, "vectors" | "thumbnail" | "rows"> {
  rows: HeaderRow[];
  vectorCount: number;
  thumbnailBytes: number;
}

/**
 * Serializes a result: MAGIC, u32 header length, header JSON, zero pad to 4, float32 LE vectors, thumbnail,
 * then the rows' moment thumbnails in row order (their lengths are in the header's rows).
 */
export function encodeResult(result: VideoResult): Uint8Array[] {
  const { vectors, thumbnail, rows, ...rest } = result;
  const header: Header = {
    ...rest,
    rows: rows.map(({ thumbnail: bytes, ...row }) => ({ ...row, thumbnailBytes: bytes?.length ?? 0 })),
    vectorCount: vectors.length,
    thumbnailBytes: thumbnail?.length ?? 0,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(8 + json.length + ((4 - ((8 + json.length) % 4)) % 4));
  prefix.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(prefix.buffer).setUint32(4, json.length, true);
  prefix.set(json, 8);
  const body = new Uint8Array(vectors.length * 4);
  const view = new DataView(body.buffer);
  for (let i = 0; i < vectors.length; i++) view.setFloat32(i * 4, vectors[i], true);
  const moments = rows.flatMap((row) => (row.thumbnail ? [row.thumbnail] : []));
  return [prefix, body, ...(thumbnail ? [thumbnail] : []), ...moments];
}

/** Parses encodeResult's bytes; null when they are not a complete record. */
export function decodeResult(bytes: Uint8Array): VideoResult | null {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(4, true);
  if (8 + jsonLength > bytes.length) return null;
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength)));
  } catch {
    return null;
  }
  const start = 8 + jsonLength + ((4 - ((8 + jsonLength) % 4)) % 4);
  const end = start + header.vectorCount * 4;
  if (!Array.isArray(header.rows)) return null;
  const momentBytes = header.rows.reduce((n, row) => n + row.thumbnailBytes, 0);
  if (end + header.thumbnailBytes + momentBytes !== bytes.length) return null;
  const vectors = new Float32Array(header.vectorCount);
  for (let i = 0; i < vectors.length; i++) vectors[i] = view.getFloat32(start + i * 4, true);
  const { vectorCount: _v, thumbnailBytes, rows: headerRows, ...rest } = header;
  let at = end + thumbnailBytes;
  const rows = headerRows.map(({ thumbnailBytes: length, ...row }) => {
    if (length === 0) return row;
    at += length;
    return { ...row, thumbnail: bytes.slice(at - length, at) };
  });
  return {
    ...rest,
    rows,
    vectors,
    thumbnail: thumbnailBytes > 0 ? bytes.slice(end, end + thumbnailBytes) : null,
  };
}

/** The journal of one run configuration: `dir` holds `<hash of id>.video` files. */
export class Journal {
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens (creating) the journal dir and drops temp files a killed run left behind. */
  static async open(dir: string, settings: Record<string, unknown>): Promise<Journal> {
    await mkdir(dir, { recursive: true });
    for (const name of await readdir(dir)) {
      if (name.endsWith(".tmp")) await unlink(join(dir, name)).catch(() => {});
    }
    await writeFileDurably(join(dir, "settings.json"), [
      new TextEncoder().encode(`${JSON.stringify(settings, null, 2)}\n`),
    ]);
    return new Journal(dir);
  }

  private path(id: string): string {
    return join(this.dir, `${fileKey(id)}.video`);
  }

  /** The stored result of `id` when it exists, is complete and was made from the same source file. */
  async load(id: string, source: VideoResult["source"]): Promise<VideoResult | null> {
    const bytes = await readFile(this.path(id)).catch(() => null);
    if (!bytes) return null;
    const result = decodeResult(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (!result || result.id !== id) return null;
    if (!sameSource(result.source, source)) return null;
    return result;
  }

  /** Stores a finished video durably (fsync + rename). */
  async save(result: VideoResult): Promise<void> {
    await writeFileDurably(this.path(result.id), encodeResult(result));
  }

  /** Number of finished videos stored. */
  async count(): Promise<number> {
    return (await readdir(this.dir)).filter((name) => name.endsWith(".video")).length;
  }
}

/** Removes a work dir (after the index it fed has been written). */
export async function removeWorkDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

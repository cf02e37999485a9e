// Test table: a small valid index and tampered copies of it, each with the verdict the contract must give.
// Shared by the CLI tests (Node, on disk) and the worker tests (workerd, in R2): same bytes, same verdict.
import { INDEX_FILES, INDEX_FORMAT, INDEX_FORMAT_VERSION, SEGMENT_AGGREGATION } from "../index-format.ts";
import { encodeNpy, parseNpy } from "../npy.ts";
import { createPrng } from "../prng.ts";
import { l2NormalizeRowsInPlace } from "../vectors.ts";
import { encodeIndexFiles, type IndexContent } from "./encode-index.ts";

/** File name -> bytes, thumbnails included. */
export type IndexFiles = Map<string, Uint8Array>;

/** A JPEG's start and end markers: enough bytes for a thumbnail the contract does not decode. */
const THUMBNAIL = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);

/**
 * Three videos, each a mean row and two segments (each segment with its moment thumbnail), one caption each,
 * thumbnails; seeded random unit vectors.
 */
export function baseIndexContent(model: { id: string; dimension: number }, seed = 7): IndexContent {
  const d = model.dimension;
  const prng = createPrng(seed);
  const random = (n: number) =>
    l2NormalizeRowsInPlace(
      Float32Array.from({ length: n * d }, () => prng.next() * 2 - 1),
      d,
    );
  const rows = {
    video: [] as number[],
    aggregation: [] as number[],
    startSec: [] as number[],
    endSec: [] as number[],
    thumbnail: [] as (string | null)[],
  };
  const videos = [0, 1, 2].map((v) => {
    for (const [aggregation, startSec, endSec] of [
      [0, 0, 4],
      [SEGMENT_AGGREGATION, 0, 2],
      [SEGMENT_AGGREGATION, 2, 4],
    ]) {
      rows.thumbnail.push(
        aggregation === SEGMENT_AGGREGATION
          ? `${INDEX_FILES.thumbnailDir}/${v}-${rows.video.filter((u) => u === v).length}.jpg`
          : null,
      );
      rows.video.push(v);
      rows.aggregation.push(aggregation);
      rows.startSec.push(startSec);
      rows.endSec.push(endSec);
    }
    return {
      id: `clip-${v}.mp4`,
      title: `Clip ${v}`,
      url: null,
      thumbnail: `${INDEX_FILES.thumbnailDir}/${v}.jpg`,
      durationSec: 4,
      fps: 10,
      width: 32,
      height: 24,
      frames: 4,
    };
  });
  return {
    manifest: {
      format: INDEX_FORMAT,
      formatVersion: INDEX_FORMAT_VERSION,
      model,
      sampling: "fps:1",
      aggregations: ["mean"],
      segmentSeconds: 2,
      dtype: "float32",
      counts: { videos: 3, vectors: rows.video.length, captions: 3 },
      createdAt: "2026-01-01T00:00:00.000Z",
    },
    videos,
    rows,
    vectors: random(rows.video.length),
    captions: videos.map((_, v) => ({ video: v, text: `caption of clip ${v}` })),
    captionVectors: random(3),
  };
}

/** Every file of `content` plus every thumbnail its videos and rows name. */
export function indexFilesOf(content: IndexContent): IndexFiles {
  const files = encodeIndexFiles(content);
  for (const video of content.videos) if (video.thumbnail) files.set(video.thumbnail, THUMBNAIL);
  for (const path of content.rows.thumbnail ?? []) if (path) files.set(path, THUMBNAIL);
  return files;
}

type Json = Record<string, unknown> & unknown[];

function editJson(files: IndexFiles, name: string, edit: (value: Json) => unknown): void {
  const value = JSON.parse(new TextDecoder().decode(files.get(name))) as Json;
  files.set(name, new TextEncoder().encode(JSON.stringify(edit(value) ?? value)));
}

function editVectors(files: IndexFiles, name: string, edit: (data: Float32Array) => void): void {
  const array = parseNpy(files.get(name) as Uint8Array);
  if (array.dtype !== "float32") throw new Error("the base index stores float32");
  edit(array.data);
  files.set(name, encodeNpy(array));
}

/** One tampered index and what the contract must answer: "ok" or the error code and detail. */
export interface TamperCase {
  name: string;
  tamper: (files: IndexFiles) => void;
  verdict: "ok" | { code: "bad_index" | "index_missing"; detail: string };
}

const bad = (detail: string) => ({ code: "bad_index" as const, detail });

/** The table; `dimension` is the base index's (some details name row lengths that do not depend on it). */
export const TAMPER_CASES: TamperCase[] = [
  { name: "untouched", tamper: () => {}, verdict: "ok" },
  {
    name: "UTF-8 BOM before videos.json",
    tamper: (files) =>
      files.set(
        INDEX_FILES.videos,
        new Uint8Array([0xef, 0xbb, 0xbf, ...(files.get(INDEX_FILES.videos) ?? [])]),
      ),
    verdict: "ok",
  },
  {
    name: "a row scaled x100",
    tamper: (files) =>
      editVectors(files, INDEX_FILES.vectors, (data) => {
        const d = data.length / 9;
        for (let j = 0; j < d; j++) data[3 * d + j] *= 100;
      }),
    verdict: bad("vectors.npy row 3 has length 100.0, rows must be L2-normalized (1 +- 0.001)"),
  },
  {
    name: "NaN in a row",
    tamper: (files) =>
      editVectors(files, INDEX_FILES.vectors, (data) => {
        data[1] = Number.NaN;
      }),
    verdict: bad("vectors.npy row 0 holds a non-finite value (NaN)"),
  },
  {
    name: "Infinity in a caption row",
    tamper: (files) =>
      editVectors(files, INDEX_FILES.captionVectors, (data) => {
        data[data.length - 1] = Number.POSITIVE_INFINITY;
      }),
    verdict: bad("captions.npy row 2 holds a non-finite value (Infinity)"),
  },
  {
    name: "a zero row",
    tamper: (files) =>
      editVectors(files, INDEX_FILES.vectors, (data) => {
        data.fill(0, 0, data.length / 9);
      }),
    verdict: bad("vectors.npy row 0 has length 0.000, rows must be L2-normalized (1 +- 0.001)"),
  },
  {
    name: "rows reversed against vectors",
    tamper: (files) =>
      editJson(files, INDEX_FILES.rows, (rows) => {
        for (const column of Object.values(rows)) (column as unknown[]).reverse();
      }),
    verdict: bad("rows.json row 3 (video 1) comes after video 2: rows must be in video order"),
  },
  {
    name: "aggregation index out of range",
    tamper: (files) =>
      editJson(files, INDEX_FILES.rows, (rows) => {
        (rows.aggregation as number[])[0] = 1;
      }),
    verdict: bad("rows.json row 0 aggregation 1 is not -1 or an index into the manifest's 1 aggregations"),
  },
  {
    name: "startSec after endSec",
    tamper: (files) =>
      editJson(files, INDEX_FILES.rows, (rows) => {
        (rows.startSec as number[])[2] = 5;
      }),
    verdict: bad("rows.json row 2 window 5..4 s needs 0 <= startSec <= endSec"),
  },
  {
    name: "row of a video videos.json does not list",
    tamper: (files) =>
      editJson(files, INDEX_FILES.rows, (rows) => {
        (rows.video as number[])[8] = 3;
      }),
    verdict: bad("rows.json row 8 refers to video 3, videos.json has 3"),
  },
  {
    name: "duplicate video id",
    tamper: (files) =>
      editJson(files, INDEX_FILES.videos, (videos) => {
        (videos[2] as { id: string }).id = "clip-0.mp4";
      }),
    verdict: bad('videos.json lists video id "clip-0.mp4" twice'),
  },
  {
    name: "caption of a missing video",
    tamper: (files) =>
      editJson(files, INDEX_FILES.captions, (captions) => {
        (captions[1] as { video: number }).video = 7;
      }),
    verdict: bad("captions.json caption 1 belongs to video 7, which videos.json does not list"),
  },
  {
    name: "thumbnail outside the index",
    tamper: (files) =>
      editJson(files, INDEX_FILES.videos, (videos) => {
        (videos[0] as { thumbnail: string }).thumbnail = "../../../../etc/passwd";
      }),
    verdict: bad('videos.json video 0 thumbnail "../../../../etc/passwd" has an empty, "." or ".." part'),
  },
  {
    name: "moment thumbnail outside the index",
    tamper: (files) =>
      editJson(files, INDEX_FILES.rows, (rows) => {
        (rows.thumbnail as string[])[1] = "/etc/passwd";
      }),
    verdict: bad('rows.json row 1 thumbnail "/etc/passwd" is absolute'),
  },
  {
    name: "moment thumbnail outside thumbnails/",
    tamper: (files) =>
      editJson(files, INDEX_FILES.rows, (rows) => {
        (rows.thumbnail as string[])[2] = "vectors.npy";
      }),
    verdict: bad("rows.json row 2 thumbnail must be under thumbnails/"),
  },
  {
    name: "thumbnail column shorter than the rows",
    tamper: (files) =>
      editJson(files, INDEX_FILES.rows, (rows) => {
        (rows.thumbnail as string[]).pop();
      }),
    verdict: bad("rows.json thumbnail must be an array of 9 paths or nulls (manifest counts.vectors)"),
  },
  {
    name: "format 1 (no moment thumbnails) still read",
    tamper: (files) => {
      editJson(files, INDEX_FILES.manifest, (manifest) => {
        manifest.formatVersion = 1;
      });
      editJson(files, INDEX_FILES.rows, (rows) => {
        delete (rows as Record<string, unknown>).thumbnail;
      });
    },
    verdict: "ok",
  },
  {
    name: "format 3 refused",
    tamper: (files) =>
      editJson(files, INDEX_FILES.manifest, (manifest) => {
        manifest.formatVersion = 3;
      }),
    verdict: bad("format version 3 is not supported (expected 1 or 2); re-run the indexer"),
  },
  {
    name: "invalid UTF-8 in captions.json",
    tamper: (files) => files.set(INDEX_FILES.captions, new Uint8Array([0x5b, 0xff, 0x5d])),
    verdict: bad("captions.json is not valid UTF-8"),
  },
  {
    name: "manifest.json not JSON",
    tamper: (files) => files.set(INDEX_FILES.manifest, new TextEncoder().encode("{ not json")),
    verdict: bad("manifest.json is not valid JSON"),
  },
  {
    name: "manifest counts one vector more than vectors.npy",
    tamper: (files) => {
      editJson(files, INDEX_FILES.manifest, (manifest) => {
        (manifest.counts as { vectors: number }).vectors = 10;
      });
      editJson(files, INDEX_FILES.rows, (rows) => {
        for (const column of Object.values(rows))
          (column as number[]).push((column as number[]).at(-1) as number);
      });
    },
    verdict: bad("vectors.npy has shape (9, DIMENSION), the manifest says (10, DIMENSION)"),
  },
  {
    name: "manifest says float16, vectors.npy holds float32",
    tamper: (files) =>
      editJson(files, INDEX_FILES.manifest, (manifest) => {
        manifest.dtype = "float16";
      }),
    verdict: bad("vectors.npy holds float32, the manifest says float16"),
  },
  {
    name: "rows.json missing",
    tamper: (files) => files.delete(INDEX_FILES.rows),
    verdict: { code: "index_missing", detail: "rows.json is missing" },
  },
];

/** The verdict of `entry` with the base index's dimension filled in. */
export function expectedVerdict(entry: TamperCase, dimension: number): TamperCase["verdict"] {
  if (entry.verdict === "ok") return "ok";
  return { ...entry.verdict, detail: entry.verdict.detail.replaceAll("DIMENSION", String(dimension)) };
}

/** The files of `entry` applied to the base index of `model`. */
export function tamperedFiles(entry: TamperCase, model: { id: string; dimension: number }): IndexFiles {
  const files = indexFilesOf(baseIndexContent(model));
  entry.tamper(files);
  return files;
}

// Reads a captions file (--captions): CSV/TSV or JSON pairs of video id and caption text.
import { readFile } from "node:fs/promises";
import { InputError } from "../../shared/errors.ts";
import { parseTableOrJson } from "./table-or-json.ts";

/** One caption of one video, in file order. */
export interface CaptionEntry {
  videoId: string;
  text: string;
}

const ID_COLUMNS = ["video_id", "videoid", "video", "id", "vid"];
const TEXT_COLUMNS = ["caption", "sentence", "text", "description"];

function bad(file: string, message: string): never {
  throw new InputError("bad_captions", `${file}: ${message}`);
}

function fromJson(value: unknown, file: string): CaptionEntry[] {
  // {"video1": ["a", "b"], "video2": "c"}
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([videoId, texts]) => {
      const list = Array.isArray(texts) ? texts : [texts];
      if (!list.every((t) => typeof t === "string")) bad(file, `captions of "${videoId}" must be strings`);
      return list.map((text: string) => ({ videoId, text }));
    });
  }
  // [{"video_id": "video1", "caption": "a"}, ...]
  if (!Array.isArray(value)) bad(file, "JSON captions must be an array of {video_id, caption} or an object");
  return value.map((item: unknown, n) => {
    if (typeof item !== "object" || item === null) bad(file, `entry ${n} is not an object`);
    const record = item as Record<string, unknown>;
    const videoId = ID_COLUMNS.map((k) => record[k]).find((v) => typeof v === "string");
    const text = TEXT_COLUMNS.map((k) => record[k]).find((v) => typeof v === "string");
    if (typeof videoId !== "string" || typeof text !== "string")
      bad(
        file,
        `entry ${n} needs a video id (${ID_COLUMNS.join("/")}) and a caption (${TEXT_COLUMNS.join("/")})`,
      );
    return { videoId, text };
  });
}

function fromTable(rows: string[][], file: string): CaptionEntry[] {
  if (rows.length === 0) return [];
  const header = rows[0].map((name) => name.trim().toLowerCase());
  const idAt = header.findIndex((name) => ID_COLUMNS.includes(name));
  const textAt = header.findIndex((name) => TEXT_COLUMNS.includes(name));
  // Without a recognised header the file is two columns: id, caption.
  const hasHeader = idAt >= 0 && textAt >= 0;
  const [i, t] = hasHeader ? [idAt, textAt] : [0, 1];
  return rows.slice(hasHeader ? 1 : 0).map((row, n) => {
    const videoId = (row[i] ?? "").trim();
    const caption = (row[t] ?? "").trim();
    if (videoId === "" || caption === "")
      bad(file, `row ${n + (hasHeader ? 2 : 1)} needs a video id and a caption`);
    return { videoId, text: caption };
  });
}

/** Parses captions text; the format is JSON when the text starts with [ or {, else CSV/TSV. */
export function parseCaptions(text: string, file: string): CaptionEntry[] {
  const parsed = parseTableOrJson(text, file, "bad_captions");
  return parsed.kind === "json" ? fromJson(parsed.value, file) : fromTable(parsed.rows, file);
}

/** Reads and parses a captions file. */
export async function readCaptionsFile(file: string): Promise<CaptionEntry[]> {
  const text = await readFile(file, "utf8").catch((cause: unknown) => {
    throw new InputError("not_found", `cannot read captions file ${file}`, { cause });
  });
  return parseCaptions(text, file);
}

// MSR-VTT test splits: 1k-A (MSRVTT_JSFUSION_test.csv, 1000 videos x 1 sentence) and the full test
// split of MSRVTT_data.json (2990 videos x 20 captions).
import { InputError } from "../errors.ts";
import { buildAnnotations, type CaptionAnnotation, type DatasetAnnotations } from "./annotations.ts";
import { parseCsv } from "./text-table.ts";

/**
 * Parses MSRVTT_JSFUSION_test.csv (header key,vid_key,video_id,sentence; columns found by name,
 * RFC 4180 quoting). Videos in row order, one caption per row.
 */
export function parseMsrvtt1kA(csvText: string, source = "MSRVTT_JSFUSION_test.csv"): DatasetAnnotations {
  const [header, ...rows] = parseCsv(csvText, source);
  const videoColumn = header?.indexOf("video_id") ?? -1;
  const sentenceColumn = header?.indexOf("sentence") ?? -1;
  if (videoColumn < 0 || sentenceColumn < 0) {
    throw new InputError(
      "bad_annotations",
      `${source}: the header must name the columns video_id and sentence (got ${JSON.stringify(header ?? [])})`,
    );
  }
  const captions = rows.map((row, i): CaptionAnnotation => {
    if (row.length !== header.length) {
      throw new InputError(
        "bad_annotations",
        `${source}: record ${i + 2} has ${row.length} fields, the header has ${header.length}; quote sentences that contain commas`,
      );
    }
    return { videoId: row[videoColumn], text: row[sentenceColumn] };
  });
  return buildAnnotations("msrvtt-1ka", source, captions);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses MSRVTT_data.json (`videos[]` with video_id and split, `sentences[]` with video_id and
 * caption) and keeps the split named `split` ("test": 2990 videos, 20 captions each). Videos in
 * the order of `videos[]`, captions in the order of `sentences[]`.
 */
export function parseMsrvttFull(
  jsonText: string,
  split = "test",
  source = "MSRVTT_data.json",
): DatasetAnnotations {
  let data: unknown;
  try {
    data = JSON.parse(jsonText);
  } catch (error) {
    throw new InputError("bad_annotations", `${source} is not valid JSON`, { cause: error });
  }
  if (!isRecord(data) || !Array.isArray(data.videos) || !Array.isArray(data.sentences)) {
    throw new InputError(
      "bad_annotations",
      `${source}: expected an object with arrays "videos" and "sentences"`,
    );
  }
  const videos: string[] = [];
  data.videos.forEach((video: unknown, i: number) => {
    if (!isRecord(video) || typeof video.video_id !== "string" || typeof video.split !== "string")
      throw new InputError("bad_annotations", `${source}: videos[${i}] needs string video_id and split`);
    if (video.split === split) videos.push(video.video_id);
  });
  if (videos.length === 0)
    throw new InputError("bad_annotations", `${source}: no video has split "${split}"`);
  const inSplit = new Set(videos);
  const captions: CaptionAnnotation[] = [];
  data.sentences.forEach((sentence: unknown, i: number) => {
    if (!isRecord(sentence) || typeof sentence.video_id !== "string" || typeof sentence.caption !== "string")
      throw new InputError("bad_annotations", `${source}: sentences[${i}] needs string video_id and caption`);
    if (inSplit.has(sentence.video_id)) captions.push({ videoId: sentence.video_id, text: sentence.caption });
  });
  return buildAnnotations("msrvtt-full", source, captions, videos);
}

// MSVD test split: the list of 670 test ids plus captions from either the original
// AllVideoDescriptions.txt or the MSVD_test.tsv form (captions joined by ", ", TAB, video id).
import { InputError } from "../errors.ts";
import { buildAnnotations, type CaptionAnnotation, type DatasetAnnotations } from "./annotations.ts";
import { splitLines } from "./text-table.ts";

/** Parses a test id list: one video id per line (e.g. "eyhzdC936uk_15_27"); blank lines skipped. */
export function parseMsvdTestList(text: string, source = "test_list.txt"): string[] {
  return splitLines(text).flatMap((line, i) => {
    const id = line.trim();
    if (id === "") return [];
    if (/\s/.test(id))
      throw new InputError("bad_annotations", `${source}: line ${i + 1} holds more than one id`);
    return [id];
  });
}

/**
 * Parses the original AllVideoDescriptions.txt: lines "videoid caption words..." (id, one space,
 * caption), lines starting with "#" are comments. Keeps the captions of `testIds` (in that order
 * for videos; captions in file order) and throws InputError if a test video has none.
 */
export function parseMsvdDescriptions(
  text: string,
  testIds: readonly string[],
  source = "AllVideoDescriptions.txt",
): DatasetAnnotations {
  const wanted = new Set(testIds);
  const captions: CaptionAnnotation[] = [];
  splitLines(text).forEach((line, i) => {
    if (line.trim() === "" || line.startsWith("#")) return;
    const match = /^(\S+)\s+(.*\S)\s*$/.exec(line);
    if (!match) throw new InputError("bad_annotations", `${source}: line ${i + 1} is not "videoid caption"`);
    if (wanted.has(match[1])) captions.push({ videoId: match[1], text: match[2] });
  });
  return buildAnnotations("msvd", source, captions, testIds);
}

/**
 * Parses the MSVD_test.tsv form: per line, a video's captions joined by ", " (with a trailing ", "),
 * a TAB, then the video id. Videos follow `testIds` when given, else the file's line order.
 *
 * Ambiguity: a caption that itself contains ", " cannot be told apart from two captions in this
 * form; it is split into two (callers can compare the count with their source). In the shipped
 * MSVD_test.tsv this never happens: its captions hold only [a-z0-9 ] (punctuation was stripped
 * when it was made), every comma is a separator, and it yields 27,763 captions for 670 videos.
 * Empty pieces (the trailing ", ") are dropped.
 */
export function parseMsvdTsv(
  text: string,
  testIds?: readonly string[],
  source = "MSVD_test.tsv",
): DatasetAnnotations {
  const captions: CaptionAnnotation[] = [];
  const order: string[] = [];
  splitLines(text).forEach((line, i) => {
    if (line.trim() === "") return;
    const tab = line.lastIndexOf("\t");
    const videoId = line.slice(tab + 1).trim();
    if (tab < 0 || videoId === "")
      throw new InputError("bad_annotations", `${source}: line ${i + 1} is not "captions<TAB>video id"`);
    order.push(videoId);
    for (const piece of line.slice(0, tab).split(", ")) {
      const caption = piece.trim();
      if (caption !== "") captions.push({ videoId, text: caption });
    }
  });
  const known = testIds ? new Set(testIds) : undefined;
  const kept = known ? captions.filter((c) => known.has(c.videoId)) : captions;
  return buildAnnotations("msvd", source, kept, testIds ?? order);
}

// LSMDC 2016 challenge test split (LSMDC16_challenge_1000_publictect.csv): tab separated, clip id in
// the first column, start/end times in between, the sentence in the last column.
import { InputError } from "../errors.ts";
import { buildAnnotations, type DatasetAnnotations } from "./annotations.ts";
import { splitLines } from "./text-table.ts";

/**
 * Parses the LSMDC test list: one clip per line, fields separated by TAB (no quoting: quotes and
 * commas are part of the sentence), clip id first, sentence last. Blank lines are skipped.
 */
export function parseLsmdc(
  text: string,
  source = "LSMDC16_challenge_1000_publictect.csv",
): DatasetAnnotations {
  const captions = splitLines(text).flatMap((line, i) => {
    if (line.trim() === "") return [];
    const fields = line.split("\t");
    if (fields.length < 2 || fields[0].trim() === "") {
      throw new InputError(
        "bad_annotations",
        `${source}: line ${i + 1} is not "clip id<TAB>...<TAB>sentence" (is the file tab separated?)`,
      );
    }
    return [{ videoId: fields[0].trim(), text: fields[fields.length - 1].trim() }];
  });
  return buildAnnotations("lsmdc", source, captions);
}

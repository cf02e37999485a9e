// Reads a benchmark's annotation files from disk and parses them with the parser of its format.
import { readFile } from "node:fs/promises";
import type { DatasetAnnotations } from "../../shared/datasets/annotations.ts";
import { parseLsmdc } from "../../shared/datasets/lsmdc.ts";
import { parseMsrvtt1kA, parseMsrvttFull } from "../../shared/datasets/msrvtt.ts";
import { parseMsvdDescriptions, parseMsvdTestList, parseMsvdTsv } from "../../shared/datasets/msvd.ts";
import { InputError } from "../../shared/errors.ts";
import { parseChoiceOption } from "../cli/args.ts";
import type { DatasetName } from "./paper-results.ts";

/** `--dataset` values, in the order the usage lists them. */
export const DATASET_NAMES: readonly DatasetName[] = ["msrvtt-1ka", "msrvtt-full", "msvd", "lsmdc"];

/** What each dataset reads, for usage and error messages. */
export const DATASET_FILES: Record<DatasetName, string> = {
  "msrvtt-1ka": "--annotations MSRVTT_JSFUSION_test.csv (key,vid_key,video_id,sentence)",
  "msrvtt-full": "--annotations MSRVTT_data.json (its test split: 2990 videos x 20 captions)",
  msvd: "--annotations test_list.txt --captions MSVD_test.tsv or AllVideoDescriptions.txt (or MSVD_test.tsv alone)",
  lsmdc: "--annotations LSMDC16_challenge_1000_publictect.csv (tab separated, sentence last)",
};

/** Checks a `--dataset` value. */
export function parseDatasetName(value: string): DatasetName {
  return parseChoiceOption(value, "--dataset", DATASET_NAMES);
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      "file_not_found",
      `cannot read ${flag} ${path}: ${code === "ENOENT" ? "no such file" : (code ?? String(error))}`,
      { cause: error },
    );
  }
}

/** True when `text` looks like the MSVD_test.tsv form (a TAB on its first non-blank line). */
function isMsvdTsv(text: string): boolean {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== "");
  return first?.includes("\t") ?? false;
}

/**
 * Loads the test split of `dataset` from its annotation files (see DATASET_FILES). For MSVD,
 * `annotationsPath` is the test id list and `captionsPath` the captions, in either published form;
 * MSVD_test.tsv alone (as --annotations) also works, its lines giving the video order.
 */
export async function loadDatasetAnnotations(
  dataset: DatasetName,
  annotationsPath: string,
  captionsPath?: string,
): Promise<DatasetAnnotations> {
  const text = await readText(annotationsPath, "--annotations");
  if (dataset !== "msvd" && captionsPath !== undefined)
    throw new InputError(
      "bad_arguments",
      `--captions is only for msvd; ${dataset} reads ${DATASET_FILES[dataset]}`,
    );
  switch (dataset) {
    case "msrvtt-1ka":
      return parseMsrvtt1kA(text, annotationsPath);
    case "msrvtt-full":
      return parseMsrvttFull(text, "test", annotationsPath);
    case "lsmdc":
      return parseLsmdc(text, annotationsPath);
    case "msvd": {
      if (captionsPath === undefined) {
        if (isMsvdTsv(text)) return parseMsvdTsv(text, undefined, annotationsPath);
        throw new InputError("bad_arguments", `msvd needs the captions: ${DATASET_FILES.msvd}`);
      }
      const ids = parseMsvdTestList(text, annotationsPath);
      const captions = await readText(captionsPath, "--captions");
      return isMsvdTsv(captions)
        ? parseMsvdTsv(captions, ids, captionsPath)
        : parseMsvdDescriptions(captions, ids, captionsPath);
    }
  }
}

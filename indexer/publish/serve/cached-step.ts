// A generated folder rebuilt only when missing, older than its inputs or made by another recipe, written
// beside and renamed into place.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function mtimeMs(path: string): number {
  return statSync(path).mtimeMs;
}

/**
 * Newest modification time of `path` and, for a directory, of its direct entries: overwriting a file in
 * place (a new text_model.onnx) changes the file's mtime but not its directory's.
 */
function newestMtimeMs(path: string): number {
  const own = mtimeMs(path);
  if (!statSync(path).isDirectory()) return own;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, mtimeMs(join(path, name))), own);
}

/** The recipe of `out`, kept beside it (not inside: an index directory holds only its own files). */
function recipeFile(out: string): string {
  return `${out}.recipe`;
}

function recipeOf(out: string): string | undefined {
  return existsSync(recipeFile(out)) ? readFileSync(recipeFile(out), "utf8") : undefined;
}

/**
 * Builds `out` with `build(tmp)` unless it exists, is newer than every input (a directory input counts its
 * direct entries too) and was made by the same `recipe` (e.g. codeRecipe: the code and arguments that make
 * it). The step writes a sibling ".partial" folder that is renamed into place, so an interrupted run never
 * leaves a half-made output; the recipe is written last, so an output without it is rebuilt.
 */
export async function cachedStep(
  out: string,
  inputs: string[],
  what: string,
  log: (message: string) => void,
  build: (tmp: string) => Promise<void>,
  recipe = "",
): Promise<void> {
  const current =
    existsSync(out) &&
    inputs.every((input) => newestMtimeMs(input) <= mtimeMs(out)) &&
    recipeOf(out) === recipe;
  if (current) {
    log(`${what}: cached in ${out}`);
    return;
  }
  log(existsSync(out) ? `${what} (inputs or code changed) ...` : `${what} ...`);
  const tmp = `${out}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  rmSync(recipeFile(out), { force: true });
  await build(tmp);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  writeFileSync(recipeFile(out), recipe);
}

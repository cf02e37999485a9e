// A generated folder rebuilt only when missing or older than its inputs, written beside and renamed into place.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
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

/**
 * Builds `out` with `build(tmp)` unless it exists and is newer than every input (a directory input counts its direct entries too). The step writes a sibling
 * ".partial" folder that is renamed into place, so an interrupted run never leaves a half-made output.
 */
export async function cachedStep(
  out: string,
  inputs: string[],
  what: string,
  log: (message: string) => void,
  build: (tmp: string) => Promise<void>,
): Promise<void> {
  if (existsSync(out) && inputs.every((input) => newestMtimeMs(input) <= mtimeMs(out))) {
    log(`${what}: cached in ${out}`);
    return;
  }
  log(`${what} ...`);
  const tmp = `${out}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  await build(tmp);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
}

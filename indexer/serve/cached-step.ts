// A generated folder rebuilt only when missing or older than its inputs, written beside and renamed into place.
import { existsSync, renameSync, rmSync, statSync } from "node:fs";

function mtimeMs(path: string): number {
  return statSync(path).mtimeMs;
}

/**
 * Builds `out` with `build(tmp)` unless it exists and is newer than every input. The step writes a sibling
 * ".partial" folder that is renamed into place, so an interrupted run never leaves a half-made output.
 */
export async function cachedStep(
  out: string,
  inputs: string[],
  what: string,
  log: (message: string) => void,
  build: (tmp: string) => Promise<void>,
): Promise<void> {
  if (existsSync(out) && inputs.every((input) => mtimeMs(input) <= mtimeMs(out))) {
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

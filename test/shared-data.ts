// Locates ../shared (read-only reference data beside the project root). Tests that need it skip
// with a clear message where it is absent, as on a user's fresh clone.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Absolute path of ../shared (override with CLIP_SHARED_DATA). */
export const SHARED_DATA_DIR = resolve(process.env.CLIP_SHARED_DATA ?? join(PROJECT_ROOT, "..", "shared"));

export const hasSharedData = existsSync(join(SHARED_DATA_DIR, "clip", "vocab.json"));

/** Message for `describe.skipIf(!hasSharedData)`; printed once so a skip is never silent. */
export const SHARED_DATA_SKIP_REASON = `reference data not found at ${SHARED_DATA_DIR} (../shared); tests that compare against it are skipped`;

if (!hasSharedData) console.warn(`[skip] ${SHARED_DATA_SKIP_REASON}`);

/** Path inside ../shared. */
export function sharedPath(...parts: string[]): string {
  return join(SHARED_DATA_DIR, ...parts);
}

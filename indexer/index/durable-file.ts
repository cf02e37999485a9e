// Crash-safe file writes: write a temp file, fsync it, rename it into place, fsync the directory. A full
// disk is an InputError the user can act on (the callers remove what they had started).
import { open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { InputError } from "../../shared/errors.ts";

let counter = 0;

/** Turns "no space left" / "quota exceeded" while writing `path` into a one-line InputError "disk_full". */
function diskFull(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code !== "ENOSPC" && code !== "EDQUOT") return error;
  return new InputError(
    "disk_full",
    `no space left on the device while writing ${path} (${code}); free some space and run the command again (nothing was replaced)`,
    { cause: error },
  );
}

/**
 * Writes `chunks` to `path` and fsyncs the file, without the rename dance: for files inside a folder that is
 * itself renamed into place once complete (the caller then syncs that folder once). A full disk throws
 * InputError "disk_full".
 */
export async function writeFileSynced(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  try {
    const handle = await open(path, "w");
    try {
      for (const chunk of chunks) await handle.write(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw diskFull(error, path);
  }
}

/** Writes `chunks` to `path` so that after a crash the file is either absent/old or complete. */
export async function writeFileDurably(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const temp = `${path}.${process.pid}.${counter++}.tmp`;
  try {
    await writeFileSynced(temp, chunks);
  } catch (error) {
    // A temp file that a full disk cut short must not stay behind.
    await rm(temp, { force: true });
    throw error;
  }
  await rename(temp, path);
  await syncDirectory(dirname(path));
}

/** fsyncs a directory so a rename inside it survives a power loss (a no-op where unsupported). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

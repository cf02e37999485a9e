// Crash-safe file writes: write a temp file, fsync it, rename it into place, fsync the directory.
import { open, rename } from "node:fs/promises";
import { dirname } from "node:path";

let counter = 0;

/**
 * Writes `chunks` to `path` and fsyncs the file, without the rename dance: for files inside a folder that is
 * itself renamed into place once complete (the caller then syncs that folder once).
 */
export async function writeFileSynced(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const handle = await open(path, "w");
  try {
    for (const chunk of chunks) await handle.write(chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `chunks` to `path` so that after a crash the file is either absent/old or complete. */
export async function writeFileDurably(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const temp = `${path}.${process.pid}.${counter++}.tmp`;
  await writeFileSynced(temp, chunks);
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

// A full disk while writing an index: a one-line InputError (exit 2 in the CLI), nothing half-written. The
// kernel's own ENOSPC comes from /dev/full; inside an index write it is injected into one file's writes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { baseIndexContent, indexFilesOf } from "../../shared/index-contract/tampered-indexes.ts";
import { runCli } from "../../test/indexer-fixtures.ts";
import { writeFileDurably, writeFileSynced } from "./durable-file.ts";

/** Path suffix whose writes fail with ENOSPC, or null. */
const full = vi.hoisted(() => ({ suffix: null as string | null }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  const open: typeof fs.open = async (...args: Parameters<typeof fs.open>) => {
    const handle = await fs.open(...args);
    const path = String(args[0]);
    if (full.suffix === null || !path.endsWith(full.suffix)) return handle;
    const write = handle.write.bind(handle);
    return Object.assign(handle, {
      write: async (...writeArgs: unknown[]) => {
        await (write as (...a: unknown[]) => Promise<unknown>)(...writeArgs);
        throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: "ENOSPC" });
      },
    });
  };
  return { ...fs, open, default: { ...fs, open } };
});

const dir = mkdtempSync(join(tmpdir(), "disk-full-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI without progress output: a refusal is one line of stderr. */
async function cli(args: string[]) {
  const { code: status, stdout, stderr } = await runCli(args, { verbose: false });
  return { status, stdout, stderr };
}

describe("a full disk", () => {
  it("is InputError disk_full from the kernel's ENOSPC (/dev/full)", async () => {
    await expect(writeFileSynced("/dev/full", [new Uint8Array(8)])).rejects.toMatchObject({
      code: "disk_full",
      message: expect.stringMatching(
        /^no space left on the device while writing \/dev\/full \(ENOSPC\); free some space/,
      ),
    });
  });

  it("leaves no temp file behind a durable write", async () => {
    full.suffix = ".tmp";
    try {
      await expect(writeFileDurably(join(dir, "state.json"), [new Uint8Array(8)])).rejects.toMatchObject({
        code: "disk_full",
      });
    } finally {
      full.suffix = null;
    }
    expect(readdirSync(dir).filter((name) => name.startsWith("state.json"))).toEqual([]);
  });

  it("stops merge with one line and exit 2, and the old index stays as it was", async () => {
    const shard = join(dir, "shard");
    const out = join(dir, "merged");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    for (const [name, bytes] of indexFilesOf(baseIndexContent({ id: "m", dimension: 4 }))) {
      mkdirSync(join(shard, name, ".."), { recursive: true });
      writeFileSync(join(shard, name), bytes);
    }
    expect((await cli(["merge", out, shard])).status).toBe(0);
    const before = readFileSync(join(out, "vectors.npy"));
    full.suffix = "vectors.npy";
    let result: Awaited<ReturnType<typeof cli>>;
    try {
      result = await cli(["merge", out, shard]);
    } finally {
      full.suffix = null;
    }
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(
        /^error: no space left on the device while writing .*vectors\.npy \(ENOSPC\); free some space/,
      ),
    ]);
    expect(readFileSync(join(out, "vectors.npy"))).toEqual(before);
    expect(readdirSync(dir).filter((name) => name.includes(".tmp") || name.includes(".old"))).toEqual([]);
    expect(existsSync(join(out, "manifest.json"))).toBe(true);
  });
});

// readWorkerStorage: the bucket and prefixes deploy writes to are the ones the worker reads.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readWorkerStorage } from "./worker-storage.ts";

const dir = mkdtempSync(join(tmpdir(), "worker-storage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(vars: string): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(
    path,
    `name = "w"\nmain = "w.ts"\n[vars]\n${vars}\n[[r2_buckets]]\nbinding = "MODEL_BUCKET"\nbucket_name = "b1"\n`,
  );
  return path;
}

describe("readWorkerStorage", () => {
  it("appends the worker's '/' to prefixes without one, as worker/config.ts reads them", () => {
    expect(readWorkerStorage(config('INDEX_PREFIX = "idx"\nMODEL_PREFIX = "m/"'))).toEqual({
      bucket: "b1",
      indexPrefix: "idx/",
      modelPrefix: "m/",
    });
  });

  it("uses the worker's defaults when the vars are absent, and keeps an empty prefix empty", () => {
    expect(readWorkerStorage(config('INDEX_PREFIX = ""'))).toEqual({
      bucket: "b1",
      indexPrefix: "",
      modelPrefix: "model/",
    });
  });
});

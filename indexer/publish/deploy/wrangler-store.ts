// The real bucket through the pinned wrangler (`r2 object put|get|delete --remote`), with the user's own
// wrangler credentials: no R2 API token to create. One process per object, a few at a time.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ObjectBody, ObjectStore } from "./object-store.ts";
import { runWrangler, wranglerFailure } from "./run-wrangler.ts";

/** wrangler's answer for a key that does not exist (R2 API code 10007). */
const NOT_FOUND = /does not exist|NoSuchKey|not found|10007/i;

export class WranglerStore implements ObjectStore {
  readonly label: string;
  readonly concurrency = 4;
  private scratch: string | undefined;

  constructor(
    private readonly bucket: string,
    private readonly cwd: string,
  ) {
    this.label = `R2 bucket ${bucket} (remote, through wrangler)`;
  }

  private tempFile(data: Uint8Array): string {
    this.scratch ??= mkdtempSync(join(tmpdir(), "clip-deploy-"));
    const path = join(this.scratch, `${Date.now()}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(path, data);
    return path;
  }

  async put(key: string, body: ObjectBody, contentType?: string): Promise<void> {
    const path = "path" in body ? body.path : this.tempFile(body.data);
    try {
      const type = contentType ? ["--content-type", contentType] : [];
      const args = ["r2", "object", "put", `${this.bucket}/${key}`, "--file", path, ...type, "--remote"];
      const result = await runWrangler(args, this.cwd);
      if (result.code !== 0) throw wranglerFailure(`uploading ${key}`, result, this.bucket);
    } finally {
      if (!("path" in body)) rmSync(path, { force: true });
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    const result = await runWrangler(
      ["r2", "object", "get", `${this.bucket}/${key}`, "--remote", "--pipe"],
      this.cwd,
    );
    if (result.code === 0) return new Uint8Array(result.stdout);
    if (NOT_FOUND.test(result.output)) return null;
    throw wranglerFailure(`reading ${key}`, result, this.bucket);
  }

  /** wrangler has no HEAD: sizes are not checked remotely (R2 acknowledges a put only once it is stored). */
  async size(): Promise<undefined> {
    return undefined;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) {
      const result = await runWrangler(
        ["r2", "object", "delete", `${this.bucket}/${key}`, "--remote"],
        this.cwd,
      );
      if (result.code !== 0 && !NOT_FOUND.test(result.output))
        throw wranglerFailure(`deleting ${key}`, result, this.bucket);
    }
  }

  /** Removes the temporary files of JSON bodies. */
  close(): void {
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
  }
}

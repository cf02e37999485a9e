// An object store in a local folder (key = relative path): deploy plans written where tests and the worker
// test fixtures can read them, and a store whose failures tests can inject.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { unsafeIndexPath } from "../../../shared/index-contract/index-path.ts";
import type { ObjectBody, ObjectStore } from "./object-store.ts";

export class FolderStore implements ObjectStore {
  readonly label: string;
  readonly concurrency = 4;

  constructor(private readonly root: string) {
    this.label = `folder ${root}`;
  }

  private path(key: string): string {
    // Keys come from plans (prefix + blobs/<sha>...), never from outside; still, nothing escapes the root.
    const why = unsafeIndexPath(key);
    if (why) throw new Error(`object key ${JSON.stringify(key)} ${why}`);
    return join(this.root, key);
  }

  async put(key: string, body: ObjectBody): Promise<void> {
    const path = this.path(key);
    mkdirSync(dirname(path), { recursive: true });
    if ("path" in body) await copyFile(body.path, path);
    else writeFileSync(path, body.data);
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(readFileSync(this.path(key)));
    } catch {
      return null;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      return statSync(this.path(key)).size;
    } catch {
      return null;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) rmSync(this.path(key), { force: true });
  }
}

// The index contract's file port on R2: the files of an index directory are objects under one key prefix.
import { IndexContractError } from "../../shared/index-contract/contract-error.ts";
import { unsafeIndexPath } from "../../shared/index-contract/index-path.ts";
import type { IndexFileSource } from "../../shared/index-contract/read-index.ts";

/** R2's limit on the length of an object key, in UTF-8 bytes. */
export const R2_MAX_KEY_BYTES = 1024;

/** True when `key` is a key R2 can hold (a longer one makes R2 throw instead of answering "no object"). */
export function isStorableKey(key: string): boolean {
  return new TextEncoder().encode(key).byteLength <= R2_MAX_KEY_BYTES;
}

/** Reads the index files stored under `prefix` (ending in "/") in `bucket`. */
export function r2IndexSource(bucket: R2Bucket, prefix: string): IndexFileSource {
  return {
    async read(name) {
      const why = unsafeIndexPath(name);
      if (why)
        throw new IndexContractError("bad_index", `the path ${JSON.stringify(name.slice(0, 80))} ${why}`);
      const key = prefix + name;
      if (!isStorableKey(key)) return null;
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
  };
}

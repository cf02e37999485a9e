// The object store a deploy writes to (remote R2 through wrangler, local R2 through wrangler's platform
// proxy, a folder in tests): the few operations run-deploy.ts needs, so one executor serves them all.

/** A body to store: a local file (streamed or passed to wrangler by path) or bytes in memory. */
export type ObjectBody = { path: string } | { data: Uint8Array };

export interface ObjectStore {
  /** For messages, e.g. "R2 bucket clip-video-retrieval (remote)". */
  readonly label: string;
  /** Puts allowed at once (wrangler processes are heavy; in-process bindings are not). */
  readonly concurrency: number;
  put(key: string, body: ObjectBody, contentType?: string): Promise<void>;
  /** The object's bytes, or null when it does not exist. */
  get(key: string): Promise<Uint8Array | null>;
  /** Size in bytes, or null when absent; undefined when the store cannot tell without downloading. */
  size(key: string): Promise<number | null | undefined>;
  delete(keys: string[]): Promise<void>;
}

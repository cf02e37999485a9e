// Serves a model and an index locally the way `npm start` does: local R2 filled, then `wrangler dev`
// with rate limiting off on the same state folder.
import { fileURLToPath } from "node:url";
import { uploadToLocalR2 } from "./local-r2.ts";
import { type DevServer, startWranglerDev } from "./wrangler-dev.ts";

/** The worker's wrangler.toml (repository root). */
export const WRANGLER_CONFIG = fileURLToPath(new URL("../../wrangler.toml", import.meta.url));

export interface LocalServerOptions {
  /** Prepared edge encoder directory (edge.json + the files it names, vocab.json, merges.txt). */
  edgeDir: string;
  indexDir: string;
  /** wrangler state folder (`--persist-to`). */
  persistTo: string;
  /** 0 picks a free port. */
  port: number;
  /** Extra [vars] overrides, e.g. { CORS_ORIGIN: "*" }. */
  vars?: Record<string, string>;
  log: (message: string) => void;
  /** wrangler's own output (request log); dropped when absent. */
  onOutput?: (text: string) => void;
}

/** A running local worker and what was put into its R2. */
export interface LocalServer extends DevServer {
  uploaded: { objects: number; bytes: number; ms: number };
}

/** Uploads the model and index to local R2 and starts `wrangler dev` on them. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const started = Date.now();
  const uploaded = await uploadToLocalR2({
    configPath: WRANGLER_CONFIG,
    persistTo: options.persistTo,
    modelDir: options.edgeDir,
    indexDir: options.indexDir,
  });
  const ms = Date.now() - started;
  options.log(
    `local R2: ${uploaded.objects} objects, ${(uploaded.bytes / 2 ** 20).toFixed(1)} MiB in ${ms} ms (${options.persistTo})`,
  );
  options.log("starting wrangler dev ...");
  const server = await startWranglerDev({
    configPath: WRANGLER_CONFIG,
    persistTo: options.persistTo,
    port: options.port,
    vars: { RATE_LIMIT: "off", ...options.vars },
    onOutput: options.onOutput,
  });
  return { ...server, uploaded: { ...uploaded, ms } };
}

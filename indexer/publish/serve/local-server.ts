// Serves a model and an index locally the way `npm start` does: local R2 filled, then `wrangler dev`
// with rate limiting off on the same state folder.
import { fileURLToPath } from "node:url";
import { ensureBrowserBundle } from "../../../scripts/build-browser.ts";
import { collectDeployment } from "../deploy/collect-deployment.ts";
import { runDeploy } from "../deploy/run-deploy.ts";
import { readWorkerStorage } from "../deploy/worker-storage.ts";
import { openLocalR2 } from "./local-r2.ts";
import { type DevServer, startWranglerDev } from "./wrangler-dev.ts";

/** The worker's wrangler.toml (repository root). */
export const WRANGLER_CONFIG = fileURLToPath(new URL("../../../wrangler.toml", import.meta.url));

export interface LocalServerOptions {
  /** Prepared edge encoder directory (edge.json + the files it names, vocab.json, merges.txt). */
  edgeDir: string;
  indexDir: string;
  /** Library folder the index was built from: its videos are served by the media route. */
  videosDir?: string;
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
  uploaded: { objects: number; bytes: number; ms: number; deployment: string };
}

/**
 * Deploys the model and index to local R2 the way `deploy` does to the real bucket (versioned, pointer
 * last; replaced deployments deleted at once: no other isolate reads this bucket) and returns what it put.
 */
export async function deployLocally(options: {
  edgeDir: string;
  indexDir: string;
  videosDir?: string;
  persistTo: string;
  log: (message: string) => void;
}): Promise<LocalServer["uploaded"]> {
  const { indexPrefix, modelPrefix } = readWorkerStorage(WRANGLER_CONFIG);
  const collected = await collectDeployment({ ...options, indexPrefix, modelPrefix });
  const local = await openLocalR2(WRANGLER_CONFIG, options.persistTo);
  try {
    const result = await runDeploy(local.store, collected.input, { graceMs: 0, log: () => {} });
    const uploaded = {
      objects: result.puts,
      bytes: result.bytes,
      ms: result.ms,
      deployment: result.record.id,
    };
    options.log(
      `local R2: deployment ${uploaded.deployment}, ${uploaded.objects} objects written, ${(uploaded.bytes / 2 ** 20).toFixed(1)} MiB in ${uploaded.ms} ms (${options.persistTo})`,
    );
    return uploaded;
  } finally {
    await local.dispose();
    await collected.cleanup();
  }
}

/** Deploys the model and index to local R2 and starts `wrangler dev` on them. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const uploaded = await deployLocally(options);
  // The page's visual-query bundle (wrangler.toml [assets]), built from this checkout's sources.
  await ensureBrowserBundle();
  options.log("starting wrangler dev ...");
  const server = await startWranglerDev({
    configPath: WRANGLER_CONFIG,
    persistTo: options.persistTo,
    port: options.port,
    vars: { RATE_LIMIT: "off", ...options.vars },
    onOutput: options.onOutput,
  });
  return { ...server, uploaded };
}

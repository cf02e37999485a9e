// Test helper: the `npm start` demo (toy model, videos, index, edge encoder) generated into a temp folder and
// served by `wrangler dev` on a free port, the same code path as `npm run cli -- serve --demo`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DemoAssets, ensureDemoAssets } from "../indexer/demo/demo-assets.ts";
import { type LocalServer, startLocalServer } from "../indexer/publish/serve/local-server.ts";
import { stepRunner } from "../indexer/publish/serve/run-command.ts";

/** A running demo server; `close()` stops wrangler and deletes the temp folder. */
export interface DemoServer {
  url: string;
  queries: DemoAssets["queries"];
  /** What the demo serves (model, index and videos directories). */
  assets: DemoAssets;
  server: LocalServer;
  close(): Promise<void>;
}

/** Generates the demo (`videoCount` toy videos) and serves it; takes about 20-40 s on 2 cores. */
export async function startDemoServer(videoCount = 6): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), "clip-demo-"));
  const quiet = { write: () => true };
  try {
    const assets = await ensureDemoAssets({
      cacheDir: join(dir, "cache"),
      run: stepRunner(quiet),
      log: () => undefined,
      videoCount,
    });
    const server = await startLocalServer({
      edgeDir: assets.edgeDir,
      indexDir: assets.indexDir,
      videosDir: assets.videosDir,
      persistTo: join(dir, "state"),
      port: 0,
      log: () => undefined,
    });
    return {
      url: server.url,
      queries: assets.queries,
      assets,
      server,
      async close() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

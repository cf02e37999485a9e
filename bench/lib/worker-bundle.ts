// The worker bundle as `wrangler deploy` builds it (--dry-run): bytes per file and gzipped, since the Workers
// script size limit counts the compressed upload.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { WRANGLER_CONFIG } from "../../indexer/publish/serve/local-server.ts";
import { ROOT } from "./fixtures.ts";

/** Bytes on disk and gzipped (source maps excluded), and bytes per file. */
export interface BundleFigures {
  bytes: number;
  gzipBytes: number;
  files: Record<string, number>;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Builds the worker with `wrangler deploy --dry-run` into a temp folder and measures it. */
export function measureBundle(): BundleFigures {
  const out = mkdtempSync(join(tmpdir(), "clip-worker-bundle-"));
  try {
    const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
    execFileSync(
      process.execPath,
      [wrangler, "deploy", "--dry-run", "--config", WRANGLER_CONFIG, "--outdir", out],
      { cwd: ROOT, stdio: "ignore", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
    );
    const files: Record<string, number> = {};
    let bytes = 0;
    let gzipBytes = 0;
    for (const path of listFiles(out)) {
      if (path.endsWith(".map")) continue;
      const data = readFileSync(path);
      files[path.slice(out.length + 1)] = data.byteLength;
      bytes += data.byteLength;
      gzipBytes += gzipSync(data).byteLength;
    }
    return { bytes, gzipBytes, files };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

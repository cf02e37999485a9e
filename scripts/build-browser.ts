// Builds the page's visual-query bundle (browser/*.ts + shared/ preprocessing and aggregation +
// onnxruntime-web + @ffmpeg/ffmpeg) into dist/assets, the Workers Static Assets folder of wrangler.toml,
// and prints each file's bytes and gzip bytes. `npm run build:browser` (run by test:worker and check:bundle,
// which need the folder) rebuilds only when its sources changed; `npm start`/`npm run dev`/`deploy` call
// ensureBrowserBundle the same way.
import { createHash, randomBytes } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** wrangler.toml [assets] directory. */
export const ASSETS_DIR = join(ROOT, "dist", "assets");
/** URL path of the bundle's files; entries keep their names (revalidated), the rest are content-hashed. */
const PUBLIC_PATH = "/browser";
const STATIC_PATH = `${PUBLIC_PATH}/static`;

/** Workers Static Assets refuses files above 25 MiB. */
const MAX_ASSET_BYTES = 25 * 1024 * 1024;
/** ffmpeg-core.wasm (32 MB) is served in parts of at most this size and joined by the page. */
const PART_BYTES = 24 * 1024 * 1024;

/** @ffmpeg/core's ES module folder (its "require" export is the UMD build; the ES build sits beside it). */
function ffmpegCoreDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@ffmpeg/core")), "..", "esm");
}

/**
 * Writes `source` as static/<name>-<hash>.partN files of at most PART_BYTES (Workers Static Assets' limit is
 * 25 MiB a file); returns their URL paths, the whole file's SHA-256 hex and its size.
 */
function splitHashed(outDir: string, source: string, name: string) {
  const data = readFileSync(source);
  const sha256 = createHash("sha256").update(data).digest("hex");
  const parts: string[] = [];
  for (let offset = 0, n = 0; offset < data.length; offset += PART_BYTES, n++) {
    const file = `${name}-${sha256.slice(0, 16)}.part${n}`;
    writeFileSync(join(outDir, STATIC_PATH, file), data.subarray(offset, offset + PART_BYTES));
    parts.push(`${STATIC_PATH}/${file}`);
  }
  return { parts, sha256, bytes: data.length };
}

/** Copies `source` to static/<name>-<hash><ext> and returns its URL path. */
function copyHashed(outDir: string, source: string, name: string, extension: string): string {
  const hash = createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 16);
  const file = `${name}-${hash}${extension}`;
  copyFileSync(source, join(outDir, STATIC_PATH, file));
  return `${STATIC_PATH}/${file}`;
}

/** Caching: hashed files for good, entries revalidated (ETag) so a deploy reaches every page at once. */
const HEADERS = `${PUBLIC_PATH}/visual-query.js
  Cache-Control: no-cache
  X-Content-Type-Options: nosniff
${PUBLIC_PATH}/ffmpeg-worker.js
  Cache-Control: no-cache
  X-Content-Type-Options: nosniff
${STATIC_PATH}/*
  Cache-Control: public, max-age=31536000, immutable
  X-Content-Type-Options: nosniff
`;

export interface BuiltFile {
  /** URL path. */
  path: string;
  bytes: number;
  gzipBytes: number;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** What the bundle is built from: the hash of these files names a build. */
function sourceStamp(): string {
  const hash = createHash("sha256");
  const roots = [
    "browser",
    "shared",
    join("indexer", "decode"),
    join("scripts", "build-browser.ts"),
    "package-lock.json",
  ];
  for (const root of roots)
    for (const path of statSync(join(ROOT, root)).isDirectory()
      ? listFiles(join(ROOT, root)).sort()
      : [join(ROOT, root)])
      if (!path.endsWith(".test.ts")) hash.update(relative(ROOT, path)).update(readFileSync(path));
  return hash.digest("hex");
}

const STAMP_FILE = ".build-stamp";

/** Builds dist/assets unless it was built from these sources already; returns its files (null: kept). */
export async function ensureBrowserBundle(): Promise<BuiltFile[] | null> {
  const stamp = sourceStamp();
  const stampPath = join(ASSETS_DIR, STAMP_FILE);
  if (existsSync(stampPath) && readFileSync(stampPath, "utf8") === stamp) return null;
  const files = await buildBrowserBundle();
  writeFileSync(stampPath, stamp);
  return files;
}

/**
 * Builds dist/assets from scratch (beside it, then renamed into place, so that a running wrangler dev never
 * sees half a folder); returns every file with its sizes. Throws when a file exceeds 25 MiB.
 */
export async function buildBrowserBundle(): Promise<BuiltFile[]> {
  const target = `${ASSETS_DIR}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, STATIC_PATH), { recursive: true });
  try {
    const files = await buildInto(target);
    rmSync(ASSETS_DIR, { recursive: true, force: true });
    renameSync(target, ASSETS_DIR);
    return files;
  } catch (error) {
    rmSync(target, { recursive: true, force: true });
    throw error;
  }
}

async function buildInto(outDir: string): Promise<BuiltFile[]> {
  const ortDist = dirname(createRequire(import.meta.url).resolve("onnxruntime-web/wasm"));
  const coreWasm = splitHashed(outDir, join(ffmpegCoreDir(), "ffmpeg-core.wasm"), "ffmpeg-core.wasm");
  const files = {
    ortWasm: copyHashed(
      outDir,
      join(ortDist, "ort-wasm-simd-threaded.wasm"),
      "ort-wasm-simd-threaded",
      ".wasm",
    ),
    ortJspiWasm: copyHashed(
      outDir,
      join(ortDist, "ort-wasm-simd-threaded.jspi.wasm"),
      "ort-wasm-simd-threaded.jspi",
      ".wasm",
    ),
    ffmpegWorker: `${PUBLIC_PATH}/ffmpeg-worker.js`,
    ffmpegCore: copyHashed(outDir, join(ffmpegCoreDir(), "ffmpeg-core.js"), "ffmpeg-core", ".js"),
    ffmpegCoreWasmParts: coreWasm.parts,
    ffmpegCoreWasmSha256: coreWasm.sha256,
    ffmpegCoreWasmBytes: coreWasm.bytes,
  };
  await build({
    entryPoints: {
      "visual-query": join(ROOT, "browser", "visual-query.ts"),
      "ffmpeg-worker": join(ROOT, "browser", "ffmpeg-worker.ts"),
    },
    outdir: join(outDir, PUBLIC_PATH),
    chunkNames: "static/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    define: { BROWSER_FILES: JSON.stringify(files) },
  });
  writeFileSync(join(outDir, "_headers"), HEADERS);
  // Not served: the build stamp.
  writeFileSync(join(outDir, ".assetsignore"), `${STAMP_FILE}\n`);
  const built = listFiles(outDir)
    .filter((path) => !/(_headers|\.assetsignore)$/.test(path))
    .map((path) => {
      const data = readFileSync(path);
      return {
        path: `/${relative(outDir, path).split("\\").join("/")}`,
        bytes: data.length,
        gzipBytes: gzipSync(data).length,
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
  const tooLarge = built.filter((file) => file.bytes > MAX_ASSET_BYTES);
  if (tooLarge.length > 0)
    throw new Error(`${tooLarge.map((f) => f.path).join(", ")}: above Workers Static Assets' 25 MiB a file`);
  return built;
}

/** One line per file: path, bytes, gzip bytes. */
export function formatBuiltFiles(files: BuiltFile[]): string {
  const width = Math.max(...files.map((file) => file.path.length));
  return files
    .map(
      (f) =>
        `${f.path.padEnd(width)}  ${f.bytes.toLocaleString("en-US").padStart(12)} B  gzip ${f.gzipBytes.toLocaleString("en-US").padStart(12)} B`,
    )
    .join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = process.argv.includes("--force") ? await buildBrowserBundle() : await ensureBrowserBundle();
  if (files) process.stdout.write(`browser bundle (dist/assets):\n${formatBuiltFiles(files)}\n`);
  else process.stdout.write("browser bundle (dist/assets) is up to date (--force rebuilds it)\n");
}

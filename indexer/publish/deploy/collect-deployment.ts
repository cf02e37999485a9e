// What one deploy stores, gathered from disk: the index files the worker reads (checked by the contract;
// nothing outside the index), its thumbnails packed, the edge encoder's files and, with a library folder,
// the video files of videos without a url. Every file is hashed (SHA-256) to name its blob.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, relative, resolve, sep } from "node:path";
import { MEDIA_TYPES } from "../../../shared/deployment/deployment-format.ts";
import type { DeploymentInput, PlannedFile } from "../../../shared/deployment/plan-deployment.ts";
import { packThumbnails } from "../../../shared/deployment/thumbnail-pack.ts";
import { InputError } from "../../../shared/errors.ts";
import { INDEX_FILES } from "../../../shared/index-format.ts";
import type { EdgeVisionTower } from "../../../shared/model/edge-manifest.ts";
import { readSyncRecord } from "../../index/read-sync-record.ts";
import { directorySource, readIndex } from "../../index/reader.ts";
import { readEdgeManifest } from "../../prepare-edge/load-edge-encoder.ts";

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function plannedFile(path: string): Promise<PlannedFile<string>> {
  return { bytes: statSync(path).size, sha256: await hashFile(path), source: path };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

/** The thumbnail paths an index refers to: each video's, and per-row ones where the rows carry them. */
function thumbnailPaths(index: Awaited<ReturnType<typeof readIndex>>): string[] {
  const perRow = (index.rows as { thumbnail?: unknown }).thumbnail;
  const rows = Array.isArray(perRow) ? perRow.filter((p): p is string => typeof p === "string") : [];
  const paths = [...index.videos.flatMap((video) => (video.thumbnail ? [video.thumbnail] : [])), ...rows];
  return [...new Set(paths)].sort();
}

export interface CollectedDeployment {
  input: DeploymentInput<string>;
  /** Files and bytes per part, for the summary. */
  counts: { indexFiles: number; thumbnails: number; packs: number; modelFiles: number; media: number };
  /** Removes the temporary pack files. */
  cleanup(): Promise<void>;
}

export interface CollectOptions {
  indexPrefix: string;
  modelPrefix: string;
  indexDir: string;
  /** Prepared edge encoder directory (edge.json and the files it names). */
  edgeDir: string;
  /** The library folder the index was built from: its video files are uploaded for the media route. */
  videosDir?: string;
}

/** The media of the videos without a url, found through the index's sync.json in `videosDir`. */
async function collectMedia(
  indexDir: string,
  videosDir: string,
  videos: { id: string; url: string | null }[],
) {
  const sync = await readSyncRecord(indexDir);
  if (!sync)
    throw new InputError(
      "bad_arguments",
      `${indexDir} has no sync.json, so its videos' files cannot be found; re-run \`npm run cli -- index\` on the library, or deploy without --videos`,
    );
  const root = resolve(videosDir);
  const byId = new Map(sync.videos.map((video) => [video.id, video]));
  const media: DeploymentInput<string>["media"] = {};
  for (const video of videos) {
    if (video.url !== null) continue;
    const entry = byId.get(video.id);
    if (!entry || /^[a-z][a-z0-9+.-]*:\/\//i.test(entry.location)) continue;
    const path = resolve(root, entry.location);
    if (!path.startsWith(root + sep))
      throw new InputError("bad_index", `sync.json names ${entry.location} for ${video.id}, outside ${root}`);
    if (!existsSync(path))
      throw new InputError(
        "media_missing",
        `${path} (video ${video.id}) is missing: give --videos the folder the index was built from, or re-run \`index\``,
      );
    const bytes = statSync(path).size;
    if (bytes !== entry.source.sizeBytes)
      throw new InputError(
        "media_changed",
        `${path} has changed since it was indexed (${bytes} bytes, indexed ${entry.source.sizeBytes}); re-run \`npm run cli -- index\` first`,
      );
    const extension = extname(path).toLowerCase();
    media[video.id] = {
      ...(await plannedFile(path)),
      extension,
      contentType: MEDIA_TYPES[extension] ?? "application/octet-stream",
    };
  }
  return media;
}

/**
 * The browser fetches the vision tower by the SHA-256 edge.json records (GET /api/model/vision): a file changed
 * since prepare-edge wrote it would be served under another hash, so it is refused here.
 */
function checkVisionFile(edgeDir: string, model: Record<string, PlannedFile<string>>): void {
  let vision: EdgeVisionTower | undefined;
  try {
    vision = readEdgeManifest(edgeDir).vision;
  } catch {
    return; // edge.json itself is checked by prepare-edge and by the worker (503 bad_edge_model), not here
  }
  if (vision && model[vision.file]?.sha256 !== vision.sha256)
    throw new InputError(
      "bad_edge_model",
      `${join(edgeDir, vision.file)} is missing or not the file edge.json describes (sha256 ${vision.sha256}); run prepare-edge again`,
    );
}

/** Reads, checks, hashes and packs everything a deploy of `indexDir` + `edgeDir` stores. */
export async function collectDeployment(options: CollectOptions): Promise<CollectedDeployment> {
  const { indexDir, edgeDir } = options;
  // The contract first: a bad index is refused before anything is hashed or stored.
  const index = await readIndex(indexDir);
  const source = directorySource(indexDir);
  const indexNames = [
    INDEX_FILES.manifest,
    INDEX_FILES.videos,
    INDEX_FILES.rows,
    INDEX_FILES.vectors,
    INDEX_FILES.captions,
    INDEX_FILES.captionVectors,
  ];
  const indexFiles: Record<string, PlannedFile<string>> = {};
  for (const name of indexNames) {
    const path = await source.path(name);
    if (path) indexFiles[name] = await plannedFile(path);
  }
  const names = thumbnailPaths(index);
  const scratch = mkdtempSync(join(tmpdir(), "clip-deploy-packs-"));
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  try {
    let thumbnails: DeploymentInput<string>["thumbnails"] = null;
    let packCount = 0;
    if (names.length > 0) {
      const files = [];
      for (const name of names) {
        const data = await source.read(name);
        if (!data)
          throw new InputError("index_missing", `${name} is missing from ${indexDir}; rebuild the index`);
        files.push({ name, data });
      }
      const { packs, table } = packThumbnails(files);
      const write = async (file: string, data: Uint8Array) => {
        const path = join(scratch, file);
        writeFileSync(path, data);
        return plannedFile(path);
      };
      const packFiles = [];
      for (const [i, pack] of packs.entries()) packFiles.push(await write(`pack-${i}`, pack));
      thumbnails = {
        packs: packFiles,
        table: await write("table.json", new TextEncoder().encode(`${JSON.stringify(table)}\n`)),
      };
      packCount = packs.length;
    }
    const model: Record<string, PlannedFile<string>> = {};
    for (const path of listFiles(edgeDir))
      model[relative(edgeDir, path).split(sep).join("/")] = await plannedFile(path);
    checkVisionFile(edgeDir, model);
    const media = options.videosDir ? await collectMedia(indexDir, options.videosDir, index.videos) : {};
    return {
      input: {
        indexPrefix: options.indexPrefix,
        modelPrefix: options.modelPrefix,
        index: indexFiles,
        thumbnails,
        model,
        media,
      },
      counts: {
        indexFiles: Object.keys(indexFiles).length,
        thumbnails: names.length,
        packs: packCount,
        modelFiles: Object.keys(model).length,
        media: Object.keys(media).length,
      },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

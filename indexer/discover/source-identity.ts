// Reads what identifies a video's contents without reading them: size + mtime of a file, or the
// ETag / Last-Modified / Content-Length an http(s) server answers to HEAD.
import { stat } from "node:fs/promises";
import type { SourceIdentity } from "../index/video-result.ts";
import { isHttpUrl } from "./video-id.ts";

/** The identity of `path` (a file or http(s) URL), or the reason it cannot be read. */
export async function readSourceIdentity(path: string): Promise<SourceIdentity | { error: string }> {
  if (!isHttpUrl(path)) {
    const info = await stat(path).catch(() => null);
    if (info === null || !info.isFile()) return { error: "file not found or not readable" };
    return { sizeBytes: info.size, mtimeMs: info.mtimeMs };
  }
  let response: Response;
  try {
    response = await fetch(path, { method: "HEAD", redirect: "follow" });
  } catch (cause) {
    return { error: `cannot reach the URL (${(cause as Error).message})` };
  }
  if (!response.ok) return { error: `the URL answers HTTP ${response.status}` };
  const length = Number(response.headers.get("content-length") ?? Number.NaN);
  const modified = Date.parse(response.headers.get("last-modified") ?? "");
  const etag = response.headers.get("etag");
  return {
    sizeBytes: Number.isFinite(length) ? length : -1,
    mtimeMs: Number.isFinite(modified) ? modified : 0,
    ...(etag ? { etag } : {}),
  };
}

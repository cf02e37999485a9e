// Downloads a content-addressed file once: streamed with a progress callback (from one URL, or from parts
// joined in order), checked against its SHA-256, kept in Cache Storage under a URL that names the hash, read
// from there on every later visit.

/** Cache Storage bucket of the page's large files (vision model, ffmpeg core). */
const CACHE_NAME = "clip-video-retrieval-files";

/** Bytes received so far of `totalBytes` (the size the server announced). */
export type ByteProgress = (receivedBytes: number, totalBytes: number) => void;

export interface CachedFile {
  data: Uint8Array;
  /** True when read from Cache Storage (no download). */
  cached: boolean;
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The bytes of `urls` joined, `totalBytes` in all, read as they arrive. */
async function download(urls: string[], totalBytes: number, onProgress: ByteProgress): Promise<Uint8Array> {
  const data = new Uint8Array(totalBytes);
  let received = 0;
  onProgress(0, totalBytes);
  for (const url of urls) {
    let response: Response;
    try {
      response = await fetch(url);
    } catch {
      throw new Error(`${url} could not be downloaded; check your connection and try again`);
    }
    if (!response.ok || !response.body)
      throw new Error(
        `${url} could not be downloaded (the server answered ${response.status}); try again later`,
      );
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (received + value.length > totalBytes)
        throw new Error(`${url} is larger than the ${totalBytes} bytes announced; reload the page`);
      data.set(value, received);
      received += value.length;
      onProgress(received, totalBytes);
    }
  }
  if (received !== totalBytes)
    throw new Error(`${urls.at(-1)} ended after ${received} of ${totalBytes} bytes; try again`);
  return data;
}

/** A content-addressed file: where its bytes are, their SHA-256 hex and size. */
export interface HashedFile {
  /** One URL, or the URLs of its parts in order. */
  urls: string[];
  sha256: string;
  totalBytes: number;
}

/**
 * The bytes of `file` from Cache Storage when a checked copy is there, else downloaded, checked and stored
 * (under /browser-cache/<sha256>, a URL nothing serves). Without Cache Storage (an insecure origin) it
 * downloads every time.
 */
export async function fetchCached(file: HashedFile, onProgress: ByteProgress): Promise<CachedFile> {
  const { urls, sha256, totalBytes } = file;
  const url = new URL(`/browser-cache/${sha256}`, location.href).href;
  const cache = typeof caches === "undefined" ? null : await caches.open(CACHE_NAME).catch(() => null);
  const stored = await cache?.match(url);
  if (stored) {
    const data = new Uint8Array(await stored.arrayBuffer());
    // A damaged or foreign entry is dropped and downloaded again.
    if (data.length === totalBytes && (await sha256Hex(data)) === sha256) return { data, cached: true };
    await cache?.delete(url);
  }
  const data = await download(urls, totalBytes, onProgress);
  const actual = await sha256Hex(data);
  if (actual !== sha256)
    throw new Error(
      `${urls[0]} arrived damaged (SHA-256 ${actual.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…); try again`,
    );
  await cache
    ?.put(
      url,
      new Response(data as Uint8Array<ArrayBuffer>, {
        headers: { "content-type": "application/octet-stream" },
      }),
    )
    .catch(() => undefined);
  return { data, cached: false };
}

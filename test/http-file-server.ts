// A real HTTP file server for tests (node:http): serves a folder with ETag, Last-Modified, HEAD and
// byte ranges (what ffmpeg's http protocol uses to seek), 404 for anything missing; logs requests.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";

export interface ServedRequest {
  method: string;
  path: string;
  range: string | null;
  userAgent: string;
}

export interface FileServer {
  /** "http://127.0.0.1:<port>" */
  origin: string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

/** The byte span a "bytes=a-b" / "bytes=a-" / "bytes=-n" header asks of `size` bytes, or null if unsatisfiable. */
function parseRange(header: string, size: number): { start: number; end: number } | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : null;
}

/** Serves `root` on a free loopback port. ETag = size and mtime (as nginx does), so a rewrite changes it. */
export async function startFileServer(root: string): Promise<FileServer> {
  const requests: ServedRequest[] = [];
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const range = request.headers.range ?? null;
    requests.push({
      method: request.method ?? "",
      path,
      range,
      userAgent: request.headers["user-agent"] ?? "",
    });
    const file = join(root, normalize(path).replace(/^(\.\.[/\\])+/, ""));
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const headers: Record<string, string> = {
      "accept-ranges": "bytes",
      etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
      "last-modified": info.mtime.toUTCString(),
      "content-type": "video/mp4",
    };
    let start = 0;
    let end = info.size - 1;
    let status = 200;
    if (range !== null) {
      const span = parseRange(range, info.size);
      if (span === null) {
        response.writeHead(416, { "content-range": `bytes */${info.size}` }).end();
        return;
      }
      ({ start, end } = span);
      status = 206;
      headers["content-range"] = `bytes ${start}-${end}/${info.size}`;
    }
    headers["content-length"] = String(end - start + 1);
    response.writeHead(status, headers);
    if (request.method === "HEAD" || info.size === 0) response.end();
    else createReadStream(file, { start, end }).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

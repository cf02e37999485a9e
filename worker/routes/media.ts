// GET /api/media/:file: a video file deployed with the index (`deploy --videos DIR`), from R2, with HTTP
// Range (206) so that players can seek to a moment without downloading the whole file. Names are
// content hashes: the bytes behind a name never change, so responses are cacheable for good.
import { Hono } from "hono";
import { mediaPrefix } from "../../shared/deployment/deployment-format.ts";
import { type AppEnv, readConfig } from "../config.ts";
import { ApiError } from "../http/api-error.ts";
import { parseByteRange } from "../http/byte-range.ts";

/** SHA-256 hex of the file and its extension, as deploy names media objects. */
const MEDIA_NAME = /^[0-9a-f]{64}\.[a-z0-9]{1,8}$/;

export const mediaRoutes = new Hono<AppEnv>().get("/:file", async (c) => {
  const file = c.req.param("file");
  const missing = () =>
    new ApiError(404, "unknown_media", `no media file named ${JSON.stringify(file.slice(0, 100))}`);
  if (!MEDIA_NAME.test(file)) throw missing();
  const bucket = c.env.MODEL_BUCKET;
  const key = mediaPrefix(readConfig(c.env).indexPrefix) + file;
  const head = await bucket.head(key);
  if (!head) throw missing();
  const etag = head.httpEtag;
  const headers: Record<string, string> = {
    "content-type": head.httpMetadata?.contentType ?? "application/octet-stream",
    "accept-ranges": "bytes",
    "cache-control": "public, max-age=31536000, immutable",
    etag,
  };
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch?.split(",").some((tag) => tag.trim() === etag))
    return new Response(null, { status: 304, headers });
  // If-Range with another validator means the client's partial copy is stale: send the whole file.
  const ifRange = c.req.header("if-range");
  const rangeHeader = ifRange && ifRange !== etag ? null : (c.req.header("range") ?? null);
  const range = parseByteRange(rangeHeader, head.size);
  if (range === "unsatisfiable")
    return new Response(null, {
      status: 416,
      headers: { ...headers, "content-range": `bytes */${head.size}` },
    });
  const object = await bucket.get(key, range ? { range } : undefined);
  if (!object) throw missing();
  if (!range)
    return new Response(object.body, { headers: { ...headers, "content-length": String(head.size) } });
  const end = range.offset + range.length - 1;
  return new Response(object.body, {
    status: 206,
    headers: {
      ...headers,
      "content-length": String(range.length),
      "content-range": `bytes ${range.offset}-${end}/${head.size}`,
    },
  });
});

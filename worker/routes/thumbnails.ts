// GET /api/thumbnails/:name: thumbnail images of the index, streamed from R2.
import { Hono } from "hono";
import { INDEX_FILES } from "../../shared/index-format.ts";
import { type AppEnv, readConfig } from "../config.ts";
import { ApiError } from "../http/api-error.ts";

export const thumbnailRoutes = new Hono<AppEnv>().get("/:name{.+}", async (c) => {
  const name = c.req.param("name");
  if (name.split("/").some((part) => part === ".." || part === ""))
    throw new ApiError(400, "bad_thumbnail", "thumbnail names are relative paths without '..'");
  const config = readConfig(c.env);
  const key = `${config.indexPrefix}${INDEX_FILES.thumbnailDir}/${name}`;
  // R2 refuses keys over 1024 bytes with an error; no such thumbnail can exist.
  const object = new TextEncoder().encode(key).length <= 1024 ? await c.env.MODEL_BUCKET.get(key) : null;
  if (!object) throw new ApiError(404, "unknown_thumbnail", `no thumbnail named ${JSON.stringify(name)}`);
  return new Response(object.body, {
    headers: {
      "content-type": object.httpMetadata?.contentType ?? "image/jpeg",
      "cache-control": "public, max-age=86400",
      etag: object.httpEtag,
    },
  });
});

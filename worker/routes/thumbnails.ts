// GET /api/thumbnails/:deployment/:name: a thumbnail of a deployment, read by byte range from its pack.
// The deployment id in the path keeps every result page's images consistent with its hits, also after a
// newer deploy (replaced deployments stay readable for the deploy's grace period).
import { Hono } from "hono";
import type { ThumbnailTable } from "../../shared/deployment/deployment-format.ts";
import { readThumbnail, readThumbnailTable } from "../../shared/deployment/deployment-source.ts";
import { type AppEnv, readConfig } from "../config.ts";
import { ApiError } from "../http/api-error.ts";
import { deploymentById, r2BlobReader } from "../stores/live-deployment.ts";
import { RecentPromises } from "../stores/recent-promises.ts";

/** Thumbnail tables kept per isolate, by their blob key; each is a few hundred KB for 10k videos. */
const tables = new RecentPromises<ThumbnailTable | null>(2);

function unknown(name: string): ApiError {
  return new ApiError(404, "unknown_thumbnail", `no thumbnail named ${JSON.stringify(name.slice(0, 200))}`);
}

export const thumbnailRoutes = new Hono<AppEnv>().get("/:deployment/:name{.+}", async (c) => {
  const { deployment: id, name } = c.req.param();
  if (name.split("/").some((part) => part === ".." || part === ""))
    throw new ApiError(400, "bad_thumbnail", "thumbnail names are relative paths without '..'");
  const bucket = c.env.MODEL_BUCKET;
  const record = await deploymentById(bucket, readConfig(c.env), id);
  if (!record) throw unknown(`${id}/${name}`);
  const reader = r2BlobReader(bucket);
  const table = record.thumbnails
    ? await tables.get(record.thumbnails.table.key, () => readThumbnailTable(record, reader))
    : null;
  const bytes = await readThumbnail(record, table, reader, `thumbnails/${name}`);
  if (!bytes) throw unknown(name);
  return new Response(bytes, {
    headers: {
      "content-type": "image/jpeg",
      // A deployment never changes: its images can be cached for good.
      "cache-control": "public, max-age=31536000, immutable",
    },
  });
});

// Video-to-text and video-to-video: GET /api/videos/:id/captions?k=5 and /api/videos/:id/similar?k=10.
import { Hono } from "hono";
import { type AppEnv, keepAlive, readConfig } from "../config.ts";
import { ApiError } from "../http/api-error.ts";
import { parseK } from "../http/params.ts";
import { getStore } from "../stores/get-store.ts";
import { publicHit } from "./public-hit.ts";

function unknownVideo(id: string): ApiError {
  return new ApiError(404, "unknown_video", `no video with id ${JSON.stringify(id)} in the index`);
}

export const videoRoutes = new Hono<AppEnv>()
  .get("/:id/captions", async (c) => {
    const id = c.req.param("id");
    const k = parseK(c.req.query("k"), 5);
    const store = await getStore(c.env, readConfig(c.env), keepAlive(c));
    const captions = await store.captionsFor(id, k);
    if (!captions) throw unknownVideo(id);
    return c.json({ videoId: id, captions });
  })
  .get("/:id/similar", async (c) => {
    const id = c.req.param("id");
    const k = parseK(c.req.query("k"), 10);
    const store = await getStore(c.env, readConfig(c.env), keepAlive(c));
    const results = await store.similarTo(id, k);
    if (!results) throw unknownVideo(id);
    return c.json({ videoId: id, results: results.map(publicHit) });
  });

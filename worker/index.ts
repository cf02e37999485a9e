// Worker entry point: the Hono app serving the search API and web page; the config is checked at startup.
import { env } from "cloudflare:workers";
import { createApp } from "./app.ts";
import { readConfig, type WorkerEnv } from "./config.ts";

// A bad var (e.g. RATE_LIMIT = "true") stops the worker from starting, so `wrangler deploy` and
// `wrangler dev` fail with the message instead of serving with a silently different setting.
readConfig(env as WorkerEnv);

export default createApp();

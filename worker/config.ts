// Reads and checks the worker's vars (wrangler.toml [vars]) into a typed config with defaults, once per env.
import { keyPrefix } from "../shared/deployment/deployment-format.ts";
import { ApiError } from "./http/api-error.ts";

/** Environment of the worker: generated binding types plus the optional Vectorize binding. */
export type WorkerEnv = Env & { VECTORIZE?: Vectorize };

/** Hono generics of the app. */
export interface AppEnv {
  Bindings: WorkerEnv;
}

/** The request's waitUntil, for isolate-wide loads that must finish even if this request ends first. */
export function keepAlive(c: {
  executionCtx: { waitUntil(promise: Promise<unknown>): void };
}): (promise: Promise<unknown>) => void {
  return (promise) => c.executionCtx.waitUntil(promise);
}

export interface WorkerConfig {
  /** R2 key prefix of the model directory, ending in "/". */
  modelPrefix: string;
  /** R2 key prefix of the local index directory, ending in "/". */
  indexPrefix: string;
  store: "flat" | "vectorize";
  rateLimit: boolean;
  corsOrigin: string;
  /** Seconds an isolate keeps its reading of the deployment pointer before reading it again. */
  deploymentCheckSec: number;
}

/** One of `allowed` (case-insensitive), `fallback` when unset; anything else is a config error. */
function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  const found = allowed.find((option) => option === value.trim().toLowerCase());
  if (found === undefined)
    throw new ApiError(
      503,
      "bad_config",
      `${name} is ${JSON.stringify(value)}; set it to ${allowed.map((a) => JSON.stringify(a)).join(" or ")} in wrangler.toml [vars]`,
    );
  return found;
}

/** A whole number of seconds in [0, max], `fallback` when unset; anything else is a config error. */
function seconds(name: string, value: string | undefined, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || n > max)
    throw new ApiError(
      503,
      "bad_config",
      `${name} is ${JSON.stringify(value)}; set it to a whole number of seconds from 0 to ${max} in wrangler.toml [vars]`,
    );
  return n;
}

/** Vars cannot change within an isolate; keyed by the env object so that a different env gets its own. */
const configs = new WeakMap<WorkerEnv, WorkerConfig>();

/**
 * Config from the env vars, checked: STORE is flat|vectorize, RATE_LIMIT on|off (case-insensitive); any
 * other value throws ApiError 503 "bad_config" naming the var (worker/index.ts checks at startup, so a
 * deploy with a bad value fails; every request reports it too). Do not mutate the result.
 */
export function readConfig(env: WorkerEnv): WorkerConfig {
  let config = configs.get(env);
  if (!config) {
    config = {
      modelPrefix: keyPrefix(env.MODEL_PREFIX, "model/"),
      indexPrefix: keyPrefix(env.INDEX_PREFIX, "index/"),
      store: oneOf("STORE", env.STORE, ["flat", "vectorize"], "flat"),
      rateLimit: oneOf("RATE_LIMIT", env.RATE_LIMIT, ["on", "off"], "on") === "on",
      corsOrigin: env.CORS_ORIGIN || "*",
      deploymentCheckSec: seconds("DEPLOYMENT_CHECK_SEC", env.DEPLOYMENT_CHECK_SEC, 3600, 30),
    };
    configs.set(env, config);
  }
  return config;
}

// Reads the worker's vars (wrangler.toml [vars]) into a typed config with defaults, once per env object.

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
}

function withSlash(prefix: string | undefined, fallback: string): string {
  const value = prefix ?? fallback;
  return value === "" || value.endsWith("/") ? value : `${value}/`;
}

/** Vars cannot change within an isolate; keyed by the env object so that a different env gets its own. */
const configs = new WeakMap<WorkerEnv, WorkerConfig>();

/** Config from the env vars; unknown STORE values fall back to "flat". Do not mutate the result. */
export function readConfig(env: WorkerEnv): WorkerConfig {
  let config = configs.get(env);
  if (!config) {
    config = {
      modelPrefix: withSlash(env.MODEL_PREFIX, "model/"),
      indexPrefix: withSlash(env.INDEX_PREFIX, "index/"),
      store: env.STORE === "vectorize" ? "vectorize" : "flat",
      rateLimit: env.RATE_LIMIT === "on",
      corsOrigin: env.CORS_ORIGIN || "*",
    };
    configs.set(env, config);
  }
  return config;
}

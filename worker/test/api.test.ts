// End-to-end API tests in workerd: real ONNX Runtime Web inference on the fixture model, index in local R2.
// Every response is recorded and, at the end, validated against the served OpenAPI document (ajv, in Node).
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import type { WorkerEnv } from "../config.ts";
import { deploy, deployFixture, FIXTURE_MEDIA, fixtureFiles } from "./bucket.ts";
import {
  checkOpenApi,
  checkServedDocument,
  type Exchange,
  exchangeOf,
  servedDocument,
} from "./openapi-client.ts";

interface Hit {
  rank: number;
  videoId: string;
  score: number;
  title: string;
  thumbnail: string | null;
  moment: { startSec: number; endSec: number } | null;
}

const exchanges: Exchange[] = [];
/** Id of the fixture's deployment, once the first test has deployed it: "{live}" in paths stands for it. */
let live = "";

async function get(pathTemplate: string, init?: RequestInit) {
  const path = pathTemplate.replaceAll("{live}", live);
  const response = await SELF.fetch(`http://worker${path}`, init);
  const type = response.headers.get("content-type") ?? "";
  const body = type.includes("json")
    ? await response.json()
    : type.startsWith("image/")
      ? new Uint8Array(await response.arrayBuffer())
      : await response.text();
  exchanges.push(exchangeOf(init?.method ?? "GET", path, response, body));
  return { response, status: response.status, body: body as Record<string, unknown> };
}

const search = async (q: string, k = 10) => get(`/api/search?q=${encodeURIComponent(q)}&k=${k}`);
const ids = (body: Record<string, unknown>) => (body.results as Hit[]).map((r) => r.videoId);

// Tests share one isolate and bucket and run in order: the first ones see an empty bucket.
describe("worker API", () => {
  it("answers 503 until something is deployed, and while the model is incomplete or another model's", async () => {
    for (const response of [await search("red ball"), await get("/api/health?warm=1")]) {
      expect(response.status).toBe(503);
      expect((response.body.error as { code: string }).code).toBe("no_deployment");
    }
    const index = await fixtureFiles("index");
    const model = await fixtureFiles("model");
    const partial = new Map(model);
    partial.delete("edge.json");
    await deploy(index, partial);
    const missing = await search("red ball");
    expect([missing.status, (missing.body.error as { code: string }).code]).toEqual([503, "model_missing"]);
    const health = await get("/api/health?warm=1");
    expect(health.status).toBe(503);
    expect(health.body.error).toEqual({ code: "model_missing", message: expect.any(String) });
    expect((health.body.health as { status: string }).status).toBe("unavailable");
    // Health reflects whether search can work: a model other than the index's is a 503 (no encoder load).
    const edge = JSON.parse(new TextDecoder().decode(model.get("edge.json"))) as { model: { id: string } };
    const other = new Map(model);
    other.set(
      "edge.json",
      new TextEncoder().encode(JSON.stringify({ ...edge, model: { ...edge.model, id: "other/clip" } })),
    );
    await deploy(index, other);
    const mismatch = await get("/api/health");
    expect(mismatch.status).toBe(503);
    expect(mismatch.body.error).toEqual({
      code: "model_mismatch",
      message: expect.stringContaining("other/clip"),
    });
    live = await deployFixture();
    const ok = await get("/api/health");
    expect([ok.status, ok.body.deployment]).toEqual([200, live]);
    const found = await search("red ball");
    expect(found.status).toBe(200);
  });

  it("ranks the video of a toy query first, with its best moment and thumbnail", async () => {
    const { status, body } = await search("a red ball");
    expect(status).toBe(200);
    const results = body.results as Hit[];
    expect(results.map((r) => r.videoId)).toEqual(["red-ball.mp4", "blue-car.mp4", "green-tree.mp4"]);
    expect(results[0].score).toBeGreaterThan(0.9);
    expect(results[0].moment).toEqual({ startSec: 2, endSec: 4 });
    expect(results[0].thumbnail).toBe(`/api/thumbnails/${live}/0.jpg`);
    expect(results.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(body.model).toBe("fixture/tiny-clip");
    expect(Object.keys(body.tookMs as object).sort()).toEqual(["encode", "search", "tokenize"]);
    const car = await search("blue car", 1);
    expect((car.body.results as Hit[]).map((r) => r.videoId)).toEqual(["blue-car.mp4"]);
  });

  it("caches query embeddings and flags truncated queries", async () => {
    await search("green tree");
    const again = await search("  Green   TREE ");
    expect(again.body.cached).toBe(true);
    expect((again.body.results as Hit[])[0].videoId).toBe("green-tree.mp4");
    // The key is the text the tokenizer sees: U+FEFF is not a space to CLIP's tokenizer (it is to JS's \s).
    expect((await search("green\ufefftree")).body.cached).toBe(false);
    expect((await search("green\u00a0tree")).body.cached).toBe(true);
    const long = await search(`green ${"tree ".repeat(80)}`);
    expect(long.body.truncated).toBe(true);
    expect((await search("green tree")).body.truncated).toBeUndefined();
  });

  it("accepts POST with a filter", async () => {
    const { status, body } = await get("/api/search", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ q: "red ball", k: 5, filter: { videoId: ["green-tree.mp4", "blue-car.mp4"] } }),
    });
    expect(status).toBe(200);
    expect((body.results as Hit[]).map((r) => r.videoId)).toEqual(["blue-car.mp4", "green-tree.mp4"]);
  });

  it("returns the captions that describe a video", async () => {
    const { status, body } = await get("/api/videos/green-tree.mp4/captions?k=2");
    expect(status).toBe(200);
    const captions = body.captions as { text: string; videoId: string }[];
    expect(captions).toHaveLength(2);
    expect(captions[0]).toMatchObject({ text: "a green tree standing", videoId: "green-tree.mp4" });
    const red = await get("/api/videos/red-ball.mp4/captions");
    expect((red.body.captions as { videoId: string }[]).slice(0, 2).map((c) => c.videoId)).toEqual([
      "red-ball.mp4",
      "red-ball.mp4",
    ]);
  });

  it("returns similar videos without the video itself", async () => {
    const { status, body } = await get("/api/videos/red-ball.mp4/similar?k=10");
    expect(status).toBe(200);
    const ids = (body.results as Hit[]).map((r) => r.videoId);
    expect(ids.sort()).toEqual(["blue-car.mp4", "green-tree.mp4"]);
  });

  it("fills a missing url with the deployed media, served with HTTP Range, validators and caching", async () => {
    const [red, car] = (await search("a red ball", 2)).body.results as (Hit & { url: string | null })[];
    expect(red.url).toBe("https://example.com/red-ball.mp4");
    const sha = [...new Uint8Array(await crypto.subtle.digest("SHA-256", FIXTURE_MEDIA))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(car.url).toBe(`/api/media/${sha}.mp4`);
    const url = car.url as string;
    const bytes = async (response: Response) => [...new Uint8Array(await response.arrayBuffer())];
    const whole = await SELF.fetch(`http://worker${url}`);
    expect([whole.status, whole.headers.get("content-type"), whole.headers.get("accept-ranges")]).toEqual([
      200,
      "video/mp4",
      "bytes",
    ]);
    expect(whole.headers.get("cache-control")).toContain("immutable");
    expect(await bytes(whole)).toEqual([...FIXTURE_MEDIA]);
    const cases: [string, number, string | null, number[]][] = [
      ["bytes=0-9", 206, "bytes 0-9/1000", [...FIXTURE_MEDIA.slice(0, 10)]],
      ["bytes=990-", 206, "bytes 990-999/1000", [...FIXTURE_MEDIA.slice(990)]],
      ["bytes=-5", 206, "bytes 995-999/1000", [...FIXTURE_MEDIA.slice(995)]],
      ["bytes=500-5000", 206, "bytes 500-999/1000", [...FIXTURE_MEDIA.slice(500)]],
      ["bytes=1000-", 416, "bytes */1000", []],
      ["bytes=0-1,5-6", 200, null, [...FIXTURE_MEDIA]],
      ["items=0-1", 200, null, [...FIXTURE_MEDIA]],
    ];
    for (const [range, status, contentRange, body] of cases) {
      const response = await SELF.fetch(`http://worker${url}`, { headers: { range } });
      expect([range, response.status, response.headers.get("content-range"), await bytes(response)]).toEqual([
        range,
        status,
        contentRange,
        body,
      ]);
    }
    const etag = whole.headers.get("etag") as string;
    const again = await SELF.fetch(`http://worker${url}`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const stale = await SELF.fetch(`http://worker${url}`, {
      headers: { range: "bytes=0-1", "if-range": '"other"' },
    });
    expect(stale.status).toBe(200);
    const head = await SELF.fetch(`http://worker${url}`, { method: "HEAD" });
    expect([head.status, head.headers.get("content-length"), (await head.arrayBuffer()).byteLength]).toEqual([
      200,
      "1000",
      0,
    ]);
    for (const path of [
      `/api/media/${"0".repeat(64)}.mp4`,
      "/api/media/..%2Findex%2Fcurrent.json",
      "/api/media/x.mp4",
    ]) {
      const missing = await get(path);
      expect([path, missing.status, (missing.body.error as { code: string }).code]).toEqual([
        path,
        404,
        "unknown_media",
      ]);
    }
  });

  it("serves thumbnails, health, the OpenAPI spec and the page", async () => {
    const thumbnail = await get("/api/thumbnails/{live}/0.jpg");
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.response.headers.get("content-type")).toBe("image/jpeg");
    expect((thumbnail.body as unknown as Uint8Array).byteLength).toBeGreaterThan(100);
    const health = await get("/api/health");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: "ok",
      encoderLoaded: true,
      model: { id: "fixture/tiny-clip", dimension: 8 },
      index: { kind: "flat", counts: { videos: 3, vectors: 9, captions: 4 } },
    });
    expect((health.body.memory as { wasmHeapBytes: number }).wasmHeapBytes).toBeGreaterThan(0);
    // The cold start's steps, timed inside the isolate: the encoder's and the index's, in order.
    type Load = { startedAtEpochMs: number; checkpoints: { name: string; atMs: number }[] };
    const encoderLoad = (health.body.memory as { load: Load }).load;
    const indexLoad = (health.body.index as { load: Load }).load;
    const steps = (load: Load) => load.checkpoints.map((c) => c.name);
    expect([steps(encoderLoad), steps(indexLoad)]).toEqual([
      ["tokenizer", "read", "created", "released", "table"],
      ["read", "quantized", "scoring"],
    ]);
    for (const load of [encoderLoad, indexLoad]) {
      const atMs = load.checkpoints.map((c) => c.atMs);
      expect(atMs).toEqual([...atMs].sort((a, b) => a - b));
      expect(load.startedAtEpochMs).toBeLessThanOrEqual(Date.now());
    }
    const spec = await get("/api/openapi.json");
    expect(Object.keys(spec.body.paths as object)).toContain("/api/search");
    const page = await get("/");
    expect(page.body).toContain('<form id="search">');
    const script = await get("/page.js");
    expect(script.response.headers.get("content-type")).toContain("javascript");
  });

  it("answers CORS preflights for GET and POST", async () => {
    const { response } = await get("/api/search", {
      method: "OPTIONS",
      headers: { origin: "https://example.org", "access-control-request-method": "POST" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });

  const json = { "content-type": "application/json" };
  it.each([
    ["missing q", "/api/search", undefined, 400, "missing_query"],
    ["empty q", "/api/search?q=%20", undefined, 400, "missing_query"],
    ["q over 1000 chars", `/api/search?q=${"a".repeat(1001)}`, undefined, 400, "query_too_long"],
    ["k = 0", "/api/search?q=red&k=0", undefined, 400, "bad_k"],
    ["k = 101", "/api/search?q=red&k=101", undefined, 400, "bad_k"],
    ["k not a number", "/api/search?q=red&k=ten", undefined, 400, "bad_k"],
    ["malformed JSON", "/api/search", { method: "POST", headers: json, body: "{q:" }, 400, "bad_json"],
    ["JSON not an object", "/api/search", { method: "POST", headers: json, body: "[1]" }, 400, "bad_json"],
    ["q not a string", "/api/search", { method: "POST", headers: json, body: '{"q": 3}' }, 400, "bad_query"],
    [
      "bad filter",
      "/api/search",
      { method: "POST", headers: json, body: '{"q": "a", "filter": 3}' },
      400,
      "bad_filter",
    ],
    ["wrong content type", "/api/search", { method: "POST", body: "q=red" }, 415, "unsupported_media_type"],
    ["unknown video", "/api/videos/nope.mp4/captions", undefined, 404, "unknown_video"],
    ["unknown video (similar)", "/api/videos/nope.mp4/similar", undefined, 404, "unknown_video"],
    ["bad k on captions", "/api/videos/red-ball.mp4/captions?k=-1", undefined, 400, "bad_k"],
    ["unknown thumbnail", "/api/thumbnails/{live}/9.jpg", undefined, 404, "unknown_thumbnail"],
    ["unknown route", "/api/nothing", undefined, 404, "not_found"],
    ["wrong method", "/api/search", { method: "DELETE" }, 405, "method_not_allowed"],
    ["wrong method on health", "/api/health", { method: "POST" }, 405, "method_not_allowed"],
    ["k = 1e2", "/api/search?q=red&k=1e2", undefined, 400, "bad_k"],
    ["k = 0x10", "/api/search?q=red&k=0x10", undefined, 400, "bad_k"],
    ["k = ' 5'", "/api/search?q=red&k=%205", undefined, 400, "bad_k"],
    ["k = 5.0", "/api/search?q=red&k=5.0", undefined, 400, "bad_k"],
    ["k empty", "/api/search?q=red&k=", undefined, 400, "bad_k"],
    ["k twice", "/api/search?q=red&k=1&k=2", undefined, 400, "bad_k"],
    ["offset = -1", "/api/search?q=red&offset=-1", undefined, 400, "bad_offset"],
    ["offset = 1e1", "/api/search?q=red&offset=1e1", undefined, 400, "bad_offset"],
    [
      "offset + k past the flat store's 1000",
      "/api/search?q=red&offset=950&k=51",
      undefined,
      400,
      "bad_offset",
    ],
    ["offset on similar", "/api/videos/red-ball.mp4/similar?offset=x", undefined, 400, "bad_offset"],
    ["warm not 0/1", "/api/health?warm=yes", undefined, 400, "bad_warm"],
    [
      "content type application/jsonx",
      "/api/search",
      { method: "POST", headers: { "content-type": "application/jsonx" }, body: '{"q": "red"}' },
      415,
      "unsupported_media_type",
    ],
    [
      "content type +json",
      "/api/search",
      { method: "POST", headers: { "content-type": "application/vnd.api+json" }, body: '{"q": "red"}' },
      415,
      "unsupported_media_type",
    ],
    [
      "k 1.5 in JSON",
      "/api/search",
      { method: "POST", headers: json, body: '{"q": "red", "k": 1.5}' },
      400,
      "bad_k",
    ],
    [
      "body over 32 KiB (Content-Length)",
      "/api/search",
      { method: "POST", headers: json, body: JSON.stringify({ q: "red", pad: "x".repeat(32 * 1024) }) },
      413,
      "body_too_large",
    ],
    ["wrong method with a trailing slash", "/api/search/", { method: "DELETE" }, 405, "method_not_allowed"],
    [
      "wrong method on a thumbnail",
      "/api/thumbnails/{live}/0.jpg",
      { method: "POST" },
      405,
      "method_not_allowed",
    ],
    ["wrong method on the page", "/", { method: "POST" }, 405, "method_not_allowed"],
  ] as const)("%s -> JSON error", async (_name, path, init, status, code) => {
    const result = await get(path, init as RequestInit | undefined);
    expect(result.status).toBe(status);
    expect(result.body).toEqual({ error: { code, message: expect.any(String) } });
  });

  it("serves a path with a trailing slash as the path without it", async () => {
    const plain = await search("red ball", 3);
    const slash = await get("/api/search/?q=red%20ball&k=3");
    expect(slash.status).toBe(200);
    expect(ids(slash.body)).toEqual(ids(plain.body));
    expect((await get("/api/health/")).status).toBe(200);
    expect((await get("/api/videos/red-ball.mp4/similar/")).status).toBe(200);
  });

  it("pages results with offset: the store is asked for offset + k and the page keeps its ranks", async () => {
    const all = await search("a red ball", 3);
    const second = await get("/api/search?q=a%20red%20ball&k=1&offset=1");
    expect(second.status).toBe(200);
    expect(second.body.results).toEqual([{ ...(all.body.results as Hit[])[1], rank: 2 }]);
    const past = await get("/api/search?q=a%20red%20ball&k=5&offset=3");
    expect(past.body.results).toEqual([]);
    const posted = await get("/api/search", {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ q: "a red ball", k: 2, offset: 1 }),
    });
    expect(ids(posted.body)).toEqual(ids(all.body).slice(1, 3));
    const similar = await get("/api/videos/red-ball.mp4/similar?k=1&offset=1");
    expect((similar.body.results as Hit[]).map((r) => r.rank)).toEqual([2]);
    const captions = await get("/api/videos/red-ball.mp4/captions?k=1&offset=2");
    const allCaptions = await get("/api/videos/red-ball.mp4/captions?k=3");
    expect(captions.body.captions).toEqual([{ ...(allCaptions.body.captions as object[])[2], rank: 3 }]);
  });

  it("answers 405 with an Allow header derived from the routes", async () => {
    const cases: [string, string, string][] = [
      ["/api/search", "DELETE", "GET, HEAD, POST"],
      ["/api/health", "POST", "GET, HEAD"],
      ["/api/videos/x/captions", "PUT", "GET, HEAD"],
      ["/api/thumbnails/a/b.jpg", "DELETE", "GET, HEAD"],
      ["/api/openapi.json", "POST", "GET, HEAD"],
      ["/page.js", "PATCH", "GET, HEAD"],
    ];
    for (const [path, method, allow] of cases) {
      const { status, response } = await get(path, { method });
      expect([path, status, response.headers.get("allow")]).toEqual([path, 405, allow]);
    }
  });

  it("caps a streamed POST body at 32 KiB without Content-Length (413), and accepts a small one", async () => {
    // Chunks on demand, so that a refusal part-way leaves no write pending.
    const streamed = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.slice(at, at + 1024));
          at += 1024;
        },
      });
    };
    const big = await get("/api/search", {
      method: "POST",
      headers: json,
      body: streamed(JSON.stringify({ q: "red", pad: "x".repeat(64 * 1024) })),
    });
    expect([big.status, big.body]).toEqual([
      413,
      { error: { code: "body_too_large", message: expect.any(String) } },
    ]);
    const small = await get("/api/search", {
      method: "POST",
      headers: json,
      body: streamed('{"q": "red ball"}'),
    });
    expect(small.status).toBe(200);
  });

  it("sends CSP and frame-ancestors on the page, nosniff everywhere", async () => {
    const page = await get("/");
    const csp = page.response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    for (const path of [
      "/",
      "/page.js",
      "/api/search?q=red",
      "/api/nothing",
      "/api/thumbnails/{live}/0.jpg",
      "/api/health",
    ]) {
      const { response } = await get(path);
      expect([path, response.headers.get("x-content-type-options")]).toEqual([path, "nosniff"]);
    }
  });

  it("checks config values: RATE_LIMIT on/off in any case, anything else a 503 bad_config", async () => {
    const app = createApp();
    const request = async (path: string, vars: Partial<WorkerEnv>) => {
      const context = createExecutionContext();
      const response = await app.request(path, {}, { ...(env as unknown as WorkerEnv), ...vars }, context);
      await waitOnExecutionContext(context);
      const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
      exchanges.push(exchangeOf("GET", path, response, body));
      return { status: response.status, body };
    };
    for (const value of ["true", "yes", "", "0"]) {
      const { status, body } = await request("/api/search?q=red", { RATE_LIMIT: value });
      expect([value, status, body]).toEqual([
        value,
        503,
        { error: { code: "bad_config", message: expect.stringContaining("RATE_LIMIT") } },
      ]);
    }
    const health = await request("/api/health", { STORE: "vector" });
    expect([health.status, (health.body as { error: unknown }).error]).toEqual([
      503,
      { code: "bad_config", message: expect.stringContaining("STORE") },
    ]);
    expect((await request("/api/search?q=red", { RATE_LIMIT: "OFF" })).status).toBe(200);
  });

  it("counts only searches against the rate limit (RATE_LIMIT=ON): assets, page, health and spec are free", async () => {
    const calls: string[] = [];
    const limiter = {
      limit: async ({ key }: { key: string }) => {
        calls.push(key);
        return { success: calls.length <= 1 };
      },
    } as RateLimit;
    const app = createApp();
    const vars = { ...(env as unknown as WorkerEnv), RATE_LIMIT: "ON", RATE_LIMITER: limiter };
    const request = async (path: string) => {
      const context = createExecutionContext();
      const response = await app.request(path.replaceAll("{live}", live), {}, vars, context);
      await waitOnExecutionContext(context);
      await response.arrayBuffer();
      return response.status;
    };
    for (const path of ["/", "/page.js", "/api/openapi.json", "/api/health", "/api/thumbnails/{live}/0.jpg"])
      expect([path, await request(path), await request(path)]).toEqual([path, 200, 200]);
    expect(calls).toEqual([]);
    expect(await request("/api/search?q=red")).toBe(200);
    expect(await request("/api/search?q=red")).toBe(429);
    expect(await request("/api/videos/red-ball.mp4/similar")).toBe(429);
    expect(calls).toHaveLength(3);
  });

  it("serves an OpenAPI document that swagger-parser accepts and redocly's recommended rules pass", async () => {
    const report = await checkServedDocument();
    expect(report.swaggerParserError).toBeNull();
    expect(report.redocly.errors).toEqual([]);
    // Printed for the record (closing notes quote it): warnings are allowed, errors are not.
    console.log(
      `openapi: swagger-parser valid, redocly recommended ${report.redocly.errors.length} errors, ${report.redocly.warnings.length} warnings`,
      report.redocly.warnings,
    );
    const document = await servedDocument();
    const operations = Object.values(
      document.paths as Record<string, Record<string, { operationId?: string }>>,
    ).flatMap((methods) => Object.values(methods));
    expect(operations.length).toBe(14);
    expect(operations.every((operation) => typeof operation.operationId === "string")).toBe(true);
  });

  // Last: every response recorded above, checked against the document the app serves.
  it("answered every request above as the OpenAPI document describes (ajv)", async () => {
    expect(exchanges.length).toBeGreaterThan(60);
    expect(await checkOpenApi(exchanges)).toEqual([]);
  });
});

// End-to-end API tests in workerd: real ONNX Runtime Web inference on the fixture model, index in local R2.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { uploadFixture } from "./bucket.ts";

interface Hit {
  videoId: string;
  score: number;
  title: string;
  thumbnail: string | null;
  moment: { startSec: number; endSec: number } | null;
}

async function get(path: string, init?: RequestInit) {
  const response = await SELF.fetch(`http://worker${path}`, init);
  const type = response.headers.get("content-type") ?? "";
  const body = type.includes("json") ? await response.json() : await response.text();
  return { response, status: response.status, body: body as Record<string, unknown> };
}

const search = async (q: string, k = 10) => get(`/api/search?q=${encodeURIComponent(q)}&k=${k}`);

// Tests share one isolate and bucket and run in order: the first ones see an empty bucket.
describe("worker API", () => {
  it("answers 503 while the model is missing, then recovers once it is uploaded", async () => {
    await uploadFixture("index");
    const missing = await search("red ball");
    expect(missing.status).toBe(503);
    expect((missing.body.error as { code: string }).code).toBe("model_missing");
    const health = await get("/api/health?warm=1");
    expect(health.status).toBe(503);
    await uploadFixture("model");
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
    expect(results[0].thumbnail).toBe("/api/thumbnails/0.jpg");
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

  it("serves thumbnails, health, the OpenAPI spec and the page", async () => {
    const thumbnail = await SELF.fetch("http://worker/api/thumbnails/0.jpg");
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get("content-type")).toBe("image/jpeg");
    expect((await thumbnail.arrayBuffer()).byteLength).toBeGreaterThan(100);
    const health = await get("/api/health");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: "ok",
      encoderLoaded: true,
      model: { id: "fixture/tiny-clip", dimension: 8 },
      index: { kind: "flat", counts: { videos: 3, vectors: 9, captions: 4 } },
    });
    expect((health.body.memory as { wasmHeapBytes: number }).wasmHeapBytes).toBeGreaterThan(0);
    const spec = await get("/api/openapi.json");
    expect(Object.keys(spec.body.paths as object)).toContain("/api/search");
    const page = await get("/");
    expect(page.body).toContain('<form id="search">');
    const script = await SELF.fetch("http://worker/page.js");
    expect(script.headers.get("content-type")).toContain("javascript");
  });

  it("answers CORS preflights for GET and POST", async () => {
    const response = await SELF.fetch("http://worker/api/search", {
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
    ["unknown thumbnail", "/api/thumbnails/9.jpg", undefined, 404, "unknown_thumbnail"],
    ["unknown route", "/api/nothing", undefined, 404, "not_found"],
    ["wrong method", "/api/search", { method: "DELETE" }, 405, "method_not_allowed"],
    ["wrong method on health", "/api/health", { method: "POST" }, 405, "method_not_allowed"],
  ] as const)("%s -> %i JSON error", async (_name, path, init, status, code) => {
    const result = await get(path, init as RequestInit | undefined);
    expect(result.status).toBe(status);
    expect(result.body).toEqual({ error: { code, message: expect.any(String) } });
  });
});

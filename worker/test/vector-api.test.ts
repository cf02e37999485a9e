// Queries by vector in workerd (the browser's image/clip embeddings): POST /api/search {vector}, POST
// /api/captions, and the vision-tower routes (/api/model/vision, /api/model/files/:sha256), on the fixture
// deployment in local R2; every response is checked against the served OpenAPI document at the end.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../shared/deployment/sha256.ts";
import { npyToFloat32, parseNpy } from "../../shared/npy.ts";
import { createPrng } from "../../shared/prng.ts";
import { deploy, type Files, fixtureFiles } from "./bucket.ts";
import { checkOpenApi, type Exchange, exchangeOf } from "./openapi-client.ts";

const exchanges: Exchange[] = [];

async function request(path: string, init?: RequestInit) {
  const response = await SELF.fetch(`http://worker${path}`, init);
  const type = response.headers.get("content-type") ?? "";
  const body = type.includes("json") ? await response.json() : new Uint8Array(await response.arrayBuffer());
  exchanges.push(exchangeOf(init?.method ?? "GET", path, response, body));
  return { response, status: response.status, body: body as Record<string, unknown> };
}

/** POSTs `body` as JSON (a string is sent as it is, to carry what JSON.stringify would not write). */
const post = (path: string, body: unknown) =>
  request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const errorCode = (body: Record<string, unknown>) => (body.error as { code: string }).code;
const videoIds = (body: Record<string, unknown>) =>
  (body.results as { videoId: string }[]).map((r) => r.videoId);

/** Row `row` of the fixture index's vectors.npy (float16 on disk), as plain numbers. */
function storedRow(index: Files, row: number): number[] {
  const array = parseNpy(index.get("vectors.npy") as Uint8Array);
  const d = array.shape[1];
  return [...npyToFloat32(array).slice(row * d, (row + 1) * d)];
}

/** Bytes standing for a vision tower (the routes serve bytes; the ONNX inside is tested by prepare-edge). */
const VISION_BYTES = (() => {
  const prng = createPrng(15);
  return Uint8Array.from({ length: 3000 }, () => Math.floor(prng.next() * 256));
})();

/** The fixture model plus a vision tower of `bytes` described in edge.json. */
async function modelWithVision(bytes: Uint8Array): Promise<Files> {
  const model = new Map(await fixtureFiles("model"));
  const edge = JSON.parse(new TextDecoder().decode(model.get("edge.json")));
  edge.vision = {
    file: "vision_model.onnx",
    bytes: bytes.byteLength,
    sha256: await sha256Hex(bytes),
    dtype: "fp32",
    cosineMin: 1,
    cosineMean: 1,
    verifiedFrames: 4,
    imageSize: 224,
    preprocess: {
      shortestEdge: 224,
      cropSize: 224,
      mean: [0.48145466, 0.4578275, 0.40821073],
      std: [0.26862954, 0.26130258, 0.27577711],
    },
    dimension: edge.model.dimension,
  };
  model.set("edge.json", new TextEncoder().encode(JSON.stringify(edge)));
  model.set("vision_model.onnx", bytes);
  return model;
}

// Tests share one isolate and bucket and run in order.
describe("queries by vector", () => {
  it("ranks the video whose stored vector is the query first, scaled or not, with filters and paging", async () => {
    const index = await fixtureFiles("index");
    await deploy(index, await fixtureFiles("model"));
    // Rows per video: mean, then two segments (test/fixtures/tiny-clip.ts); row 6 is green-tree's mean.
    const green = storedRow(index, 6);
    const found = await post("/api/search", { vector: green, k: 3 });
    expect(found.status).toBe(200);
    expect(videoIds(found.body)[0]).toBe("green-tree.mp4");
    const first = (found.body.results as { score: number }[])[0];
    expect(first.score).toBeCloseTo(1, 2);
    expect(found.body).toMatchObject({
      model: "fixture/tiny-clip",
      cached: false,
      tookMs: { tokenize: 0, encode: 0 },
    });
    // The server normalizes: 1000x the vector ranks the same, with the same scores.
    const scaled = await post("/api/search", { vector: green.map((x) => x * 1000), k: 3 });
    expect(scaled.body.results).toEqual(found.body.results);
    const red = await post("/api/search", { vector: storedRow(index, 0), k: 1 });
    expect(videoIds(red.body)).toEqual(["red-ball.mp4"]);
    const filtered = await post("/api/search", {
      vector: green,
      filter: { videoId: ["red-ball.mp4", "blue-car.mp4"] },
    });
    expect(videoIds(filtered.body)).not.toContain("green-tree.mp4");
    const second = await post("/api/search", { vector: green, k: 1, offset: 1 });
    expect(second.body.results).toEqual([{ ...(found.body.results as object[])[1], rank: 2 }]);
    // Values near the float64 limits still normalize (scaled by the largest magnitude first).
    const huge = await post("/api/search", { vector: green.map((x) => x * 1e300), k: 3 });
    expect(videoIds(huge.body)).toEqual(videoIds(found.body));
  });

  it("describes a vector with the captions of the matching video first", async () => {
    const index = await fixtureFiles("index");
    const green = await post("/api/captions", { vector: storedRow(index, 6), k: 2 });
    expect(green.status).toBe(200);
    const results = green.body.results as { rank: number; text: string; videoId: string; score: number }[];
    expect(results.map((r) => r.rank)).toEqual([1, 2]);
    expect(results[0]).toMatchObject({ text: "a green tree standing", videoId: "green-tree.mp4" });
    const red = await post("/api/captions", { vector: storedRow(index, 0) });
    expect((red.body.results as { videoId: string }[]).slice(0, 2).map((r) => r.videoId)).toEqual([
      "red-ball.mp4",
      "red-ball.mp4",
    ]);
    const paged = await post("/api/captions", { vector: storedRow(index, 0), k: 1, offset: 1 });
    expect(paged.body.results).toEqual([{ ...(red.body.results as object[])[1], rank: 2 }]);
  });

  const eight = [1, 0, 0, 0, 0, 0, 0, 0];
  it.each([
    ["q and vector", "/api/search", { q: "red", vector: eight }, 400, "bad_vector"],
    ["neither q nor vector", "/api/search", { k: 3 }, 400, "missing_query"],
    ["a vector of the wrong length", "/api/search", { vector: [1, 0, 0] }, 400, "bad_vector"],
    ["a wrong length on captions", "/api/captions", { vector: [...eight, 0] }, 400, "bad_vector"],
    ["an empty vector", "/api/search", { vector: [] }, 400, "bad_vector"],
    ["an all-zero vector", "/api/search", { vector: eight.map(() => 0) }, 400, "bad_vector"],
    ["an all-zero vector on captions", "/api/captions", { vector: eight.map(() => 0) }, 400, "bad_vector"],
    ["NaN as a string", "/api/search", { vector: ["NaN", ...eight.slice(1)] }, 400, "bad_vector"],
    [
      "null for NaN (JSON.stringify's)",
      "/api/captions",
      { vector: [Number.NaN, ...eight.slice(1)] },
      400,
      "bad_vector",
    ],
    [
      "1e999 (Infinity after JSON.parse)",
      "/api/search",
      `{"vector": [1e999, 0, 0, 0, 0, 0, 0, 0]}`,
      400,
      "bad_vector",
    ],
    ["a vector that is not an array", "/api/search", { vector: "0.1,0.2" }, 400, "bad_vector"],
    ["more than 4096 numbers", "/api/search", { vector: new Array(4097).fill(0.5) }, 400, "bad_vector"],
    ["a huge k", "/api/search", { vector: eight, k: 1e9 }, 400, "bad_k"],
    ["a huge k on captions", "/api/captions", { vector: eight, k: 101 }, 400, "bad_k"],
    ["offset + k past the store", "/api/captions", { vector: eight, k: 100, offset: 950 }, 400, "bad_offset"],
    ["captions without a vector", "/api/captions", { k: 3 }, 400, "bad_vector"],
    [
      "a body over 32 KiB",
      "/api/captions",
      { vector: eight, pad: "x".repeat(32 * 1024) },
      413,
      "body_too_large",
    ],
  ] as const)("refuses %s", async (_name, path, body, status, code) => {
    const result = await post(path, body);
    expect([result.status, result.body]).toEqual([status, { error: { code, message: expect.any(String) } }]);
  });

  it("names the expected dimension when the length is wrong", async () => {
    const { body } = await post("/api/search", { vector: [1, 2, 3] });
    expect((body.error as { message: string }).message).toContain("dimension 8");
  });

  it("accepts a 1024-d vector's worth of full-precision JSON under the body limit", async () => {
    const prng = createPrng(4);
    const text = JSON.stringify({ vector: Array.from({ length: 1024 }, () => prng.next() * 2 - 1) });
    expect(text.length).toBeGreaterThan(16 * 1024);
    const { status, body } = await post("/api/search", text);
    // Past the body limit and the schema: only the model's dimension refuses it.
    expect([status, errorCode(body)]).toEqual([400, "bad_vector"]);
  });

  it("answers 409 no_captions for an index without captions", async () => {
    const index = new Map(await fixtureFiles("index"));
    index.delete("captions.npy");
    index.delete("captions.json");
    const manifest = JSON.parse(new TextDecoder().decode(index.get("manifest.json")));
    manifest.counts.captions = 0;
    index.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
    await deploy(index, await fixtureFiles("model"));
    const { status, body } = await post("/api/captions", { vector: storedRow(index, 0) });
    expect([status, errorCode(body)]).toEqual([409, "no_captions"]);
    // Search by vector still works there.
    expect((await post("/api/search", { vector: storedRow(index, 0) })).status).toBe(200);
  });
});

describe("the vision tower routes", () => {
  it("answers 404 no_vision_model for an edge model without a vision tower", async () => {
    await deploy(await fixtureFiles("index"), await fixtureFiles("model"));
    const { status, body } = await request("/api/model/vision");
    expect([status, errorCode(body)]).toEqual([404, "no_vision_model"]);
  });

  it("describes the deployed tower and serves its file immutable, with ETag, 304 and HEAD", async () => {
    await deploy(await fixtureFiles("index"), await modelWithVision(VISION_BYTES));
    const sha256 = await sha256Hex(VISION_BYTES);
    const { status, body } = await request("/api/model/vision");
    expect(status).toBe(200);
    expect(body).toEqual({
      modelId: "fixture/tiny-clip",
      dimension: 8,
      dtype: "fp32",
      bytes: VISION_BYTES.byteLength,
      sha256,
      url: `/api/model/files/${sha256}`,
      preprocess: {
        shortestEdge: 224,
        cropSize: 224,
        mean: [0.48145466, 0.4578275, 0.40821073],
        std: [0.26862954, 0.26130258, 0.27577711],
      },
      cosineMin: 1,
    });
    // The same id as the index's, which /api/health reports.
    const health = await request("/api/health");
    expect((health.body.index as { model: { id: string } }).model.id).toBe(body.modelId);
    const file = await request(body.url as string);
    expect(file.status).toBe(200);
    expect([...(file.body as unknown as Uint8Array)]).toEqual([...VISION_BYTES]);
    const headers = file.response.headers;
    expect(headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(headers.get("content-length")).toBe(String(VISION_BYTES.byteLength));
    expect(headers.get("content-type")).toBe("application/octet-stream");
    const etag = headers.get("etag") as string;
    expect(etag).toMatch(/^"/);
    const again = await request(body.url as string, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const head = await request(body.url as string, { method: "HEAD" });
    expect([
      head.status,
      head.response.headers.get("content-length"),
      head.response.headers.get("etag"),
    ]).toEqual([200, String(VISION_BYTES.byteLength), etag]);
    expect((head.body as unknown as Uint8Array).byteLength).toBe(0);
    // Any model file of the deployment, by its hash (here the text model's edge.json).
    const model = await modelWithVision(VISION_BYTES);
    const edgeSha = await sha256Hex(model.get("edge.json") as Uint8Array);
    expect((await request(`/api/model/files/${edgeSha}`)).status).toBe(200);
  });

  it("serves a replaced deployment's file while its record is kept, and nothing no deployment names", async () => {
    const oldSha = await sha256Hex(VISION_BYTES);
    const newer = VISION_BYTES.map((b) => 255 - b);
    await deploy(await fixtureFiles("index"), await modelWithVision(newer));
    const vision = await request("/api/model/vision");
    expect(vision.body.sha256).toBe(await sha256Hex(newer));
    // A page that read /api/model/vision before the deploy still gets its file (grace period).
    const old = await request(`/api/model/files/${oldSha}`);
    expect([old.status, (old.body as unknown as Uint8Array).byteLength]).toEqual([
      200,
      VISION_BYTES.byteLength,
    ]);
    for (const path of [
      `/api/model/files/${"0".repeat(64)}`,
      `/api/model/files/${oldSha.toUpperCase()}`,
      "/api/model/files/..%2F..%2Findex%2Fcurrent.json",
      "/api/model/files/x",
    ]) {
      const missing = await request(path);
      expect([path, missing.status, errorCode(missing.body)]).toEqual([path, 404, "unknown_model_file"]);
    }
    // The index's own blobs are not model files.
    const index = await fixtureFiles("index");
    const vectorsSha = await sha256Hex(index.get("vectors.npy") as Uint8Array);
    expect((await request(`/api/model/files/${vectorsSha}`)).status).toBe(404);
  });

  it("refuses a vision tower of a model other than the index's (503 model_mismatch)", async () => {
    const model = await modelWithVision(VISION_BYTES);
    const edge = JSON.parse(new TextDecoder().decode(model.get("edge.json")));
    edge.model.id = "other/clip";
    model.set("edge.json", new TextEncoder().encode(JSON.stringify(edge)));
    await deploy(await fixtureFiles("index"), model);
    const { status, body } = await request("/api/model/vision");
    expect([status, errorCode(body)]).toEqual([503, "model_mismatch"]);
  });

  it("answers 405 for other methods on the model routes", async () => {
    const { status, response } = await request("/api/model/vision", { method: "POST" });
    expect([status, response.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    const captions = await request("/api/captions", { method: "GET" });
    expect([captions.status, captions.response.headers.get("allow")]).toEqual([405, "POST"]);
  });

  // Last: every response above, as the OpenAPI document describes it.
  it("answered every request above as the OpenAPI document describes (ajv)", async () => {
    expect(exchanges.length).toBeGreaterThan(30);
    expect(await checkOpenApi(exchanges)).toEqual([]);
  });
});

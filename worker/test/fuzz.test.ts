// Seeded, bounded fuzzing of the whole app in workerd on a live deployment: random methods, paths (route
// shapes, odd encodings, long and deep names), query strings, headers and bodies (broken JSON, deep
// nesting, huge numbers, wrong types). Every answer must be a non-5xx, and every error JSON-shaped.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createPrng } from "../../shared/prng.ts";
import { createApp } from "../app.ts";
import type { WorkerEnv } from "../config.ts";
import { deploy, FIXTURE_MEDIA, fixtureFiles } from "./bucket.ts";

const REQUESTS = 1500;
const SEED = 20261207;
const prng = createPrng(SEED);
const pick = <T>(items: readonly T[]): T => items[prng.nextInt(items.length)];

const WORDS = [
  "red",
  "ball",
  "a",
  "",
  " ",
  "%",
  "%00",
  "%ff",
  "..",
  ".",
  "🎈",
  "\u202e",
  "null",
  "0",
  "-1",
  "1e309",
  "x".repeat(300),
];
const VIDEO_IDS = [
  "red-ball.mp4",
  "blue-car.mp4",
  "nope",
  "",
  "..%2F..",
  "a%2Fb",
  "%E0%A4%A",
  "x".repeat(2000),
];

function randomText(): string {
  const n = prng.nextInt(6);
  return Array.from({ length: n }, () => pick(WORDS)).join(pick([" ", "+", "%20", ""]));
}

function randomPath(deployment: string): string {
  const thumbnail = pick(["0.jpg", "9.jpg", "", "a/b.jpg", "..", "%2e%2e/x", "x".repeat(1100)]);
  const paths = [
    () =>
      `/api/search?q=${encodeURIComponent(randomText())}&k=${pick(["", "1", "0", "101", "1e2", "-3", "5.5", "abc", "10"])}&offset=${pick(["", "0", "999", "-1", "2"])}`,
    () => `/api/search?${randomText()}`,
    () => `/api/search/${randomText()}`,
    () =>
      `/api/videos/${pick(VIDEO_IDS)}/${pick(["captions", "similar", "", "x"])}?k=${pick(["2", "0", "x", ""])}`,
    () => `/api/thumbnails/${pick([deployment, "0000000000000000", "zz", ""])}/${thumbnail}`,
    () => `/api/media/${pick(["", "x.mp4", `${"a".repeat(64)}.mp4`, "..%2Fcurrent.json", "%"])}`,
    () => `/api/health?warm=${pick(["0", "1", "2", ""])}`,
    () =>
      pick([
        "/",
        "/page.js",
        "/favicon.ico",
        "/api/openapi.json",
        "/api",
        "/api/",
        "//api//search",
        "/%2e%2e/",
        "/nothing",
      ]),
    () => `/${"a/".repeat(prng.nextInt(300))}`,
  ];
  return pick(paths)();
}

function randomBody(): { body?: string; type?: string } {
  const bodies = [
    () =>
      JSON.stringify({
        q: randomText(),
        k: pick([1, 10, 0, 1000, 1.5, "3", null, -1, 1e308]),
        offset: pick([0, 5, -1, "x", undefined]),
      }),
    () =>
      JSON.stringify({
        q: randomText(),
        filter: pick([{ videoId: "red-ball.mp4" }, { videoId: [1, 2] }, 3, [], { a: { b: {} } }, null]),
      }),
    () => "[".repeat(5000),
    () => `{"q": ${"[".repeat(3000)}${"]".repeat(3000)}}`,
    () => `{"q": "${"\\u0000".repeat(50)}"}`,
    () => "{not json",
    () => "",
    () => JSON.stringify("just a string"),
    () => JSON.stringify({ q: "x".repeat(15_000) }),
    () => JSON.stringify({ q: "red", pad: "y".repeat(20_000) }),
  ];
  return {
    body: pick(bodies)(),
    type: pick([
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "application/jsonx",
      "",
      "multipart/form-data; boundary=x",
    ]),
  };
}

describe("fuzzing the app", () => {
  it(`answers ${REQUESTS} seeded random requests without a 5xx, errors as JSON`, async () => {
    const prefix = "fuzz/";
    const id = await deploy(await fixtureFiles("index"), await fixtureFiles("model"), {
      indexPrefix: prefix,
      media: { "blue-car.mp4": FIXTURE_MEDIA },
    });
    const app = createApp();
    const vars = {
      ...(env as unknown as WorkerEnv),
      INDEX_PREFIX: prefix,
      RATE_LIMIT: "off",
      DEPLOYMENT_CHECK_SEC: "30",
    };
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const method = pick(["GET", "GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]);
      const path = randomPath(id);
      const headers: Record<string, string> = {};
      let body: string | undefined;
      if (method === "POST" || method === "PUT" || method === "PATCH") {
        const random = randomBody();
        body = random.body;
        if (random.type) headers["content-type"] = random.type;
      }
      if (prng.next() < 0.2)
        headers.range = pick(["bytes=0-1", "bytes=-0", "bytes=5-1", "bytes=999999-", "lines=1"]);
      if (prng.next() < 0.1) headers.origin = pick(["https://example.com", "null", ""]);
      const context = createExecutionContext();
      let response: Response;
      try {
        response = await app.request(`http://worker${path}`, { method, headers, body }, vars, context);
        await waitOnExecutionContext(context);
      } catch (error) {
        failures.push(`${method} ${path.slice(0, 120)}: threw ${(error as Error).message}`);
        continue;
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const type = response.headers.get("content-type") ?? "";
      const text = method === "HEAD" ? "" : await response.text();
      if (response.status >= 500)
        failures.push(`${method} ${path.slice(0, 120)} -> ${response.status} ${text.slice(0, 200)}`);
      else if (response.status >= 400 && method !== "HEAD") {
        const ok =
          type.includes("json") &&
          typeof (JSON.parse(text) as { error?: { code?: unknown } }).error?.code === "string";
        if (!ok)
          failures.push(
            `${method} ${path.slice(0, 120)} -> ${response.status} not an error JSON: ${text.slice(0, 120)}`,
          );
      }
    }
    console.log(
      `fuzz (seed ${SEED}): ${REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(failures).toEqual([]);
    // The fuzzer reaches the working paths too, not only refusals.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);
  }, 120_000);
});

// Smoke test of `npm start`: the toy demo served by `wrangler dev` answers a toy caption with its video first
// and describes that video with its own captions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoServer, startDemoServer } from "./demo-server.ts";

interface SearchBody {
  results: {
    videoId: string;
    score: number;
    url: string | null;
    thumbnail: string | null;
    moment: { startSec: number; endSec: number } | null;
  }[];
  model: string;
}

let demo: DemoServer;

beforeAll(async () => {
  demo = await startDemoServer();
}, 240_000);

afterAll(async () => {
  await demo?.close();
});

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(demo.url + path);
  return { status: response.status, body: (await response.json()) as T };
}

describe("npm start (toy demo in wrangler dev)", () => {
  it("ranks each toy caption's video first", async () => {
    // One caption per video (queries.json lists each video's captions in a row).
    const picks = demo.queries.filter((q, i) => i === 0 || demo.queries[i - 1].videoId !== q.videoId);
    expect(picks.length).toBeGreaterThanOrEqual(3);
    for (const { query, videoId } of picks) {
      const { status, body } = await getJson<SearchBody>(`/api/search?k=3&q=${encodeURIComponent(query)}`);
      expect(status).toBe(200);
      expect(body.model).toBe("toy-clip");
      expect(body.results[0].videoId, query).toBe(videoId);
      expect(body.results[0].moment).not.toBeNull();
    }
  });

  it("serves every hit's video for playback, with HTTP Range, and its moment thumbnail", async () => {
    const { body } = await getJson<SearchBody>(
      `/api/search?k=10&q=${encodeURIComponent(demo.queries[0].query)}`,
    );
    expect(body.results).toHaveLength(6);
    for (const hit of body.results) {
      expect(hit.url, hit.videoId).toMatch(/^\/api\/media\/[0-9a-f]{64}\.mp4$/);
      expect(hit.thumbnail, hit.videoId).toMatch(/^\/api\/thumbnails\/[0-9a-f]{16}\//);
    }
    const url = demo.url + body.results[0].url;
    const whole = await fetch(url);
    expect([whole.status, whole.headers.get("content-type"), whole.headers.get("accept-ranges")]).toEqual([
      200,
      "video/mp4",
      "bytes",
    ]);
    const bytes = new Uint8Array(await whole.arrayBuffer());
    // An MP4 starts with its ftyp box.
    expect(new TextDecoder().decode(bytes.slice(4, 8))).toBe("ftyp");
    const part = await fetch(url, { headers: { range: "bytes=100-199" } });
    expect([part.status, part.headers.get("content-range")]).toEqual([206, `bytes 100-199/${bytes.length}`]);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(100, 200));
    const thumbnail = await fetch(demo.url + body.results[0].thumbnail);
    expect([thumbnail.status, thumbnail.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
  });

  it("describes a video with its own captions first (video-to-text)", async () => {
    const { videoId } = demo.queries[0];
    const { status, body } = await getJson<{ captions: { text: string; videoId: string }[] }>(
      `/api/videos/${encodeURIComponent(videoId)}/captions?k=2`,
    );
    expect(status).toBe(200);
    expect(body.captions[0].videoId).toBe(videoId);
    expect(demo.queries.filter((q) => q.videoId === videoId).map((q) => q.query)).toContain(
      body.captions[0].text,
    );
  });

  it("reports a healthy worker with the demo's counts", async () => {
    const { status, body } = await getJson<{ status: string; index: { counts: { videos: number } } }>(
      "/api/health?warm=1",
    );
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.index.counts.videos).toBe(6);
  });
});

// Smoke test of `npm start`: the toy demo served by `wrangler dev` answers a toy caption with its video first
// and describes that video with its own captions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoServer, startDemoServer } from "./demo-server.ts";

interface SearchBody {
  results: { videoId: string; score: number; moment: { startSec: number; endSec: number } | null }[];
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

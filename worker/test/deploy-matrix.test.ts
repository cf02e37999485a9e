// The interrupted-deploy matrix in workerd: deployment A live, then deployment B (other vectors, titles,
// thumbnails and edge.json) applied one object at a time, with the worker queried after every single
// object: each answer is all A or all B (hit, title, thumbnail bytes, model), never a mix.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { encodeNpy, parseNpy } from "../../shared/npy.ts";
import { createApp } from "../app.ts";
import type { WorkerEnv } from "../config.ts";
import { applyStep, deploy, deploymentInput, type Files, fixtureFiles, planOnBucket } from "./bucket.ts";

const PREFIX = "matrix/";
const MODEL_PREFIX = "matrix-model/";
const app = createApp();
const vars = {
  ...(env as unknown as WorkerEnv),
  INDEX_PREFIX: PREFIX,
  MODEL_PREFIX,
  RATE_LIMIT: "off",
  DEPLOYMENT_CHECK_SEC: "0",
};

async function request(path: string): Promise<Response> {
  const context = createExecutionContext();
  const response = await app.request(path, {}, vars, context);
  await waitOnExecutionContext(context);
  return response;
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** B: the vectors of video 0 and 1 exchanged (rows 0-2 and 3-5), new titles and thumbnails, edge.json changed. */
function versionB(index: Files, model: Files): { index: Files; model: Files } {
  const b = new Map(index);
  const vectors = parseNpy(index.get("vectors.npy") as Uint8Array);
  const [rows, d] = vectors.shape;
  const data = vectors.data.slice() as typeof vectors.data;
  expect(rows).toBe(9);
  for (let j = 0; j < 3 * d; j++) [data[j], data[3 * d + j]] = [data[3 * d + j], data[j]];
  b.set("vectors.npy", encodeNpy({ ...vectors, data } as typeof vectors));
  const videos = JSON.parse(text(index.get("videos.json"))) as { title: string }[];
  b.set("videos.json", bytesOf(videos.map((video) => ({ ...video, title: `B: ${video.title}` }))));
  for (const [name, bytes] of index)
    if (name.startsWith("thumbnails/")) b.set(name, new Uint8Array([...bytes, 0x42]));
  const m = new Map(model);
  m.set("edge.json", bytesOf({ ...JSON.parse(text(model.get("edge.json"))), note: "version B" }));
  return { index: b, model: m };
}

interface Answer {
  videoId: string;
  title: string;
  thumbnailDeployment: string;
  thumbnailBytes: number[];
  health: string;
}

async function answer(): Promise<Answer> {
  const search = await request("/api/search?q=a%20red%20ball&k=1");
  expect(search.status).toBe(200);
  const [hit] = (
    (await search.json()) as { results: { videoId: string; title: string; thumbnail: string }[] }
  ).results;
  const thumbnail = await request(hit.thumbnail);
  expect(thumbnail.status).toBe(200);
  const health = (await (await request("/api/health")).json()) as { deployment: string };
  return {
    videoId: hit.videoId,
    title: hit.title,
    thumbnailDeployment: hit.thumbnail.split("/")[3],
    thumbnailBytes: [...new Uint8Array(await thumbnail.arrayBuffer())],
    health: health.deployment,
  };
}

describe("a deploy interrupted after every object", () => {
  it("serves all of A, then all of B from the pointer switch on, never a mix", async () => {
    const indexA = await fixtureFiles("index");
    const modelA = await fixtureFiles("model");
    const options = { indexPrefix: PREFIX, modelPrefix: MODEL_PREFIX };
    const idA = await deploy(indexA, modelA, options);
    const a = await answer();
    expect(a).toMatchObject({
      videoId: "red-ball.mp4",
      title: "Red ball",
      thumbnailDeployment: idA,
      health: idA,
    });
    const b = versionB(indexA, modelA);
    const plan = await planOnBucket(await deploymentInput(b.index, b.model, options));
    const idB = plan.record.id;
    const matrix: string[] = [];
    for (const step of plan.steps) {
      await applyStep(step);
      const now = await answer();
      const which = now.health === idA ? a : null;
      if (which) expect(now).toEqual(a);
      else {
        expect(now).toMatchObject({
          videoId: "blue-car.mp4",
          title: "B: Blue car",
          thumbnailDeployment: idB,
          health: idB,
        });
        expect(now.thumbnailBytes.at(-1)).toBe(0x42);
      }
      matrix.push(`${step.kind === "put" ? step.what : step.kind}: ${which ? "A" : "B"}`);
    }
    // Printed for the closing note: object x outcome.
    console.log(`interrupted-deploy matrix (${plan.steps.length} steps):\n${matrix.join("\n")}`);
    const pointerAt = plan.steps.findIndex((step) => step.kind === "put" && step.what === "pointer (switch)");
    expect(matrix.map((line) => line.endsWith(": B"))).toEqual(plan.steps.map((_, i) => i >= pointerAt));
  });
});

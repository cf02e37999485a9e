// `upload` end to end against a local fake of the Vectorize REST API: contract, faults, retries,
// failure reporting and secrecy of the credentials.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureIndex } from "../../../test/fixtures/factory.ts";
import {
  FAKE_ACCOUNT_ID,
  type FakeVectorize,
  fakeVectorizePerTest,
} from "../../../test/fixtures/fake-vectorize-server.ts";
import { recordingContext, runCli } from "../../../test/indexer-fixtures.ts";
import { createUploadCommand } from "../../commands/upload.ts";
import { writeIndexAtomically } from "../../index/writer.ts";
import { buildVectorRecords } from "./records.ts";
import type { UploadSummary } from "./upload-index.ts";

const ACCOUNT = FAKE_ACCOUNT_ID;
const TOKEN = "test-token-Zq8Xw2Lm9Pv4Rt7Ys1Kd";
const DIMENSION = 16;
const INDEX = fixtureIndex({
  kind: "synthetic",
  videos: 7,
  dimension: DIMENSION,
  aggregations: ["mean", "kmeans:2"],
  segmentsPerVideo: 3,
  captionsPerVideo: 2,
  seed: 42,
});
const EXPECTED_IDS = (await buildVectorRecords(INDEX)).map((record) => record.id);

let dir = "";
let sleeps: number[] = [];
const vectorize = fakeVectorizePerTest({ token: TOKEN, indexName: "clips", dimensions: DIMENSION });
const startFake = vectorize.start;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "upload-test-"));
  await writeIndexAtomically(join(dir, "index"), INDEX);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command with injected env and instant, recorded sleeps; InputError propagates. */
async function runUpload(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}) {
  sleeps = [];
  const recording = recordingContext();
  const command = createUploadCommand({
    env: options.env ?? vectorize.env(),
    timeoutMs: options.timeoutMs ?? 5000,
    retry: {
      maxAttempts: 4,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  });
  const status = await command.run([join(dir, "index"), ...args], recording.context);
  return { status, stdout: recording.stdout(), stderr: recording.stderr() };
}

function expectEveryVectorOnce(server: FakeVectorize, ids = EXPECTED_IDS) {
  expect(server.violations).toEqual([]);
  expect([...server.arrivals.keys()].sort()).toEqual([...ids].sort());
  expect([...server.arrivals.values()].every((count) => count === 1)).toBe(true);
}

describe("upload to Vectorize", () => {
  it("upserts every vector once, in batches, with the documented record shape", async () => {
    const server = await startFake();
    const { status, stdout, stderr } = await runUpload([
      "--vectorize",
      "clips",
      "--batch-size",
      "10",
      "--json",
    ]);
    expect(status).toBe(0);
    expectEveryVectorOnce(server);
    expect(EXPECTED_IDS).toHaveLength(7 * (1 + 2 + 3) + 14);
    const summary = JSON.parse(stdout) as UploadSummary;
    expect(summary.batches).toBe(Math.ceil(EXPECTED_IDS.length / 10));
    expect(summary.mutationIds).toHaveLength(summary.batches);
    expect(summary.namespaces).toEqual({ video: 21, segment: 21, caption: 14 });
    expect(summary.failed).toEqual([]);
    expect(stderr).toBe("");
    const first = server.stored.get("video-0.mp4");
    expect(first?.namespace).toBe("video");
    expect(first?.metadata).toMatchObject({ videoId: "video-0.mp4", aggregation: "mean" });
    expect(first?.values.map((v) => Math.fround(v))).toEqual(
      Array.from(INDEX.vectors.subarray(0, DIMENSION)),
    );
    expect(server.stored.get("video-3.mp4@2")?.metadata).toMatchObject({ startSec: 4, endSec: 6 });
  });

  it("prints progress and mutation ids on stderr without --json", async () => {
    await startFake();
    const { status, stdout, stderr } = await runUpload(["--vectorize", "clips", "--batch-size", "20"]);
    expect(status).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toContain("batch 3/3 done (56/56 vectors)");
    expect(stderr).toMatch(/mutation ids: 0{8}-0{4}-4000-8000-0{11}1, .*3\n/);
  });

  it("retries 429 (after Retry-After), 500, dropped connections and timeouts", async () => {
    const faults: Record<number, "429" | "500" | "drop" | "slow"> = {
      1: "429",
      2: "500",
      4: "drop",
      5: "slow",
      7: "429",
    };
    const server = await startFake({ retryAfterSec: 7, fault: (n) => faults[n] });
    const { status, stderr } = await runUpload(["--vectorize", "clips", "--batch-size", "15"], {
      timeoutMs: 300,
    });
    expect(status).toBe(0);
    expectEveryVectorOnce(server);
    expect(server.upsertRequests).toBe(4 + 5);
    expect(sleeps.filter((ms) => ms >= 7000)).toHaveLength(2);
    expect(stderr).toContain("HTTP 429");
    expect(stderr).toContain("HTTP 500");
    expect(stderr).toMatch(/connection failed/);
    expect(stderr).toContain("no answer within 300 ms");
  });

  it("reports a batch that keeps failing with its ids, exits 1, and never prints the token", async () => {
    const doomed = "video-2.mp4";
    const server = await startFake({
      fault: (_n, ids) => (ids.includes(doomed) ? "500-echo-auth" : undefined),
    });
    const batchSize = 10;
    const { status, stdout, stderr } = await runUpload([
      "--vectorize",
      "clips",
      "--batch-size",
      String(batchSize),
      "--json",
    ]);
    expect(status).toBe(1);
    const summary = JSON.parse(stdout) as UploadSummary;
    const batchOfDoomed = Math.floor(EXPECTED_IDS.indexOf(doomed) / batchSize);
    const doomedIds = EXPECTED_IDS.slice(batchOfDoomed * batchSize, (batchOfDoomed + 1) * batchSize);
    expect(summary.failed).toEqual([
      {
        batch: batchOfDoomed + 1,
        ids: doomedIds,
        error: expect.stringContaining("after 4 attempts"),
        skipped: false,
        kind: "upsert",
      },
    ]);
    expect(summary.failed[0].error).toContain("[redacted-token]");
    expect(summary.mutationIds).toHaveLength(summary.batches - 1);
    expectEveryVectorOnce(
      server,
      EXPECTED_IDS.filter((id) => !doomedIds.includes(id)),
    );
    for (const output of [stdout, stderr]) {
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(ACCOUNT);
    }

    // The rerun resumes from the ledger: only the failed batch is left to send (batch 1 of 1 now).
    const text = await runUpload(["--vectorize", "clips", "--batch-size", String(batchSize)]);
    expect(text.status).toBe(1);
    expect(text.stderr).toContain(`failed batch 1 (${batchSize} vectors)`);
    expect(text.stderr).toContain(doomedIds.slice(0, 3).join(", "));
    expect(text.stderr).not.toContain(TOKEN);
  });

  it("stops sending after repeated failures and lists the skipped ids", async () => {
    await startFake({ fault: () => "500" });
    const { status, stdout } = await runUpload(["--vectorize", "clips", "--batch-size", "10", "--json"]);
    expect(status).toBe(1);
    const summary = JSON.parse(stdout) as UploadSummary;
    expect(summary.failed.map((f) => f.skipped)).toEqual([false, false, false, true, true, true]);
    expect(summary.failed.flatMap((f) => f.ids)).toEqual(EXPECTED_IDS);
    expect(summary.mutationIds).toEqual([]);
  });

  it("refuses a Vectorize index of another dimension before sending vectors", async () => {
    const server = await startFake({ dimensions: 512 });
    await expect(runUpload(["--vectorize", "clips"])).rejects.toThrow(/512 dimensions .* has 16/);
    expect(server.upsertRequests).toBe(0);
  });

  it("explains a rejected token or a missing index without printing secrets", async () => {
    await startFake();
    const wrong = vectorize.env({ CLOUDFLARE_API_TOKEN: "wrong-token-123" });
    const auth = runUpload(["--vectorize", "clips"], { env: wrong });
    await expect(auth).rejects.toThrow(/refused the request \(HTTP 401.*Vectorize Write/);
    await expect(auth).rejects.not.toThrow(/wrong-token-123|0123456789abcdef/);
    await expect(runUpload(["--vectorize", "other"])).rejects.toThrow(
      /"other" was not found.*wrangler vectorize create/,
    );
  });

  it("takes credentials only from the environment", async () => {
    await expect(runUpload(["--vectorize", "clips"], { env: {} })).rejects.toThrow(
      /set CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN in the environment/,
    );
    await expect(runUpload(["--vectorize", "clips", "--token", TOKEN])).rejects.toThrow(
      /Unknown option '--token'/,
    );
  });

  it("builds the batches on --dry-run without credentials or network (through the CLI)", async () => {
    const { code: status, stdout } = await runCli(
      ["upload", join(dir, "index"), "--vectorize", "clips", "--dry-run", "--no-ledger", "--json"],
      { verbose: false },
    );
    expect(status).toBe(0);
    const summary = JSON.parse(stdout) as UploadSummary;
    expect(summary).toMatchObject({
      dryRun: true,
      vectors: EXPECTED_IDS.length,
      batches: 1,
      mutationIds: [],
      failed: [],
    });
    expect(summary.bytes).toBeGreaterThan(EXPECTED_IDS.length * DIMENSION * 5);
  });
});

/** A same-origin front of `target` that answers the first upsert with `status` to the same path + "?moved". */
async function startRedirectingFront(target: string, status: 307 | 308) {
  const { createServer } = await import("node:http");
  let redirected = 0;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = request.url ?? "/";
    if (path.endsWith("/upsert") && redirected === 0) {
      redirected++;
      response.writeHead(status, { location: `${path}?moved` });
      response.end();
      return;
    }
    const answer = await fetch(`${target}${path.replace("?moved", "")}`, {
      method: request.method,
      headers: {
        authorization: String(request.headers.authorization),
        "content-type": "application/x-ndjson",
      },
      body: request.method === "POST" ? Buffer.concat(chunks) : undefined,
    });
    response.writeHead(answer.status, { "content-type": "application/json" });
    response.end(await answer.text());
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    redirects: () => redirected,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe("upload through redirects and with --timeout", () => {
  it.each([307, 308] as const)("re-sends the same body after a %i redirect", async (status) => {
    const server = await startFake();
    const front = await startRedirectingFront(server.baseUrl, status);
    try {
      const result = await runUpload(["--vectorize", "clips", "--batch-size", "5000"], {
        env: vectorize.env({ CLOUDFLARE_API_BASE_URL: front.baseUrl }),
      });
      expect(result.stderr).not.toContain("failed");
      expect(result.status).toBe(0);
      expect(front.redirects()).toBe(1);
      expectEveryVectorOnce(server);
    } finally {
      await front.close();
    }
  });

  it("gives up on a silent server after --timeout seconds, attempt by attempt", async () => {
    await startFake({ fault: () => "slow" });
    const started = performance.now();
    const { status, stderr } = await runUpload(["--vectorize", "clips", "--timeout", "1"], {
      timeoutMs: 60_000,
    });
    expect(status).toBe(1);
    expect(stderr).toContain("no answer within 1000 ms");
    // 4 attempts (the test's retry policy) of 1 s each; sleeps between them are instant here.
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it.each([["0"], ["3601"], ["1.5"], ["soon"]])("refuses --timeout %s with exit 2", async (value) => {
    const { code: status } = await runCli(
      ["upload", join(dir, "index"), "--vectorize", "clips", "--dry-run", "--timeout", value],
      { verbose: false },
    );
    expect(status).toBe(2);
  });
});

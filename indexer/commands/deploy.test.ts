// `deploy`: --dry-run lists the objects of an atomic deploy for the toy model and a tiny index; mismatches
// and wrangler failures stop with exit 2 and a message saying what to do.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureIndex, fixtureModel } from "../../test/fixtures/factory.ts";
import { runCli as runTestCli } from "../../test/indexer-fixtures.ts";
import { TOY_DEFAULT_DIM, TOY_MODEL_ID } from "../demo/toy-model.ts";
import { writeIndexAtomically } from "../index/writer.ts";
import { wranglerHint } from "../publish/deploy/run-wrangler.ts";

let dir: string;
let model: string;
let index: string;

/** Runs the CLI; returns the exit status and what it printed. */
async function cli(args: string[]) {
  const { code: status, stdout, stderr } = await runTestCli(args, { verbose: false });
  return { status, stdout, stderr };
}

/** Index of `dimension`-d vectors claiming `modelId`, with one thumbnail (a nested key with a Content-Type). */
async function writeTinyIndex(out: string, modelId: string, dimension = TOY_DEFAULT_DIM) {
  const thumbnails = [new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), null];
  await writeIndexAtomically(
    out,
    fixtureIndex({ kind: "synthetic", videos: 2, dimension, captionsPerVideo: 1, modelId, thumbnails }),
  );
}

/** Relative paths of every file under `root`, "/"-separated. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((path) => statSync(join(root, path)).isFile())
    .map((path) => path.split("\\").join("/"))
    .sort();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "deploy-test-"));
  model = join(dir, "toy-model");
  index = join(dir, "index");
  await fixtureModel({ kind: "toy", dir: model });
  await writeTinyIndex(index, TOY_MODEL_ID);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("deploy --dry-run", () => {
  it("lists the objects of an atomic deploy: ledger, blobs, record, pointer last, then wrangler deploy", async () => {
    const cache = join(dir, "cache");
    const { status, stdout, stderr } = await cli([
      "deploy",
      "--model",
      model,
      "--index",
      index,
      "--cache",
      cache,
      "--dry-run",
    ]);
    expect(stderr).toContain("prepare-edge");
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("npx wrangler deploy");
    const puts = lines.slice(0, -1).map((line) => {
      const [verb, key, bytes, ...what] = line.split(" ");
      expect(verb).toBe("put");
      return { key, bytes: Number(bytes), what: what.join(" ") };
    });
    const [edgeDir] = readdirSync(cache).map((name) => join(cache, name));
    const bucket = "clip-video-retrieval/";
    expect(puts.map((p) => p.what)).toEqual([
      "ledger (pending deployment)",
      ...filesUnder(edgeDir).map((name) => `model ${name}`),
      ...["manifest.json", "videos.json", "rows.json", "vectors.npy", "captions.json", "captions.npy"].map(
        (name) => `index ${name}`,
      ),
      "thumbnail pack 1/1",
      "thumbnail table",
      "deployment record",
      "pointer (switch)",
      "ledger (live deployment)",
    ]);
    for (const put of puts.filter((p) => p.what.startsWith("model ")))
      expect(put.key).toMatch(new RegExp(`^${bucket}model/blobs/[0-9a-f]{64}$`));
    for (const put of puts.filter((p) => p.what.startsWith("index ") || p.what.startsWith("thumbnail")))
      expect(put.key).toMatch(new RegExp(`^${bucket}index/blobs/[0-9a-f]{64}$`));
    expect(puts.find((p) => p.what === "index vectors.npy")?.bytes).toBe(
      statSync(join(index, "vectors.npy")).size,
    );
    expect(puts.find((p) => p.what === "deployment record")?.key).toMatch(
      new RegExp(`^${bucket}index/deployments/[0-9a-f]{16}\\.json$`),
    );
    expect(puts.find((p) => p.what === "pointer (switch)")?.key).toBe(`${bucket}index/current.json`);
    // Nothing of the index directory but the files the worker reads (no sync.json, journal, temp files).
    expect(puts.some((p) => p.what.includes("sync"))).toBe(false);
  });

  it("deploys a prepared encoder directory as it is, to the --bucket given", async () => {
    const edge = join(dir, "edge");
    await cli(["prepare-edge", "--model", model, "--out", edge]);
    const { status, stdout } = await cli([
      "deploy",
      "--model",
      edge,
      "--index",
      index,
      "--bucket",
      "my-videos",
      "--dry-run",
    ]);
    expect(status).toBe(0);
    const puts = stdout.split("\n").filter((line) => line.startsWith("put "));
    expect(puts.filter((line) => line.includes(" model "))).toHaveLength(filesUnder(edge).length);
    expect(puts.every((line) => line.startsWith("put my-videos/"))).toBe(true);
  });
});

describe("deploy refuses", () => {
  it("an index built with another model, with exit 2, before preparing or uploading anything", async () => {
    const other = join(dir, "other-index");
    await writeTinyIndex(other, "other/clip");
    const cache = join(dir, "mismatch-cache");
    const { status, stdout, stderr } = await cli([
      "deploy",
      "--model",
      model,
      "--index",
      other,
      "--cache",
      cache,
      "--dry-run",
    ]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`built with model "other/clip" but the text encoder is "${TOY_MODEL_ID}"`);
    expect(existsSync(cache)).toBe(false);
  });

  it.each(["", " ", "0x10", "1e3", "two"])(
    "--keep-hours %j, with exit 2, before anything is prepared",
    async (hours) => {
      const cache = join(dir, "keep-hours-cache");
      const { status, stderr } = await cli([
        "deploy",
        "--model",
        model,
        "--index",
        index,
        "--cache",
        cache,
        "--keep-hours",
        hours,
        "--dry-run",
      ]);
      expect(status).toBe(2);
      expect(stderr.trimEnd()).toBe(`error: --keep-hours must be a number of hours >= 0, got "${hours}"`);
      expect(existsSync(cache)).toBe(false);
    },
  );

  it("a malformed manifest.json, with exit 2 and a one-line message", async () => {
    const broken = join(dir, "broken-index");
    mkdirSync(broken);
    writeFileSync(join(broken, "manifest.json"), "{ not json");
    const { status, stdout, stderr } = await cli([
      "deploy",
      "--model",
      model,
      "--index",
      broken,
      "--dry-run",
    ]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`invalid index ${broken}: manifest.json is not valid JSON`);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it.each([
    [[], /give --model DIR and --index INDEX_DIR/],
    [["--model", "MODEL", "--index", "/nonexistent/index"], /not an index directory/],
    [["--model", "MODEL", "--index", "INDEX", "--bucket", "Bad_Name"], /--bucket must be an R2 bucket name/],
    [["--model", "/nonexistent/model", "--index", "INDEX"], /model directory .* does not exist/],
  ])("%j with exit 2", async (args, message) => {
    const paths: Record<string, string> = { MODEL: model, INDEX: index };
    const { status, stderr } = await cli(["deploy", ...args.map((arg) => paths[arg] ?? arg)]);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
  });

  it("stops at the first read of the bucket when wrangler has no credentials, naming the object and the fix", async () => {
    // No token in the environment and an empty config folder: wrangler cannot authenticate (and fails
    // before any network request, since stdin is not interactive).
    const home = join(dir, "home");
    mkdirSync(home);
    for (const name of [
      "CLOUDFLARE_API_TOKEN",
      "CLOUDFLARE_API_KEY",
      "CLOUDFLARE_EMAIL",
      "CLOUDFLARE_ACCOUNT_ID",
    ])
      vi.stubEnv(name, undefined);
    vi.stubEnv("HOME", home);
    vi.stubEnv("XDG_CONFIG_HOME", join(home, ".config"));
    vi.stubEnv("WRANGLER_SEND_METRICS", "false");
    try {
      const { status, stdout, stderr } = await cli([
        "deploy",
        "--model",
        join(dir, "edge"),
        "--index",
        index,
      ]);
      expect(status).toBe(2);
      expect(stdout).toBe("");
      // The first remote call reads the bucket's ledger: nothing is written.
      expect(stderr).not.toContain("[1/");
      expect(stderr).toMatch(/reading index\/(ledger|current)\.json failed/);
      expect(stderr).toContain("CLOUDFLARE_API_TOKEN");
      expect(stderr).toContain("npx wrangler login");
    } finally {
      vi.unstubAllEnvs();
    }
  }, 60_000);
});

describe("wranglerHint", () => {
  it.each([
    ["✘ [ERROR] The specified bucket does not exist. [code: 10006]", /npx wrangler r2 bucket create b1/],
    ["✘ [ERROR] Authentication error [code: 10000]", /npx wrangler login/],
    [
      "In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN",
      /CLOUDFLARE_API_TOKEN/,
    ],
    ["✘ [ERROR] file too large", /^$/],
  ])("%s", (output, hint) => {
    expect(wranglerHint(output, "b1")).toMatch(hint);
  });
});

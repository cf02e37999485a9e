// The CLI's index reader on the shared table of tampered indexes (the worker's test runs the same table in
// workerd), on symlinks that lead out of the index, and through every command that reads an index.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baseIndexContent,
  expectedVerdict,
  type IndexFiles,
  indexFilesOf,
  TAMPER_CASES,
  tamperedFiles,
} from "../../shared/index-contract/tampered-indexes.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { runCli } from "../../test/indexer-fixtures.ts";
import { TOY_DEFAULT_DIM, TOY_MODEL_ID } from "../demo/toy-model.ts";
import { readIndex } from "./reader.ts";

const MODEL = { id: TOY_MODEL_ID, dimension: TOY_DEFAULT_DIM };
let dir: string;
let toyModel: string;

function writeFiles(out: string, files: IndexFiles): string {
  for (const [name, bytes] of files) {
    mkdirSync(dirname(join(out, name)), { recursive: true });
    writeFileSync(join(out, name), bytes);
  }
  return out;
}

/** The CLI without progress output: a refusal is one line of stderr. */
async function cli(args: string[]) {
  const { code: status, stdout, stderr } = await runCli(args, { verbose: false });
  return { status, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reader-test-"));
  toyModel = join(dir, "toy-model");
  await fixtureModel({ kind: "toy", dir: toyModel });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readIndex on the tampered-index table", () => {
  it.each(TAMPER_CASES.map((entry, i) => [entry.name, i] as const))("%s", async (_, i) => {
    const entry = TAMPER_CASES[i];
    const index = writeFiles(join(dir, `case-${i}`), tamperedFiles(entry, MODEL));
    const verdict = expectedVerdict(entry, MODEL.dimension);
    const read = readIndex(index);
    if (verdict === "ok") {
      const loaded = await read;
      expect(loaded.videos.map((video) => video.id)).toEqual(["clip-0.mp4", "clip-1.mp4", "clip-2.mp4"]);
      expect(await loaded.thumbnails[0]()).toEqual(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
    } else {
      await expect(read).rejects.toMatchObject({
        code: verdict.code,
        detail: verdict.detail,
        message: `invalid index ${index}: ${verdict.detail}; rebuild it with \`npm run cli -- index\``,
      });
    }
  });
});

describe("paths stay inside the index", () => {
  it("refuses a thumbnail that is a symlink to a file outside", async () => {
    const index = writeFiles(join(dir, "symlinked"), indexFilesOf(baseIndexContent(MODEL)));
    writeFileSync(join(dir, "secret.txt"), "secret");
    rmSync(join(index, "thumbnails", "1.jpg"));
    symlinkSync(join(dir, "secret.txt"), join(index, "thumbnails", "1.jpg"));
    await expect(readIndex(index)).rejects.toMatchObject({
      code: "bad_index",
      detail: `thumbnails/1.jpg leads out of the index (to ${join(dir, "secret.txt")})`,
    });
  });

  it("refuses a thumbnail folder that is a symlink out of the index", async () => {
    const index = writeFiles(join(dir, "symlinked-dir"), indexFilesOf(baseIndexContent(MODEL)));
    const elsewhere = writeFiles(join(dir, "elsewhere"), new Map([["0.jpg", new Uint8Array([1])]]));
    rmSync(join(index, "thumbnails"), { recursive: true });
    symlinkSync(elsewhere, join(index, "thumbnails"));
    await expect(readIndex(index)).rejects.toMatchObject({ code: "bad_index" });
  });

  it("reads an index whose own directory is reached through a symlink", async () => {
    const index = writeFiles(join(dir, "real-index"), indexFilesOf(baseIndexContent(MODEL)));
    symlinkSync(index, join(dir, "link-to-index"));
    expect((await readIndex(join(dir, "link-to-index"))).videos).toHaveLength(3);
  });

  it("says a missing moment thumbnail is missing", async () => {
    const index = writeFiles(join(dir, "no-moment-thumb"), indexFilesOf(baseIndexContent(MODEL)));
    rmSync(join(index, "thumbnails", "1-2.jpg"));
    await expect(readIndex(index)).rejects.toMatchObject({
      code: "index_missing",
      detail: "thumbnails/1-2.jpg (moment thumbnail of row 5) is missing",
    });
  });

  it("says a missing thumbnail is missing", async () => {
    const index = writeFiles(join(dir, "no-thumb"), indexFilesOf(baseIndexContent(MODEL)));
    rmSync(join(index, "thumbnails", "2.jpg"));
    await expect(readIndex(index)).rejects.toMatchObject({
      code: "index_missing",
      detail: "thumbnails/2.jpg (thumbnail of clip-2.mp4) is missing",
    });
  });
});

describe("every command that reads an index refuses a tampered one with one line and exit 2", () => {
  const refused = TAMPER_CASES.map((entry, i) => [entry.name, i] as const).filter(
    ([, i]) => TAMPER_CASES[i].verdict !== "ok",
  );
  const commands: [string, (index: string) => string[]][] = [
    ["search", (index) => ["search", "a red square", "--index", index, "--model", toyModel]],
    ["merge", (index) => ["merge", join(dir, "merged-out"), index]],
    ["upload", (index) => ["upload", index, "--vectorize", "videos", "--dry-run"]],
    [
      "deploy",
      (index) => [
        "deploy",
        "--model",
        toyModel,
        "--index",
        index,
        "--cache",
        join(dir, "edge-cache"),
        "--dry-run",
      ],
    ],
  ];
  it.each(refused)("%s", async (_, i) => {
    const entry = TAMPER_CASES[i];
    const index = writeFiles(join(dir, `cli-case-${i}`), tamperedFiles(entry, MODEL));
    const verdict = expectedVerdict(entry, MODEL.dimension);
    if (verdict === "ok") throw new Error("unreachable");
    for (const [name, args] of commands) {
      const { status, stdout, stderr } = await cli(args(index));
      expect({ name, status, stdout }).toEqual({ name, status: 2, stdout: "" });
      expect(stderr.trimEnd().split("\n")).toEqual([expect.stringContaining(verdict.detail)]);
    }
  });
});

// `prepare-edge` through the CLI's main(): output files and JSON on success, one-line errors on bad input.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { runCli as runTestCli } from "../../test/indexer-fixtures.ts";

async function runCli(argv: string[]) {
  const { code: status, stdout, stderr } = await runTestCli(argv, { verbose: false });
  return { status, stdout, stderr };
}

describe("prepare-edge command", () => {
  let modelDir: string;
  let emptyDir: string;
  beforeAll(() => {
    modelDir = fixtureModel({ kind: "random", arch: "tiny", seed: 0 });
    emptyDir = mkdtempSync(join(tmpdir(), "prepare-edge-cli-"));
  });
  afterAll(() => {
    if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
  });

  it("writes the edge directory and reports it as JSON", async () => {
    const outDir = join(emptyDir, "edge-f16");
    const { status, stdout, stderr } = await runCli([
      "prepare-edge",
      "--model",
      modelDir,
      "--out",
      outDir,
      "--table",
      "float16",
      "--json",
    ]);
    expect(stderr).toContain("preparing");
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.manifest.model).toEqual({ id: "random-clip-tiny-seed0-genvocab", dimension: 32 });
    expect(report.manifest.table.dtype).toBe("float16");
    expect(report.files["token_embeddings.bin"]).toBe(2048 * 64 * 2);
    for (const name of [
      "edge.json",
      "text_model.onnx",
      "text_model.onnx_data",
      "vocab.json",
      "merges.txt",
      "config.json",
    ])
      expect(existsSync(join(outDir, name))).toBe(true);
  });

  it.each([
    [["prepare-edge", "--out", "x"], /missing required option --model/],
    [
      ["prepare-edge", "--model", "m", "--out", "x", "--table", "int4"],
      /--table must be one of int8, float16/,
    ],
    [
      ["prepare-edge", "--model", "m", "--out", "x", "--matmul", "fp32"],
      /--matmul must be one of integer, dqmm/,
    ],
  ])("rejects bad arguments %j", async (argv, message) => {
    const { status, stderr } = await runCli(argv);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
  });

  it("says what a model directory needs when it is not one", async () => {
    const notModel = join(emptyDir, "not-a-model");
    mkdirSync(notModel);
    const { status, stderr } = await runCli([
      "prepare-edge",
      "--model",
      notModel,
      "--out",
      join(emptyDir, "out"),
    ]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/^error: .*config\.json/m);
  });
});

// `tokenize` through the CLI's main() with captured streams, and once as a real subprocess.
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli as runTestCli } from "../../test/indexer-fixtures.ts";
import { hasSharedData, PROJECT_ROOT, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";

/** Runs the CLI in-process; returns exit status and what it wrote. */
async function runCli(argv: string[], stdinText = "") {
  const { code: status, stdout, stderr } = await runTestCli(argv, { verbose: false, stdin: stdinText });
  return { status, stdout, stderr };
}

// A tiny but complete byte-level vocabulary: every single byte symbol and its "</w>" form are
// needed for any input, plus two merges so that "ab" is one token.
let tinyDir = "";
const tinyIds = { ab: 600, "ab</w>": 601, start: 602, end: 603 };

beforeAll(async () => {
  tinyDir = await mkdtemp(join(tmpdir(), "tokenize-test-"));
  const vocab: Record<string, number> = {};
  const symbols: string[] = [];
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    if (printable) symbols.push(String.fromCharCode(byte));
  }
  for (let next = 256; symbols.length < 256; next++) symbols.push(String.fromCharCode(next));
  symbols.forEach((symbol, i) => {
    vocab[symbol] = i;
    vocab[`${symbol}</w>`] = 256 + i;
  });
  Object.assign(vocab, { ab: tinyIds.ab, "ab</w>": tinyIds["ab</w>"] });
  vocab["<|startoftext|>"] = tinyIds.start;
  vocab["<|endoftext|>"] = tinyIds.end;
  await writeFile(join(tinyDir, "vocab.json"), JSON.stringify(vocab));
  await writeFile(join(tinyDir, "merges.txt"), "#version: 0.2\na b\na b</w>\n");
});

afterAll(async () => {
  await rm(tinyDir, { recursive: true, force: true });
});

describe("tokenize command", () => {
  it("prints one JSON array per TEXT argument", async () => {
    const { status, stdout } = await runCli(["tokenize", "--vocab", tinyDir, "ab", "AB ab"]);
    expect(status).toBe(0);
    expect(stdout).toBe(`${JSON.stringify([602, 601, 603])}\n${JSON.stringify([602, 601, 601, 603])}\n`);
  });

  it("reads one text per stdin line, keeping empty lines", async () => {
    const { status, stdout } = await runCli(["tokenize", "--vocab", tinyDir], "ab\n\r\nab ab\n");
    expect(status).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      [602, 601, 603],
      [602, 603],
      [602, 601, 601, 603],
    ]);
  });

  it("cuts to 77 ids and warns on stderr", async () => {
    const { status, stdout, stderr } = await runCli(["tokenize", "--vocab", tinyDir, "ab ".repeat(100)]);
    expect(status).toBe(0);
    const ids = JSON.parse(stdout) as number[];
    expect(ids).toHaveLength(77);
    expect(ids.at(-1)).toBe(603);
    expect(stderr).toMatch(/text 1 cut to 77 tokens/);
  });

  it("reads the context length of --model from config.json", async () => {
    const modelDir = await mkdtemp(join(tmpdir(), "tokenize-model-"));
    try {
      for (const name of ["vocab.json", "merges.txt"])
        await copyFile(join(tinyDir, name), join(modelDir, name));
      await writeFile(
        join(modelDir, "config.json"),
        JSON.stringify({ text_config: { max_position_embeddings: 4 } }),
      );
      const { stdout } = await runCli(["tokenize", "--model", modelDir, "ab ab ab"]);
      expect(JSON.parse(stdout)).toEqual([602, 601, 601, 603]);
    } finally {
      await rm(modelDir, { recursive: true, force: true });
    }
  });

  it("asks for --vocab or --model when neither is given", async () => {
    const { status, stderr } = await runCli(["tokenize", "a man"]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/^error: .*--vocab DIR.*--model DIR.*\n$/);
  });

  it("names the missing file", async () => {
    const missing = join(tinyDir, "nowhere");
    const { status, stderr } = await runCli(["tokenize", "--vocab", missing, "a"]);
    expect(status).toBe(2);
    expect(stderr).toContain(join(missing, "vocab.json"));
    expect(stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });
});

describe.skipIf(!hasSharedData)(
  `tokenize subprocess (${hasSharedData ? "../shared" : SHARED_DATA_SKIP_REASON})`,
  () => {
    it("prints CLIP ids for the real vocabulary", async () => {
      const tsx = join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
      const { stdout } = await promisify(execFile)(
        tsx,
        ["indexer/cli.ts", "tokenize", "--vocab", sharedPath("clip"), "a man is driving a car"],
        { cwd: PROJECT_ROOT },
      );
      expect(stdout).toBe("[49406,320,786,533,4161,320,1615,49407]\n");
    });
  },
);

// `serve` argument checks: expected failures are InputErrors that say what to pass, before anything runs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../shared/errors.ts";
import { fixtureIndex } from "../../test/fixtures/factory.ts";
import type { CommandContext } from "../cli/command.ts";
import { command } from "./serve.ts";

const context: CommandContext = {
  stdout: { write: () => true },
  stderr: { write: () => true },
  stdin: process.stdin,
  verbose: false,
};

describe("serve arguments", () => {
  it.each([
    [[], /give --model DIR and --index INDEX_DIR/],
    [["--model", "m"], /give --model DIR and --index INDEX_DIR/],
    [["--demo", "--index", "i"], /leave out --model, --index and --videos/],
    [["--demo", "--port", "x"], /--port must be an integer/],
    [["--model", "m", "--index", "/nonexistent/index"], /not an index directory/],
    [["--demo", "extra"], /Unexpected argument/],
  ])("%j -> InputError", async (args, message) => {
    const run = command.run(args, context);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(message);
  });

  it("refuses a model whose id differs from the index's, before starting wrangler", async () => {
    const dir = mkdtempSync(join(tmpdir(), "serve-mismatch-"));
    try {
      const edge = join(dir, "edge");
      const index = join(dir, "index");
      mkdirSync(edge);
      mkdirSync(index);
      const edgeJson = {
        format: "clip-edge-text-encoder",
        formatVersion: 1,
        model: { id: "model-a", dimension: 8 },
        graph: {
          file: "text_model.onnx",
          externalData: [],
          inputs: { embeds: "inputs_embeds", ids: null, mask: null },
          output: "text_embeds",
          quantization: "none",
        },
        table: { file: "token_embeddings.bin", dtype: "float16", rows: 4, width: 8 },
        tokenizer: { vocab: "vocab.json", merges: "merges.txt", contextLength: 77 },
      };
      writeFileSync(join(edge, "edge.json"), JSON.stringify(edgeJson));
      const { manifest } = fixtureIndex({ kind: "synthetic", videos: 1, dimension: 8, modelId: "model-b" });
      writeFileSync(join(index, "manifest.json"), JSON.stringify(manifest));
      await expect(
        command.run(
          ["--model", edge, "--index", index, "--port", "0", "--persist-to", join(dir, "state")],
          context,
        ),
      ).rejects.toThrow(/built with model "model-b" but the text encoder is "model-a"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a port that is already taken, before generating anything", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      await expect(command.run(["--demo", "--port", String(port)], context)).rejects.toThrow(
        `port ${port} on 127.0.0.1 is in use`,
      );
    } finally {
      server.close();
    }
  });
});

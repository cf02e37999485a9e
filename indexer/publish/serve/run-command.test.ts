// The steps of serve/deploy call the generators' functions directly: same output as the function, progress to the
// given stderr, and (verbose) the options a cached step's recipe hashes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeToyModel } from "../../demo/toy-model.ts";
import { stepRunner } from "./run-command.ts";

const dir = mkdtempSync(join(tmpdir(), "run-command-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stepRunner", () => {
  it("toyModel writes what writeToyModel writes and says so on stderr; verbose adds its options", async () => {
    let quiet = "";
    let verbose = "";
    await stepRunner({ write: (text: string) => (quiet += text) }).toyModel({ seed: 3 }, join(dir, "a"));
    await stepRunner({ write: (text: string) => (verbose += text) }, true).toyModel(
      { seed: 3 },
      join(dir, "b"),
    );
    await writeToyModel(join(dir, "direct"), { seed: 3 });
    for (const file of ["config.json", "vocab.json", "onnx/text_model.onnx", "onnx/vision_model.onnx"]) {
      const direct = readFileSync(join(dir, "direct", file));
      expect(readFileSync(join(dir, "a", file)).equals(direct)).toBe(true);
      expect(readFileSync(join(dir, "b", file)).equals(direct)).toBe(true);
    }
    expect(quiet).toMatch(/^wrote the toy model \(toy-clip, 64-d\) to .*a\n$/);
    expect(verbose).toMatch(/^generate toy \{"seed":3\}\nwrote the toy model/);
  });
});

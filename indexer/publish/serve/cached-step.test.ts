// cachedStep: builds once, reuses while newer than its inputs, rebuilds after an input changes, and never
// leaves a half-built output behind.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cachedStep } from "./cached-step.ts";
import { codeRecipe } from "./code-recipe.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "cached-step-"));
  dirs.push(dir);
  return dir;
}

describe("cachedStep", () => {
  it("builds a missing output, then reuses it until an input is newer", async () => {
    const root = scratch();
    const input = join(root, "input");
    const out = join(root, "out");
    mkdirSync(input);
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      mkdirSync(tmp);
      writeFileSync(join(tmp, "n.txt"), String(builds));
    };
    const lines: string[] = [];
    await cachedStep(out, [input], "thing", (line) => lines.push(line), build);
    await cachedStep(out, [input], "thing", (line) => lines.push(line), build);
    expect(builds).toBe(1);
    expect(lines[1]).toBe(`thing: cached in ${out}`);
    const later = new Date(Date.now() + 60_000);
    utimesSync(input, later, later);
    await cachedStep(out, [input], "thing", () => undefined, build);
    expect(builds).toBe(2);
    expect(readFileSync(join(out, "n.txt"), "utf8")).toBe("2");
  });

  it("rebuilds when a file inside an input directory is overwritten in place", async () => {
    const root = scratch();
    const input = join(root, "input");
    const out = join(root, "out");
    mkdirSync(input);
    writeFileSync(join(input, "model.onnx"), "v1");
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      mkdirSync(tmp);
    };
    await cachedStep(out, [input], "thing", () => undefined, build);
    const earlier = new Date(Date.now() - 60_000);
    utimesSync(input, earlier, earlier);
    const later = new Date(Date.now() + 60_000);
    writeFileSync(join(input, "model.onnx"), "v2");
    utimesSync(join(input, "model.onnx"), later, later);
    await cachedStep(out, [input], "thing", () => undefined, build);
    expect(builds).toBe(2);
  });

  it("keeps the previous output when a rebuild fails", async () => {
    const root = scratch();
    const out = join(root, "out");
    mkdirSync(out);
    writeFileSync(join(out, "old.txt"), "old");
    const input = join(root, "input");
    mkdirSync(input);
    const later = new Date(Date.now() + 60_000);
    utimesSync(input, later, later);
    await expect(
      cachedStep(
        out,
        [input],
        "thing",
        () => undefined,
        async (tmp) => {
          mkdirSync(tmp);
          throw new Error("step failed");
        },
      ),
    ).rejects.toThrow("step failed");
    expect(readFileSync(join(out, "old.txt"), "utf8")).toBe("old");
  });

  it("rebuilds an output made by another recipe (older code), or whose recipe was never written", async () => {
    const root = scratch();
    const out = join(root, "out");
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      mkdirSync(tmp);
    };
    await cachedStep(out, [], "thing", () => undefined, build, "recipe-1");
    await cachedStep(out, [], "thing", () => undefined, build, "recipe-1");
    expect(builds).toBe(1);
    const lines: string[] = [];
    await cachedStep(out, [], "thing", (line) => lines.push(line), build, "recipe-2");
    expect(builds).toBe(2);
    expect(lines).toEqual(["thing (inputs or code changed) ..."]);
    // A run killed between the rename and the recipe: the folder exists, its recipe does not.
    rmSync(`${out}.recipe`);
    await cachedStep(out, [], "thing", () => undefined, build, "recipe-2");
    expect(builds).toBe(3);
  });

  it("codeRecipe: stable for the same code and arguments, different for other arguments", () => {
    expect(codeRecipe(["prepare-edge", "--model", "a"])).toBe(codeRecipe(["prepare-edge", "--model", "a"]));
    expect(codeRecipe(["prepare-edge", "--model", "a"])).not.toBe(
      codeRecipe(["prepare-edge", "--model", "b"]),
    );
    expect(codeRecipe([])).toMatch(/^[0-9a-f]{64}$/);
  });
});

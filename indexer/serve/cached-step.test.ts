// cachedStep: builds once, reuses while newer than its inputs, rebuilds after an input changes, and never
// leaves a half-built output behind.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cachedStep } from "./cached-step.ts";

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
});

// What a generated folder was made by: the project's indexer and shared code plus the step's own arguments,
// as one hash. A cached demo or prepared model made by older code (an index format or an edge manifest
// from before an upgrade) is then rebuilt instead of served as if current.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
/** The code every generating step runs (the CLI's commands and what they import). */
const CODE_DIRS = ["indexer", "shared"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

let codeHash: string | undefined;

/** SHA-256 of the indexer's and shared code (paths and contents, tests excluded), computed once. */
function hashOfCode(): string {
  if (codeHash) return codeHash;
  const hash = createHash("sha256");
  const files = CODE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)))
    .map((path) => relative(ROOT, path))
    .sort();
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(ROOT, file)))
      .update("\0");
  codeHash = hash.digest("hex");
  return codeHash;
}

/** The recipe of a step that runs the project's code with `args`: changes when either changes. */
export function codeRecipe(args: readonly string[]): string {
  return createHash("sha256").update(hashOfCode()).update(JSON.stringify(args)).digest("hex");
}

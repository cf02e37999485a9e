// Preloaded (node --import) into a CLI child by crash tests: SIGKILLs the process itself at a chosen
// file-system call, so a test can kill -9 a run at an exact point (mid-write, between two renames).
// CLIP_TEST_KILL_AT = {"call":"rename"|"open","match":"<regex on the path, or 'from -> to' of a rename>",
// "nth":N,"when":"before"|"after"}.
import { createRequire, syncBuiltinESMExports } from "node:module";

interface KillPoint {
  call: "rename" | "open";
  match: string;
  nth: number;
  when: "before" | "after";
}

const spec = process.env.CLIP_TEST_KILL_AT;
if (spec) {
  const point = JSON.parse(spec) as KillPoint;
  const pattern = new RegExp(point.match);
  const fsPromises = createRequire(import.meta.url)("node:fs/promises") as Record<
    string,
    (...args: unknown[]) => Promise<unknown>
  >;
  const original = fsPromises[point.call];
  let seen = 0;
  fsPromises[point.call] = async (...args: unknown[]) => {
    const paths = point.call === "open" ? [args[0]] : [args[0], args[1]];
    const hit = pattern.test(paths.map(String).join(" -> ")) && ++seen === point.nth;
    if (hit && point.when === "before") process.kill(process.pid, "SIGKILL");
    const result = await original(...args);
    if (hit) process.kill(process.pid, "SIGKILL");
    return result;
  };
  // ES module imports of node:fs/promises are live bindings of this object: make them see the wrapper.
  syncBuiltinESMExports();
}

// Resident memory of the workerd processes of one `wrangler dev` (Linux /proc): the whole runtime, all its
// isolates and wrangler's proxy worker, so an outer bound of the worker isolate's memory, not the 128 MB figure.
import { readdirSync, readFileSync } from "node:fs";

/** Current resident bytes (VmRSS) and peak (VmHWM) summed over workerd processes in `processGroup`. */
export function workerdMemory(processGroup: number): { rssBytes: number; peakRssBytes: number } {
  let rssBytes = 0;
  let peakRssBytes = 0;
  let names: string[] = [];
  try {
    names = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return { rssBytes, peakRssBytes };
  }
  for (const name of names) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after "pid (comm) ": state, ppid, pgrp, ...
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== processGroup || !stat.includes("(workerd)")) continue;
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
      rssBytes += kib("VmRSS");
      peakRssBytes += kib("VmHWM");
    } catch {
      // The process ended while listing.
    }
  }
  return { rssBytes, peakRssBytes };
}

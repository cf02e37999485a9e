// CPU accounting for benchmarks on a shared machine (Linux /proc): CPU seconds this process and its
// finished children used during a measurement, and the share of the machine other processes took.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** Clock ticks per second of /proc times (USER_HZ, 100 on every mainstream Linux). */
const TICKS_PER_SEC = 100;

interface Sample {
  atMs: number;
  /** utime + stime + cutime + cstime of this process, seconds. */
  ownSec: number;
  /** Busy seconds of all CPUs (every /proc/stat "cpu" field but idle and iowait). */
  busySec: number;
}

function sample(): Sample | null {
  try {
    const own = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // Fields 14-17 of stat(5), counted from 1; here after "pid (comm) ", state is index 0.
    const ownTicks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(own[i]), 0);
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const busyTicks = cpu.reduce((sum, v) => sum + v, 0) - cpu[3] - (cpu[4] ?? 0);
    return { atMs: performance.now(), ownSec: ownTicks / TICKS_PER_SEC, busySec: busyTicks / TICKS_PER_SEC };
  } catch {
    return null;
  }
}

/** What a measurement cost in CPU. */
export interface CpuUse {
  /** CPU seconds of this process and the children it reaped (ffmpeg) during the measurement. */
  ownSec: number;
  /** Share of the machine's CPU capacity (all cores) used by other processes, 0..1. */
  foreignShare: number;
}

/** Starts a meter; `stop()` returns the CPU used since, or null where /proc is not available. */
export function startCpuMeter(): { stop(): CpuUse | null } {
  const start = sample();
  return {
    stop() {
      const end = sample();
      if (!start || !end) return null;
      const wallSec = (end.atMs - start.atMs) / 1000;
      const ownSec = end.ownSec - start.ownSec;
      const foreignSec = Math.max(0, end.busySec - start.busySec - ownSec);
      const capacity = wallSec * cpus().length;
      return {
        ownSec: Math.round(ownSec * 100) / 100,
        foreignShare: capacity > 0 ? Math.round(Math.min(1, foreignSec / capacity) * 100) / 100 : 0,
      };
    },
  };
}

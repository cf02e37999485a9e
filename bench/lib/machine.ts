// Describes the machine a bench ran on (stored with the figures, since they only hold for that machine).
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";

/** CPU, cores, memory, Node version and load at the start of the run. */
export interface MachineInfo {
  cpuModel: string;
  /** Logical CPUs visible to this process. */
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  /** 1-minute load average when the bench started: above `cores`, other work competed for the CPUs. */
  loadAverage1m: number;
  /** CPU flags that matter for ONNX Runtime's kernels (from /proc/cpuinfo on Linux). */
  simd: string[];
}

export function describeMachine(): MachineInfo {
  const flags = existsSync("/proc/cpuinfo")
    ? (/^flags\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1].split(" ") ?? [])
    : [];
  return {
    cpuModel: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
    simd: ["avx2", "avx512f", "avx512_vnni", "avx_vnni", "fma"].filter((f) => flags.includes(f)),
  };
}

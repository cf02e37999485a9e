// Replaces a written edge graph by the graph ONNX Runtime makes of it at its "extended" level (fused int8
// MatMuls, LayerNorm, QuickGelu, constant folding), so that the Worker's session creation does not redo that
// work on every cold start (measured: ~160 -> ~75 ms per session in onnxruntime-web under Node).
import { renameSync, rmSync } from "node:fs";
import { createNodeSession } from "../embed/onnx-runtime.ts";

/**
 * Rewrites `graphPath` in place with ONNX Runtime's optimized graph. Its initializers keep referring to the
 * external data file beside it (same location), so only the .onnx file changes; fused ops come from the
 * com.microsoft domain, which onnxruntime-web runs (prepare-edge verifies the result in it).
 */
export async function saveOptimizedGraph(graphPath: string): Promise<void> {
  const optimized = `${graphPath}.optimized`;
  try {
    const session = await createNodeSession(
      graphPath,
      { threads: 1, optimizedModelPath: optimized },
      "the edge graph (optimizing)",
    );
    await session.release();
    renameSync(optimized, graphPath);
  } finally {
    rmSync(optimized, { force: true });
  }
}

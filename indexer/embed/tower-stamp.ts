// The identity of a model tower's file on disk (no Node imports: the index types that name it are read by
// worker-side tests too). model-dir.ts's towerStamp makes one.

/**
 * Pins a model's tower file on disk: cached frame vectors, a half-written index and an index's sync record
 * stay valid while it is equal.
 */
export interface TowerStamp {
  id: string;
  /** projection_dim. */
  dimension: number;
  /** Absolute path of the tower's .onnx file (the dtype is part of its name). */
  file: string;
  sizeBytes: number;
  mtimeMs: number;
}

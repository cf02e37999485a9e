// Checks at load time that an ONNX session is the CLIP tower the caller expects (input and output names,
// embedding size), so a wrong file fails with a message instead of a shape error mid-run.
import { InputError } from "../errors.ts";
import type { OrtSession } from "./ort-types.ts";

/** The I/O contract of a Hugging Face CLIP export (CLIPTextModelWithProjection / CLIPVisionModelWithProjection). */
export const CLIP_TOWER_IO = {
  text: { required: ["input_ids"], optional: ["attention_mask"], output: "text_embeds" },
  vision: { required: ["pixel_values"], optional: [] as string[], output: "image_embeds" },
} as const;

export type ClipTower = keyof typeof CLIP_TOWER_IO;

function describe(session: OrtSession): string {
  return `inputs [${session.inputNames.join(", ")}] -> outputs [${session.outputNames.join(", ")}]`;
}

function expectation(tower: ClipTower): string {
  const io = CLIP_TOWER_IO[tower];
  const inputs = [...io.required, ...io.optional.map((name) => `${name}?`)].join(", ");
  return `a CLIP ${tower} model (inputs ${inputs} -> output ${io.output})`;
}

/** The other tower's name when the session matches it, for a more helpful message. */
function looksLike(session: OrtSession, tower: ClipTower): ClipTower | null {
  const other: ClipTower = tower === "text" ? "vision" : "text";
  return session.inputNames.includes(CLIP_TOWER_IO[other].required[0]) ? other : null;
}

/**
 * Throws InputError unless `session` has the tower's inputs and output, and (when the runtime reports
 * output shapes) an output whose last dimension is `dimension`. `label` names the file in messages.
 */
export function checkClipSession(
  session: OrtSession,
  tower: ClipTower,
  dimension: number,
  label: string,
): void {
  const io = CLIP_TOWER_IO[tower];
  const allowed = new Set<string>([...io.required, ...io.optional]);
  const missing = io.required.filter((name) => !session.inputNames.includes(name));
  const extra = session.inputNames.filter((name) => !allowed.has(name));
  if (missing.length > 0 || extra.length > 0 || !session.outputNames.includes(io.output)) {
    const other = looksLike(session, tower);
    const hint = other ? `; this looks like the ${other} model` : "";
    throw new InputError(
      "wrong_model",
      `${label}: expected ${expectation(tower)}, found ${describe(session)}${hint}`,
    );
  }
  for (const meta of session.inputMetadata ?? []) {
    const expected = meta.name === "pixel_values" ? "float32" : "int64";
    if (meta.isTensor && meta.type !== expected) {
      throw new InputError(
        "wrong_model",
        `${label}: input ${meta.name} is ${meta.type}, expected ${expected} as in the Hugging Face export`,
      );
    }
  }
  const output = session.outputMetadata?.find((meta) => meta.name === io.output);
  if (output?.isTensor) {
    const last = output.shape[output.shape.length - 1];
    if (typeof last === "number" && last !== dimension) {
      throw new InputError(
        "dimension_mismatch",
        `${label}: ${io.output} has dimension ${last} but config.json says projection_dim ${dimension}; the model file and config.json do not belong together`,
      );
    }
  }
}

/** Reads a float32 [rows, dimension] output into one Float32Array per row; throws on a shape mismatch. */
export function splitRows(
  data: unknown,
  dims: readonly number[],
  rows: number,
  dimension: number,
  label: string,
): Float32Array[] {
  if (!(data instanceof Float32Array) || dims.length !== 2 || dims[0] !== rows || dims[1] !== dimension) {
    throw new InputError(
      "dimension_mismatch",
      `${label}: expected float32 output [${rows}, ${dimension}], got [${dims.join(", ")}]`,
    );
  }
  return Array.from({ length: rows }, (_, i) => data.slice(i * dimension, (i + 1) * dimension));
}

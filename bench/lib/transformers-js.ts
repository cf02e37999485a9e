// Transformers.js (@huggingface/transformers) pointed at a local model directory, local files only, one
// intra-op thread: what a JavaScript user would pick to embed queries, as the bench's baseline.
import { AutoTokenizer, CLIPTextModelWithProjection, env, Tensor } from "@huggingface/transformers";

function localOnly(parentDir: string): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${parentDir}/`;
}

/** A function tokenizing one text as Transformers.js does (ids with start/end, truncated to 77). */
export async function loadTransformersTokenizer(
  parentDir: string,
  name: string,
): Promise<(text: string) => unknown> {
  localOnly(parentDir);
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  return (text) => tokenizer(text, { truncation: true });
}

/** Encodes token ids (start/end included) with CLIPTextModelWithProjection; returns text_embeds (raw). */
export interface TransformersTextModel {
  encodeIds(ids: readonly number[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export async function loadTransformersTextModel(
  parentDir: string,
  name: string,
): Promise<TransformersTextModel> {
  localOnly(parentDir);
  const model = await CLIPTextModelWithProjection.from_pretrained(name, {
    dtype: "fp32",
    device: "cpu",
    session_options: { intraOpNumThreads: 1, interOpNumThreads: 1 },
  });
  // Hugging Face's tower exports have no attention_mask input (Transformers.js warns about extra inputs).
  const sessions = (model as unknown as { sessions: Record<string, { inputNames: string[] }> }).sessions;
  const wantsMask = Object.values(sessions).some((session) => session.inputNames.includes("attention_mask"));
  return {
    async encodeIds(ids) {
      const dims = [1, ids.length];
      const inputs: Record<string, InstanceType<typeof Tensor>> = {
        input_ids: new Tensor("int64", BigInt64Array.from(ids, BigInt), dims),
      };
      if (wantsMask)
        inputs.attention_mask = new Tensor("int64", new BigInt64Array(ids.length).fill(1n), dims);
      const { text_embeds } = await model(inputs);
      return text_embeds.data as Float32Array;
    },
    async dispose() {
      await model.dispose();
    },
  };
}

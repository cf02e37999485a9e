// config.json + preprocessor_config.json parsing: both preprocessor layouts, defaults, and clear errors.
import { describe, expect, it } from "vitest";
import { CLIP_PREPROCESS } from "../image/preprocess.ts";
import { checkPoolingToken, parseClipConfig } from "./clip-config.ts";

const B32_CONFIG = {
  _name_or_path: "openai/clip-vit-base-patch32",
  projection_dim: 512,
  text_config: { max_position_embeddings: 77, vocab_size: 49408 },
  vision_config: { image_size: 224 },
};

describe("parseClipConfig", () => {
  it.each([
    ["old layout (numbers)", { size: 224, crop_size: 224 }],
    ["new layout (objects)", { size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 } }],
    ["absent file", undefined],
  ])("reads the ViT-B/32 export with the %s preprocessor config", (_name, preprocessor) => {
    expect(parseClipConfig(B32_CONFIG, preprocessor)).toEqual({
      id: "openai/clip-vit-base-patch32",
      projectionDim: 512,
      contextLength: 77,
      vocabSize: 49408,
      imageSize: 224,
      preprocess: { ...CLIP_PREPROCESS, mean: [...CLIP_PREPROCESS.mean], std: [...CLIP_PREPROCESS.std] },
    });
  });

  it("reads other sizes, mean and std, and takes projection_dim from text_config when the top lacks it", () => {
    const config = parseClipConfig(
      {
        text_config: { projection_dim: 768, max_position_embeddings: 64 },
        vision_config: { image_size: 336 },
      },
      {
        size: { shortest_edge: 336 },
        crop_size: 320,
        image_mean: [0.5, 0.5, 0.5],
        image_std: [0.25, 0.5, 1],
      },
    );
    expect(config).toMatchObject({
      id: undefined,
      projectionDim: 768,
      contextLength: 64,
      imageSize: 336,
      preprocess: { shortestEdge: 336, cropSize: 320, mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 1] },
    });
  });

  it("falls back to CLIP's defaults for an empty config", () => {
    expect(parseClipConfig({})).toMatchObject({
      projectionDim: 512,
      contextLength: 77,
      imageSize: 224,
      preprocess: { cropSize: 224 },
    });
  });

  it.each([
    [[], undefined, /config\.json: not a JSON object/],
    [{ projection_dim: -3 }, undefined, /projection_dim must be a positive integer/],
    [{ text_config: { max_position_embeddings: 7.5 } }, undefined, /max_position_embeddings/],
    [{}, "text", /preprocessor_config\.json: not a JSON object/],
    [{}, { crop_size: { height: 224, width: 200 } }, /crop_size must be square/],
    [{}, { image_mean: [0.5, 0.5] }, /image_mean must be 3 numbers/],
    [{}, { image_std: [1, 0, 1] }, /image_std must be positive/],
  ])("rejects %j / %j", (config, preprocessor, message) => {
    expect(() => parseClipConfig(config, preprocessor)).toThrow(message);
  });
});

describe("checkPoolingToken", () => {
  const withEos = (eos: number | undefined) =>
    parseClipConfig({ ...B32_CONFIG, text_config: { ...B32_CONFIG.text_config, eos_token_id: eos } });
  it.each([
    ["absent", undefined],
    ["openai's legacy 2 (argmax pooling)", 2],
    ["LAION's <|endoftext|> 49407", 49407],
  ])("accepts eos_token_id %s", (_name, eos) => {
    expect(() => checkPoolingToken(withEos(eos), 49407)).not.toThrow();
  });

  it("refuses an eos id the tokenizer never ends with, naming both", () => {
    expect(() => checkPoolingToken(withEos(49406), 49407)).toThrow(
      /eos_token_id 49406 is neither 2 \(pool at argmax\) nor the tokenizer's <\|endoftext\|> id 49407/,
    );
    expect(() => withEos(-1)).toThrow(/eos_token_id must be a non-negative integer/);
  });
});

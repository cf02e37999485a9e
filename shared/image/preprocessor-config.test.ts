// preprocessor_config.json -> PreprocessConfig: both size layouts, defaults, do_normalize, and a one-line
// refusal for each value preprocess.ts cannot reproduce. Real exports' files: test/preprocessor-configs.test.ts.
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { CLIP_PREPROCESS } from "./preprocess.ts";
import { parsePreprocessorConfig } from "./preprocessor-config.ts";

const CLIP_224 = { ...CLIP_PREPROCESS, mean: [...CLIP_PREPROCESS.mean], std: [...CLIP_PREPROCESS.std] };

describe("parsePreprocessorConfig", () => {
  it.each([
    ["absent file", undefined],
    ["empty object", {}],
    ["old layout (numbers)", { size: 224, crop_size: 224 }],
    ["new layout (objects)", { size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 } }],
    ["explicit switches", { do_resize: true, do_center_crop: true, do_rescale: true, resample: 3 }],
    ["rescale_factor as JSON writes 1/255", { rescale_factor: 0.00392156862745098 }],
    ["do_convert_rgb false (frames are RGB already)", { do_convert_rgb: false }],
  ])("reads CLIP's 224 preprocessing from the %s", (_name, preprocessor) => {
    expect(parsePreprocessorConfig(preprocessor, 224)).toEqual(CLIP_224);
  });

  it("takes sizes, mean and std from the file, and the size default from the vision tower", () => {
    expect(
      parsePreprocessorConfig(
        {
          size: { shortest_edge: 336 },
          crop_size: 320,
          image_mean: [0.5, 0.5, 0.5],
          image_std: [0.25, 0.5, 1],
        },
        224,
      ),
    ).toEqual({ shortestEdge: 336, cropSize: 320, mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 1] });
    expect(parsePreprocessorConfig({}, 64)).toMatchObject({ shortestEdge: 64, cropSize: 64 });
    expect(parsePreprocessorConfig({ size: 256 }, 224)).toMatchObject({ shortestEdge: 256, cropSize: 256 });
  });

  it("reads one number as the same mean/std for every channel, and do_normalize false as mean 0, std 1", () => {
    expect(parsePreprocessorConfig({ image_mean: 0.5, image_std: 0.5 }, 224)).toMatchObject({
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    expect(parsePreprocessorConfig({ do_normalize: false, image_mean: [9, 9, 9] }, 224)).toMatchObject({
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
  });

  it.each([
    ["text", /preprocessor_config\.json: not a JSON object/],
    [null, /not a JSON object/],
    [{ do_resize: false }, /do_resize false is not supported/],
    [{ do_center_crop: false }, /do_center_crop false is not supported/],
    [{ do_rescale: false }, /do_rescale false is not supported/],
    [{ do_normalize: "yes" }, /do_normalize must be true or false/],
    [{ do_pad: true }, /do_pad true is not supported/],
    [{ do_flip_channel_order: true }, /do_flip_channel_order true \(BGR\) is not supported/],
    [{ resample: 2 }, /resample 2 \(bilinear\) is not supported: only Pillow's bicubic \(3\) is/],
    [{ resample: "bicubic" }, /resample "bicubic" \(unknown\) is not supported/],
    [{ rescale_factor: 1 / 127.5 }, /rescale_factor 0\.00784\d* is not supported: only 1\/255 is/],
    [
      { size: { height: 224, width: 224 } },
      /size \{height, width\} resizes without keeping the aspect ratio/,
    ],
    [{ size: { shortest_edge: 224, longest_edge: 1333 } }, /size\.longest_edge is not supported/],
    [{ size: { shortest_edge: 0 } }, /size\.shortest_edge must be a positive integer/],
    [{ size: "224" }, /size must be a number or an object/],
    [{ crop_size: { height: 224, width: 200 } }, /crop_size must be square, got 224x200/],
    [{ size: 224, crop_size: 256 }, /crop_size 256 is larger than size\.shortest_edge 224/],
    [{ image_mean: [0.5, 0.5] }, /image_mean must be 3 numbers/],
    [{ image_std: [1, 0, 1] }, /image_std must be positive/],
  ])("refuses %j in one line", (preprocessor, message) => {
    let thrown: unknown;
    try {
      parsePreprocessorConfig(preprocessor, 224);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).code).toBe("bad_model_config");
    expect((thrown as InputError).message).toMatch(message);
    expect((thrown as InputError).message).not.toContain("\n");
  });
});

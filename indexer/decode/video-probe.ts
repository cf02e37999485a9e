// Video metadata from ffprobe's JSON (native ffprobe or the WASM core's ffprobe: same output), and
// the arguments that ask for it.
import { InputError } from "../../shared/errors.ts";

/** What the decoders need to know about a video before decoding it. */
export interface VideoProbe {
  /** Duration of the video stream (else of the container), seconds. */
  durationSec: number;
  /** Average frame rate, frames/second (0 when the container does not say). */
  fps: number;
  /** Width and height of decoded frames as delivered (after display rotation), pixels. */
  width: number;
  height: number;
  /**
   * round(durationSec * fps): an estimate only. Container frame counts are not used because they can
   * be wrong (../shared/videos/vid1.mp4 declares 74 frames; 56 are decoded).
   */
  estimatedFrameCount: number;
  /** Decoder output pixel format, e.g. "yuv420p". */
  pixelFormat: string;
  /** "tv" (limited), "pc" (full) or "unknown". */
  colorRange: string;
  /** Matrix coefficients tag, e.g. "bt709", "smpte170m", "unknown". */
  colorSpace: string;
  codec: string;
}

/** ffprobe arguments (after the program name) whose JSON output parseProbeJson reads. */
export function probeArguments(inputPath: string): string[] {
  return [
    "-v",
    "error",
    "-select_streams",
    // V: not attached pictures, so an audio file with cover art has no video stream.
    "V:0",
    "-show_entries",
    "stream=codec_name,width,height,pix_fmt,color_space,color_range,avg_frame_rate,r_frame_rate,duration:stream_side_data=rotation:format=duration",
    "-of",
    "json",
    inputPath,
  ];
}

interface ProbeJson {
  streams?: Array<Record<string, unknown> & { side_data_list?: Array<Record<string, unknown>> }>;
  format?: Record<string, unknown>;
}

function parseRational(value: unknown): number {
  if (typeof value !== "string") return 0;
  const [num, den] = value.split("/").map(Number);
  if (!Number.isFinite(num) || !Number.isFinite(den ?? 1) || den === 0) return 0;
  return den === undefined ? num : num / den;
}

function parseSeconds(value: unknown): number | undefined {
  const seconds = typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** Parses ffprobe JSON for `displayName`; InputError when there is no decodable video stream. */
export function parseProbeJson(text: string, displayName: string): VideoProbe {
  let json: ProbeJson;
  try {
    json = JSON.parse(text) as ProbeJson;
  } catch (error) {
    throw new InputError("not_a_video", `${displayName}: could not read its metadata`, { cause: error });
  }
  const stream = json.streams?.[0];
  if (!stream) throw new InputError("not_a_video", `${displayName}: has no video stream`);
  const codedWidth = Number(stream.width);
  const codedHeight = Number(stream.height);
  if (!(codedWidth > 0 && codedHeight > 0))
    throw new InputError("not_a_video", `${displayName}: video stream has no frame size`);
  const rotation = Number(stream.side_data_list?.find((d) => "rotation" in d)?.rotation ?? 0);
  // ffmpeg auto-rotates: a quarter turn swaps the delivered width and height.
  const quarterTurn = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const fps = parseRational(stream.avg_frame_rate) || parseRational(stream.r_frame_rate);
  const durationSec = parseSeconds(stream.duration) ?? parseSeconds(json.format?.duration) ?? 0;
  return {
    durationSec,
    fps,
    width: quarterTurn ? codedHeight : codedWidth,
    height: quarterTurn ? codedWidth : codedHeight,
    estimatedFrameCount: Math.round(durationSec * fps),
    pixelFormat: String(stream.pix_fmt ?? "unknown"),
    colorRange: String(stream.color_range ?? "unknown"),
    colorSpace: String(stream.color_space ?? "unknown"),
    codec: String(stream.codec_name ?? "unknown"),
  };
}

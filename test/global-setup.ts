// Runs once before the Node tests: the decoder tests compare native ffmpeg with the WASM core, so a machine
// without native ffmpeg gets one clear instruction instead of dozens of failures.
import { hasNativeFfmpeg } from "../indexer/decode/ffmpeg-native.ts";

export default function checkTestPrerequisites(): void {
  if (!hasNativeFfmpeg()) {
    throw new Error(
      "npm test needs native ffmpeg and ffprobe on PATH (the tests compare them with the WASM decoder): " +
        "install them, e.g. `apt-get install ffmpeg` (.ci/run does this). The CLI itself works without them.",
    );
  }
}

// Entry of @ffmpeg/ffmpeg's Web Worker (loaded by FFmpeg.load's classWorkerURL): the package's own worker,
// bundled on its own so that the page's bundle can start it from a fixed URL.
import "@ffmpeg/ffmpeg/worker";

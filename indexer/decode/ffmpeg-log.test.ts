// FfmpegLog on lines as ffmpeg 5.1 prints them: frame timestamps from showinfo, errors kept for the message.
import { describe, expect, it } from "vitest";
import { FfmpegLog } from "./ffmpeg-log.ts";

// Lines as ffmpeg 5.1 prints them with `-loglevel level+info -vf showinfo`.
const CONFIG = "[Parsed_showinfo_0 @ 0x55a1] [info] config in time_base: 1/12800, frame_rate: 25/1";
const frameLine = (n: number, pts: number | "NOPTS") =>
  `[Parsed_showinfo_0 @ 0x55a1] [info] n:  ${n} pts:  ${pts} pts_time:${pts} pos:   104523 fmt:yuv420p sar:1/1 s:640x360 i:P iskey:0 type:P checksum:DFFCBFD8 plane_checksum:[E8630B88 4D0239FB D2D77A55] mean:[98 121 126] stdev:[35.0 5.3 9.4]`;

describe("FfmpegLog", () => {
  it("reads index, exact timestamp (pts x time base), format and size from showinfo", () => {
    const log = new FfmpegLog(25);
    log.write(`${CONFIG}\n${frameLine(0, 0)}\n${frameLine(35, 17920)}\n`);
    expect(log.get(0)).toEqual({
      index: 0,
      timestampSec: 0,
      pixelFormat: "yuv420p",
      width: 640,
      height: 360,
    });
    // 17920 / 12800 exactly, not 17920 * (1 / 12800) = 1.4000000000000001.
    expect(log.get(35)?.timestampSec).toBe(1.4);
    expect(log.lastIndex).toBe(35);
  });

  it("joins lines split across chunks and falls back to index / fps without a pts", () => {
    const log = new FfmpegLog(25);
    const text = `${CONFIG}\n${frameLine(3, "NOPTS")}\n`;
    for (const piece of [text.slice(0, 10), text.slice(10, 90), text.slice(90)]) log.write(piece);
    expect(log.get(3)?.timestampSec).toBeCloseTo(0.12, 12);
  });

  it("resolves waits when the frame arrives, and with undefined once closed", async () => {
    const log = new FfmpegLog();
    log.write(`${CONFIG}\n`);
    const first = log.waitFor(0);
    const never = log.waitFor(1);
    log.write(`${frameLine(0, 512)}\n`);
    expect((await first)?.timestampSec).toBe(0.04);
    log.close();
    expect(await never).toBeUndefined();
    expect(await log.waitFor(7)).toBeUndefined();
  });

  it("collects error lines and recognizes a damaged input", () => {
    const log = new FfmpegLog();
    log.write("[h264 @ 0x1] [error] non-existing PPS 0 referenced\n");
    expect(log.errors).toEqual(["non-existing PPS 0 referenced"]);
    expect(log.inputDamage).toBeUndefined();
    log.write("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x2] [error] stream 0, offset 0x211d7: partial file\n");
    expect(log.inputDamage).toBe("stream 0, offset 0x211d7: partial file");
  });
});

// InFlight: a retired resource is released once, only after its calls in flight end.
import { describe, expect, it } from "vitest";
import { InFlight } from "./in-flight.ts";

describe("InFlight", () => {
  it("releases at once when idle, after the last call otherwise, and only once", async () => {
    let releases = 0;
    const idle = new InFlight(async () => void releases++);
    idle.retire();
    idle.retire();
    expect(releases).toBe(1);

    releases = 0;
    const busy = new InFlight(async () => void releases++);
    let finish = () => {};
    const call = busy.track(() => new Promise<string>((resolve) => (finish = () => resolve("done"))));
    busy.retire();
    expect(releases).toBe(0);
    finish();
    expect(await call).toBe("done");
    expect(releases).toBe(1);
  });

  it("counts failed calls as ended, and ignores a failing release", async () => {
    const inFlight = new InFlight(async () => {
      throw new Error("already gone");
    });
    await expect(inFlight.track(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    inFlight.retire();
  });
});

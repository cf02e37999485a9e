// BoundedQueue: a full queue makes the producer wait, items arrive in order, fail() aborts both sides.
import { describe, expect, it } from "vitest";
import { BoundedQueue } from "./bounded-queue.ts";

describe("BoundedQueue", () => {
  it("makes the producer wait while full and delivers in order", async () => {
    const queue = new BoundedQueue<number>(2);
    const pushed: number[] = [];
    const producer = (async () => {
      for (let i = 0; i < 5; i++) {
        await queue.push(i);
        pushed.push(i);
      }
      queue.close();
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Only `capacity` items fit before a consumer pulls.
    expect(pushed).toEqual([0, 1]);
    const received: number[] = [];
    for await (const item of queue) received.push(item);
    await producer;
    expect(received).toEqual([0, 1, 2, 3, 4]);
  });

  it("fail() aborts a waiting producer and consumer", async () => {
    const queue = new BoundedQueue<number>(1);
    await queue.push(1);
    const waitingPush = queue.push(2);
    const error = new Error("stage failed");
    queue.fail(error);
    await expect(waitingPush).rejects.toBe(error);
    await expect(queue.pull()).rejects.toBe(error);
  });
});

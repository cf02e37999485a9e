// A bounded async queue between pipeline stages: a full queue makes the producer wait, so memory
// stays bounded and the slowest stage sets the pace.

/** FIFO of at most `capacity` items; consumers iterate it with `for await`. */
export class BoundedQueue<T> implements AsyncIterable<T> {
  readonly capacity: number;
  private readonly items: T[] = [];
  private closed = false;
  private failure: { error: unknown } | null = null;
  private readonly waitingPush: (() => void)[] = [];
  private readonly waitingPull: (() => void)[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError("capacity must be a positive integer");
    this.capacity = capacity;
  }

  /** Number of queued items. */
  get size(): number {
    return this.items.length;
  }

  /** Adds an item, waiting while the queue is full. Throws after close() or fail(). */
  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed && !this.failure) {
      await new Promise<void>((resolve) => this.waitingPush.push(resolve));
    }
    if (this.failure) throw this.failure.error;
    if (this.closed) throw new Error("push after close");
    this.items.push(item);
    this.wake(this.waitingPull);
  }

  /** No more items: consumers finish after draining the queue. */
  close(): void {
    this.closed = true;
    this.wake(this.waitingPull);
    this.wake(this.waitingPush);
  }

  /** Aborts both sides: waiting producers and consumers throw `error`. */
  fail(error: unknown): void {
    if (!this.failure) this.failure = { error };
    this.wake(this.waitingPull);
    this.wake(this.waitingPush);
  }

  /** Next item, or `done` once closed and drained. */
  async pull(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.items.length > 0) {
        const value = this.items.shift() as T;
        this.wake(this.waitingPush);
        return { value, done: false };
      }
      if (this.closed) return { value: undefined, done: true };
      await new Promise<void>((resolve) => this.waitingPull.push(resolve));
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return { next: () => this.pull() };
  }

  private wake(waiters: (() => void)[]): void {
    for (const resolve of waiters.splice(0)) resolve();
  }
}

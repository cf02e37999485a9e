// An isolate-wide resource (an encoder's or a store's ONNX Runtime sessions) replaced by a newer deployment:
// its calls in flight are counted, and it is released once retired and idle, exactly once.

export class InFlight {
  private active = 0;
  private retired = false;
  private released = false;

  /** `release` frees the resource; its failure is ignored (the resource is gone either way). */
  constructor(private readonly release: () => Promise<void>) {}

  /** Runs `call` counted as in flight. */
  async track<T>(call: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await call();
    } finally {
      this.active--;
      this.releaseIfIdle();
    }
  }

  /** No new calls will come: release now if none is in flight, else when the last one ends. */
  retire(): void {
    this.retired = true;
    this.releaseIfIdle();
  }

  private releaseIfIdle(): void {
    if (!this.retired || this.active > 0 || this.released) return;
    this.released = true;
    this.release().catch(() => undefined);
  }
}

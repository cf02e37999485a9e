// Reads exact-size records (raw frames) from a chunked byte stream, pulling chunks only on demand
// so that a slow consumer leaves the producer's pipe full (backpressure).

export class ByteReader {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Resolves with exactly `size` bytes, or null when the stream ends first (leftover kept in `leftover`). */
  async read(size: number): Promise<Uint8Array | null> {
    while (this.buffered < size && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      else {
        this.chunks.push(next.value);
        this.buffered += next.value.length;
      }
    }
    if (this.buffered < size) return null;
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.chunks[0];
      const take = Math.min(chunk.length, size - filled);
      out.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(take);
    }
    this.buffered -= size;
    return out;
  }

  /**
   * Discards exactly `size` bytes without copying them (frames sampling does not keep); false when
   * the stream ends first.
   */
  async skip(size: number): Promise<boolean> {
    let left = size;
    for (;;) {
      while (left > 0 && this.chunks.length > 0) {
        const chunk = this.chunks[0];
        const take = Math.min(chunk.length, left);
        if (take === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(take);
        this.buffered -= take;
        left -= take;
      }
      if (left === 0) return true;
      if (this.ended) return false;
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      else {
        this.chunks.push(next.value);
        this.buffered += next.value.length;
      }
    }
  }

  /** Bytes received but not returned by read (non-zero after a short final record). */
  get leftover(): number {
    return this.buffered;
  }

  /** Stops reading from the source. */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

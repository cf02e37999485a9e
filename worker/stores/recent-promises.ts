// A small per-isolate cache of loads by key, the most recently used kept. A load that fails or resolves to
// null ("not there yet": a deploy in progress may write it next) is forgotten, so the next request retries.

export class RecentPromises<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly max: number) {}

  /** The cached load of `key`, else `load()` (kept while it succeeds with a non-null value). */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached) {
      // Most recently used last: the first key is the one evicted.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const loaded = load();
    this.entries.set(key, loaded);
    const forget = () => {
      if (this.entries.get(key) === loaded) this.entries.delete(key);
    };
    loaded.then((value) => value === null && forget(), forget);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return loaded;
  }
}

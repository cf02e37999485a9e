// Reads the worker isolate's V8 heap through `wrangler dev`'s DevTools inspector (Runtime.getHeapUsage).
// (It does not answer while the isolate is busy loading, so a peak cannot be sampled during a request.)
import { createRequire } from "node:module";

/** The slice of the `ws` client used here (ws is installed with wrangler; Node 20 has no WebSocket client). */
interface Socket {
  on(event: "message", listener: (data: Buffer) => void): void;
  once(event: "open", listener: () => void): void;
  once(event: "error", listener: (error: Error) => void): void;
  send(data: string): void;
  close(): void;
}
// wrangler's inspector proxy refuses undici's WebSocket handshake; `ws` is what its own tooling uses.
const WebSocketClient = createRequire(import.meta.url)("ws") as new (url: string) => Socket;

/** Runtime.getHeapUsage, bytes. backingStorageSize counts ArrayBuffer stores outside the V8 heap. */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

/** A connection to the isolate's inspector. */
export class IsolateInspector {
  private nextId = 1;
  private readonly pending = new Map<number, (value: unknown) => void>();
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.pending.get(message.id)?.(message.result);
    });
  }

  /** Connects to the first target listed at http://127.0.0.1:`port`/json. */
  static async connect(port: number): Promise<IsolateInspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    if (!targets[0]) throw new Error(`no inspector target on port ${port}`);
    const socket = new WebSocketClient(targets[0].webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new IsolateInspector(socket);
  }

  private call<T>(method: string, timeoutMs = 10_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, (value) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(value as T);
      });
      this.socket.send(JSON.stringify({ id, method }));
    });
  }

  heapUsage(): Promise<HeapUsage> {
    return this.call<HeapUsage>("Runtime.getHeapUsage");
  }

  /**
   * Collects garbage first, so the figure is what stays referenced: two full collections 1.5 s apart, because
   * ArrayBuffer backing stores are released by a pass after the one that finds them unreachable.
   */
  async heapUsageAfterGc(): Promise<HeapUsage> {
    await this.call("HeapProfiler.collectGarbage").catch(() => undefined);
    await new Promise((wake) => setTimeout(wake, 1500));
    await this.call("HeapProfiler.collectGarbage").catch(() => undefined);
    return this.heapUsage();
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Replies awaited on one connection, by key: the pongs of ws.ping, the echoed messages of chat.roundtrip. Requests
 * overlap on the connection and each is settled by its own reply only, so a late reply is never taken for another's.
 * Waiters older than the timeout are failed as new requests come (the load model has already counted them), oldest
 * first, so a server that never answers cannot make the map grow for the whole run.
 */
export class PendingReplies {
  private readonly pending = new Map<string, { readonly sentMs: number; resolve(): void; reject(e: Error): void }>();

  /** `late` names what did not come, for the message: `no pong`, `no answer`. */
  constructor(
    private readonly timeoutMs: number,
    private readonly late: string,
  ) {}

  /** Waits for the reply to `key`; `send` sends the request and calls `failed` if it could not be sent. */
  wait(key: string, send: (failed: (e: Error) => void) => void): Promise<void> {
    this.forgetExpired();
    return new Promise((resolve, reject) => {
      this.pending.set(key, { sentMs: performance.now(), resolve, reject });
      send((e) => {
        this.pending.delete(key);
        reject(e);
      });
    });
  }

  /** Settles the request `key` answers; a key nobody waits for (late, or not the probe's) is ignored. */
  answered(key: string): void {
    const waiter = this.pending.get(key);
    if (waiter === undefined) return;
    this.pending.delete(key);
    waiter.resolve();
  }

  /** Fails every waiter: the connection is gone. */
  failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  private forgetExpired(): void {
    const oldestKept = performance.now() - this.timeoutMs;
    for (const [key, waiter] of this.pending) {
      if (waiter.sentMs > oldestKept) return;
      this.pending.delete(key);
      waiter.reject(new Error(`${this.late} within ${this.timeoutMs} ms`));
    }
  }
}

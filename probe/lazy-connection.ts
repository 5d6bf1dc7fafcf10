/**
 * One connection of a check, opened when first needed and again after it is lost. A target that drops or refuses
 * connections must cost the probe errors, never a crash, a hang or a reconnect storm: opens are shared by the
 * requests waiting for them, and after a failed open the next attempt waits RETRY_AFTER_MS, failing requests with
 * the last error meanwhile.
 */

/** Wait after a failed open before trying again. */
export const RETRY_AFTER_MS = 100;

export interface ConnectionKind<T> {
  /** Opens a connection; must settle on its own (bounded by the check's timeout). */
  open(): Promise<T>;
  /** False once the connection is closed or broken. */
  isOpen(connection: T): boolean;
  /** Drops the connection at once. */
  destroy(connection: T): void;
}

export class LazyConnection<T> {
  private current: T | undefined;
  private opening: Promise<T> | undefined;
  private lastFailure: { readonly atMs: number; readonly error: unknown } | undefined;
  private closed = false;

  constructor(private readonly kind: ConnectionKind<T>) {}

  /** The connection if it is open now, without waiting: the fast path of every request. */
  ready(): T | undefined {
    return this.current !== undefined && this.kind.isOpen(this.current) ? this.current : undefined;
  }

  /** The open connection, the one being opened, or a new one; rejects with the last error while retries wait. */
  get(): Promise<T> {
    const ready = this.ready();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.closed) return Promise.reject(new Error('the probe has closed this connection'));
    if (this.opening !== undefined) return this.opening;
    if (this.lastFailure !== undefined && performance.now() - this.lastFailure.atMs < RETRY_AFTER_MS) return Promise.reject(this.lastFailure.error);
    this.opening = this.kind.open().then(
      (connection) => {
        this.opening = undefined;
        if (this.closed) {
          this.kind.destroy(connection);
          throw new Error('the probe has closed this connection');
        }
        this.current = connection;
        this.lastFailure = undefined;
        return connection;
      },
      (error: unknown) => {
        this.opening = undefined;
        this.lastFailure = { atMs: performance.now(), error };
        throw error;
      },
    );
    return this.opening;
  }

  /** True while an open is under way. */
  get isOpening(): boolean {
    return this.opening !== undefined;
  }

  /** Drops the connection, and the one being opened once it opens. */
  close(): void {
    this.closed = true;
    if (this.current !== undefined) this.kind.destroy(this.current);
    this.current = undefined;
  }
}

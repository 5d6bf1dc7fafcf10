/** How the load models drive a check: the shapes every check (probe/checks/*) implements. */

/** One request: resolves when it is answered, rejects when it fails. */
export type Operation = () => Promise<void>;

/** What a check is told when it opens. */
export interface CheckContext {
  /** A request unanswered this long is an error; connects and per-request state are bounded by it too. */
  readonly timeoutMs: number;
  /**
   * How long opening a check may wait for its setup (connections, a first write). What is unfinished by then goes
   * on in the background and the requests wait for it, so a slow or stalled target delays the run by this much at
   * most.
   */
  readonly setupMs: number;
  /** The target's region: what an IAM token is signed for. @default - none (IAM authentication is refused) */
  readonly region?: string;
}

/** A virtual user of the closed model (probe/closed-model.ts). */
export interface VirtualUser {
  /** Opens the user's own connection before the clock starts, when it has one; never rejects (a failed connect is retried by the next request). */
  connect(): Promise<void>;
  /** The user's next request. */
  readonly request: Operation;
  /** Drops the user's connections at once. */
  close(): void;
}

/** A check set up against its endpoint. */
export interface CheckSession {
  /** One request of the open model, on the session's shared connections. */
  readonly request: Operation;
  /**
   * A new virtual user: with its own connection where a real client has one (WebSocket, HTTP keep-alive), else on
   * the session's shared connections, as a service's pool would be.
   */
  user(): VirtualUser;
  /** Closes every connection immediately: nothing the target does (or fails to do) can hold it up. */
  close(): void;
}

/** A check that is ready, or that cannot run against this target and says why (e.g. a table that is not there). */
export type OpenedCheck = { readonly session: CheckSession } | { readonly skipped: string };

/** A virtual user sharing the session's connections. */
export function sharedUser(request: Operation): VirtualUser {
  return { connect: () => Promise.resolve(), request, close: () => undefined };
}

/** Waits for `promise` to settle, or `ms` at most; never rejects (the promise carries on, its outcome unused). */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** The message of anything thrown, for error counts. */
export function errorMessage(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return errorMessage(e.errors[0]);
  if (e instanceof Error) return e.message || e.name || (e as NodeJS.ErrnoException).code || 'error';
  return String(e);
}

/**
 * A check that cannot reach its endpoint for a reason found while opening it (an identity that cannot be signed):
 * every request fails with that reason, so the run counts it as errors instead of stopping.
 */
export function failedCheck(reason: unknown): OpenedCheck {
  const error = reason instanceof Error ? reason : new Error(String(reason));
  const request: Operation = () => Promise.reject(error);
  return { session: { request, user: () => sharedUser(request), close: () => undefined } };
}

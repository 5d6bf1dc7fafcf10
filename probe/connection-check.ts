/**
 * The shape of a check whose requests overlap on a long-lived connection (ws.ping, chat.roundtrip): one connection
 * opened during setup carries the open model's requests, and each closed-model user opens its own, as a real client
 * holds its own socket. Connections are opened lazily and again after they are lost (probe/lazy-connection.ts).
 */
import { LazyConnection } from './lazy-connection';
import { waitAtMost, type CheckContext, type OpenedCheck, type VirtualUser } from './session';

/** What such a connection offers. */
export interface LongLivedConnection {
  readonly isOpen: boolean;
  destroy(): void;
}

/**
 * Opens the check: `open` makes a connection (settling within the check's timeout), `request` sends one request on it.
 * Closing the session destroys every connection it opened, then calls `onClose` (for what `open` tracks itself).
 */
export async function openConnectionCheck<C extends LongLivedConnection>(
  open: () => Promise<C>,
  request: (connection: C) => Promise<void>,
  context: CheckContext,
  onClose: () => void = () => undefined,
): Promise<OpenedCheck> {
  const opened = new Set<C>();
  const newConnection = (): LazyConnection<C> =>
    new LazyConnection<C>({
      open: async () => {
        const connection = await open();
        opened.add(connection);
        return connection;
      },
      isOpen: (c) => c.isOpen,
      destroy: (c) => c.destroy(),
    });
  const send = (connection: LazyConnection<C>) => async (): Promise<void> => request(connection.ready() ?? (await connection.get()));

  const shared = newConnection();
  await waitAtMost(shared.get(), context.setupMs);
  const user = (): VirtualUser => {
    const own = newConnection();
    return { connect: () => own.get().then(() => undefined, () => undefined), request: send(own), close: () => own.close() };
  };
  return {
    session: {
      request: send(shared),
      user,
      close: () => {
        shared.close();
        for (const c of opened) c.destroy();
        opened.clear();
        onClose();
      },
    },
  };
}

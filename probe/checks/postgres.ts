/**
 * postgres.select1 and postgres.memory_read: one query per request on a small set of connections per endpoint, each
 * request on the connection with the fewest queries outstanding (a Postgres connection runs one query at a time, so
 * a few let requests overlap without the probe becoming a load on the reader). Given several endpoints (a sample of
 * shards), requests take them in turn, so the P95 is the sample's. TLS comes from the URL as `pg` reads it:
 * `?sslmode=verify-full&sslrootcert=/path/to/rds-bundle.pem` (Aurora's CA is not in Node's store; an RDS Proxy's
 * is). `auth=iam` signs in with an IAM token instead of a password (probe/rds-iam.ts).
 */
import { Socket } from 'node:net';
import { Client } from 'pg';
import type { ProbeCheck } from '../../lib/facts/probe-checks';
import { PROBE_MEMORY_VIEW, PROBE_USER_ID_PREFIX } from '../../lib/facts/aurora';
import { LazyConnection } from '../lazy-connection';
import { connectionStringFor, rdsIamToken, type TokenProvider } from '../rds-iam';
import { sharedUser, waitAtMost, type CheckContext, type OpenedCheck } from '../session';

/** Connections per endpoint of a check. */
export const POSTGRES_CONNECTIONS = 4;

/**
 * The Memory service's point read by primary key (db/migrations/0001_ai_user_memory.sql), prepared once per
 * connection, on the reserved probe users' rows: through PROBE_MEMORY_VIEW (0004_probe_role.sql), the only relation
 * the probe's database user may read, whose condition Postgres folds into the same primary key lookup.
 */
export const MEMORY_READ = {
  name: 'gigascale_probe_memory_read',
  text: `SELECT value FROM ${PROBE_MEMORY_VIEW} WHERE user_id = $1 AND key = $2`,
} as const;
/**
 * The (user, key) pairs the memory read cycles through, reserved probe users (PROBE_USER_ID_PREFIX), so its reads
 * land on several hash partitions. On a shard none of them need exist: an index lookup that finds nothing descends
 * the same btree as one that finds a row. probe:local seeds exactly these (local/postgres.ts), so there every read
 * finds one.
 */
export const PROBE_MEMORY_KEYS: readonly { readonly userId: string; readonly key: string }[] = Array.from({ length: 16 }, (_, i) => ({ userId: `${PROBE_USER_ID_PREFIX}${i}`, key: 'probe' }));

function memoryKeyValues(n: number): [string, string] {
  const { userId, key } = PROBE_MEMORY_KEYS[n % PROBE_MEMORY_KEYS.length];
  return [userId, key];
}

interface PgConnection {
  readonly client: Client;
  readonly socket: Socket;
  open: boolean;
  outstanding: number;
  /** Settles when every query handed to the client so far has; the next query waits for it. */
  tail: Promise<unknown>;
}

/** Opens postgres.select1 or postgres.memory_read on the `postgres://` URLs `urls`, taken in turn. */
export async function openPostgresCheck(
  check: Extract<ProbeCheck, 'postgres.select1' | 'postgres.memory_read'>,
  urls: readonly string[],
  context: CheckContext,
  connections: number = POSTGRES_CONNECTIONS,
  tokens: TokenProvider = rdsIamToken,
): Promise<OpenedCheck> {
  const { timeoutMs } = context;
  const endpoints = urls.map((url) =>
    Array.from(
      { length: connections },
      () => new LazyConnection<PgConnection>({ open: () => connect(url, context.region, tokens, timeoutMs), isOpen: (c) => c.open, destroy: disconnect }),
    ),
  );
  const lanes = endpoints.flat();
  const close = (): void => lanes.forEach((l) => l.close());
  const began = performance.now();
  const first = await firstOpen(lanes, context.setupMs);

  if (check === 'postgres.memory_read' && first !== undefined) {
    const present = await viewExists(first, Math.max(0, context.setupMs - (performance.now() - began)));
    if (present === false) {
      close();
      return { skipped: `view ${PROBE_MEMORY_VIEW} does not exist on this database; apply db/migrations (npm run migrate)` };
    }
  }

  let sequence = 0;
  let turn = 0;
  const query = check === 'postgres.select1' ? () => 'SELECT 1' : () => ({ ...MEMORY_READ, values: memoryKeyValues(sequence++) });
  const request = async (): Promise<void> => {
    const own = endpoints[turn++ % endpoints.length];
    const connection = leastBusy(own) ?? (await Promise.any(own.map((l) => l.get())));
    connection.outstanding++;
    // One query at a time on a connection, queued here rather than in pg: pg 8 deprecates query() while the client
    // runs one and pg@9 refuses it, which would count as errors of the database. The wait is the same either way:
    // a Postgres connection runs one query at a time.
    const answered = connection.tail.then(() => connection.client.query(query()));
    connection.tail = answered.catch(() => undefined);
    try {
      await answered;
    } finally {
      connection.outstanding--;
    }
  };
  return { session: { request, user: () => sharedUser(request), close } };
}

/** Starts opening every lane and waits for the first to open, `ms` at most; the others go on opening meanwhile. */
async function firstOpen(lanes: readonly LazyConnection<PgConnection>[], ms: number): Promise<PgConnection | undefined> {
  let first: PgConnection | undefined;
  const opens = lanes.map((l) => l.get().then((c) => (first ??= c)));
  await waitAtMost(Promise.any(opens), ms);
  return first;
}

/** Whether PROBE_MEMORY_VIEW exists, or undefined when the database does not say within `ms` (the check then runs and its errors tell). */
async function viewExists(connection: PgConnection, ms: number): Promise<boolean | undefined> {
  let present: boolean | undefined;
  const query = connection.client.query<{ present: boolean }>(`SELECT to_regclass('${PROBE_MEMORY_VIEW}') IS NOT NULL AS present`).then((r) => (present = r.rows[0]?.present));
  await waitAtMost(query, ms);
  return present;
}

/** The open connection with the fewest queries outstanding, or undefined when none is open. */
function leastBusy(lanes: readonly LazyConnection<PgConnection>[]): PgConnection | undefined {
  let best: PgConnection | undefined;
  for (const lane of lanes) {
    const c = lane.ready();
    if (c !== undefined && (best === undefined || c.outstanding < best.outstanding)) best = c;
  }
  return best;
}

/** Time a closing connection gets to say goodbye before its socket is destroyed. */
const CLOSE_GRACE_MS = 200;

/**
 * Ends a connection with a Terminate message, so the server does not log every probe run as a client that vanished,
 * and destroys its socket if that has not closed it soon after. Returns at once.
 */
function disconnect(connection: PgConnection): void {
  connection.open = false;
  connection.client.end().catch(() => undefined);
  setTimeout(() => connection.socket.destroy(), CLOSE_GRACE_MS).unref();
}

/**
 * A connected client whose socket the probe holds, so closing never waits on a server that does not answer. An
 * `auth=iam` URL gets a fresh token for each connection (a token is good for 15 minutes, a connection for longer).
 */
async function connect(url: string, region: string | undefined, tokens: TokenProvider, timeoutMs: number): Promise<PgConnection> {
  const connectionString = await connectionStringFor(url, region, tokens);
  const socket = new Socket();
  const client = new Client({ connectionString, connectionTimeoutMillis: timeoutMs, application_name: 'gigascale-probe', stream: () => socket });
  const connection: PgConnection = { client, socket, open: false, outstanding: 0, tail: Promise.resolve() };
  // A lost connection fails its queries through their promises; the events only mark it closed.
  client.on('error', () => (connection.open = false));
  client.on('end', () => (connection.open = false));
  try {
    await client.connect();
  } catch (e) {
    socket.destroy();
    throw e;
  }
  connection.open = true;
  return connection;
}

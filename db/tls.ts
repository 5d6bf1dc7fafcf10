/**
 * TLS of the runner's connection, from the libpq variables PGSSLMODE and PGSSLROOTCERT, with libpq's meaning.
 * `pg` reads PGSSLMODE itself but maps verify-ca to a full check including the host name; the Jobs reach a shard
 * through its private-zone alias (`writer.shard-0007.db.<env>.gigascale.internal`), which is not on Aurora's
 * certificate, so they need verify-ca as libpq defines it: the chain must lead to the given root, the name is not
 * compared.
 */
import type { ConnectionOptions } from 'node:tls';
import { GigascaleError } from '../lib/util/errors';

export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** `false` for no TLS, or the options `pg` passes to `tls.connect`. */
export type PgSsl = false | ConnectionOptions;

/**
 * - disable: plain TCP (local tests only; Aurora refuses it with rds.force_ssl);
 * - require: TLS, no certificate check (libpq's require without a root certificate);
 * - verify-ca: chain checked against PGSSLROOTCERT, host name not compared;
 * - verify-full: chain checked against PGSSLROOTCERT (or Node's store) and the host name compared.
 * Unset means verify-full: a runner that silently skipped the check would be worse than one that fails.
 */
export function sslFromEnv(env: Readonly<Record<string, string | undefined>>, readFile: (path: string) => string): PgSsl {
  const mode = env.PGSSLMODE ?? 'verify-full';
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new GigascaleError('Invalid environment', [{ at: 'PGSSLMODE', message: `must be one of ${SSL_MODES.join(', ')}, got ${JSON.stringify(mode)}` }]);
  }
  const rootPath = env.PGSSLROOTCERT;
  const ca = (): string | undefined => {
    if (rootPath === undefined || rootPath === '') return undefined;
    try {
      return readFile(rootPath);
    } catch (e) {
      throw new GigascaleError('Invalid environment', [{ at: 'PGSSLROOTCERT', message: `cannot read ${rootPath}: ${(e as Error).message}` }]);
    }
  };
  switch (mode as SslMode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca': {
      const root = ca();
      if (root === undefined) {
        throw new GigascaleError('Invalid environment', [
          { at: 'PGSSLROOTCERT', message: 'must name the root certificate bundle when PGSSLMODE=verify-ca (the RDS bundle in the runner image)' },
        ]);
      }
      return { ca: root, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    }
    case 'verify-full': {
      const root = ca();
      return root === undefined ? { rejectUnauthorized: true } : { ca: root, rejectUnauthorized: true };
    }
  }
}

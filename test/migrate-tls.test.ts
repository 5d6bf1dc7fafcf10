import { describe, expect, it } from 'vitest';
import { GigascaleError } from '../lib/util/errors';
import { sslFromEnv } from '../db/tls';

const BUNDLE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const read = (path: string): string => {
  if (path === '/etc/ssl/certs/rds-global-bundle.pem') return BUNDLE;
  throw new Error('ENOENT: no such file or directory');
};

function problem(env: Record<string, string>): string {
  try {
    sslFromEnv(env, read);
  } catch (e) {
    if (e instanceof GigascaleError) return e.issues.map((i) => `${i.at}: ${i.message}`).join('\n');
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('runner TLS from PGSSLMODE / PGSSLROOTCERT', () => {
  it('verify-ca checks the chain against the root bundle and does not compare the host name (the private-zone alias)', () => {
    const ssl = sslFromEnv({ PGSSLMODE: 'verify-ca', PGSSLROOTCERT: '/etc/ssl/certs/rds-global-bundle.pem' }, read);
    expect(ssl).toMatchObject({ ca: BUNDLE, rejectUnauthorized: true });
    const check = (ssl as { checkServerIdentity: (host: string, cert: object) => Error | undefined }).checkServerIdentity;
    expect(check('writer.shard-0007.db.prod.gigascale.internal', {})).toBeUndefined();
  });

  it('verify-full, also the default when PGSSLMODE is unset, checks the chain and leaves the host name check to Node', () => {
    expect(sslFromEnv({}, read)).toEqual({ rejectUnauthorized: true });
    expect(sslFromEnv({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/ssl/certs/rds-global-bundle.pem' }, read)).toEqual({ ca: BUNDLE, rejectUnauthorized: true });
  });

  it('disable is plain TCP and require is unverified TLS', () => {
    expect(sslFromEnv({ PGSSLMODE: 'disable' }, read)).toBe(false);
    expect(sslFromEnv({ PGSSLMODE: 'require' }, read)).toEqual({ rejectUnauthorized: false });
  });

  it('refuses verify-ca without a root bundle, an unreadable bundle and an unknown mode, naming the variable', () => {
    expect(problem({ PGSSLMODE: 'verify-ca' })).toBe(
      'PGSSLROOTCERT: must name the root certificate bundle when PGSSLMODE=verify-ca (the RDS bundle in the runner image)',
    );
    expect(problem({ PGSSLMODE: 'verify-ca', PGSSLROOTCERT: '/nope.pem' })).toBe('PGSSLROOTCERT: cannot read /nope.pem: ENOENT: no such file or directory');
    expect(problem({ PGSSLMODE: 'prefer' })).toBe('PGSSLMODE: must be one of disable, require, verify-ca, verify-full, got "prefer"');
  });
});

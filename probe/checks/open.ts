/** Opens any check of the probe against its endpoint in a target. */
import { CHECK_FIELD, type ProbeCheck } from '../../lib/facts/probe-checks';
import type { CheckContext, OpenedCheck } from '../session';
import type { ProbeTarget } from '../../lib/facts/probe-checks';
import { openHttpCheck } from './http';
import { openPostgresCheck } from './postgres';
import { openRedisCheck } from './redis';
import { openWsConnectCheck, openWsPingCheck } from './ws';
import { openChatCheck } from './chat';

/** Opens `check` on its endpoint of `target`, which must be present (CHECK_FIELD). */
export function openCheck(check: ProbeCheck, target: ProbeTarget, context: CheckContext): Promise<OpenedCheck> {
  const endpoint = target[CHECK_FIELD[check]];
  if (endpoint === undefined) throw new Error(`${check} needs the target's ${CHECK_FIELD[check]} endpoint`);
  if (check === 'postgres.select1' || check === 'postgres.memory_read') return openPostgresCheck(check, typeof endpoint === 'string' ? [endpoint] : endpoint, context);
  if (typeof endpoint !== 'string') throw new Error(`${check} takes one ${CHECK_FIELD[check]} endpoint`);
  const url = endpoint;
  switch (check) {
    case 'redis.set':
    case 'redis.get':
      return openRedisCheck(check, url, context);
    case 'http.get':
    case 'profile.read.origin':
    case 'profile.read.edge':
      return openHttpCheck(url, context);
    case 'ws.connect':
      return openWsConnectCheck(url, context);
    case 'ws.ping':
      return openWsPingCheck(url, context);
    case 'chat.roundtrip':
      return openChatCheck(url, context);
  }
}

/**
 * Connections (file descriptors) each closed-model user of a check may hold at once; checks on shared connections
 * are absent. A ws.connect user has its closing connection and its next one open side by side.
 */
export const CONNECTIONS_PER_USER: Readonly<Partial<Record<ProbeCheck, number>>> = {
  'http.get': 1,
  'profile.read.origin': 1,
  'profile.read.edge': 1,
  'ws.connect': 2,
  'ws.ping': 1,
  'chat.roundtrip': 1,
};

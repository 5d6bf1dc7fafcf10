/** Opens any check of the probe against its endpoint in a target. */
import { CHECK_FIELD, type ProbeCheck } from '../../lib/facts/probe-checks';
import { failedCheck, type CheckContext, type OpenedCheck } from '../session';
import { webSocketRequestFor, type WebSocketRequest } from '../probe-identity';
import type { ProbeTarget } from '../../lib/facts/probe-checks';
import { openHttpCheck } from './http';
import { openPostgresCheck } from './postgres';
import { openRedisCheck } from './redis';
import { openWsConnectCheck, openWsPingCheck } from './ws';
import { openChatCheck } from './chat';

/** Opens `check` on its endpoint of `target`, which must be present (CHECK_FIELD). */
export async function openCheck(check: ProbeCheck, target: ProbeTarget, context: CheckContext): Promise<OpenedCheck> {
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
    case 'ws.ping':
    case 'chat.roundtrip': {
      let request: WebSocketRequest;
      try {
        request = await webSocketRequestFor(url, context.region);
      } catch (e) {
        return failedCheck(e);
      }
      const open = { 'ws.connect': openWsConnectCheck, 'ws.ping': openWsPingCheck, 'chat.roundtrip': openChatCheck }[check];
      return open(request, context);
    }
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

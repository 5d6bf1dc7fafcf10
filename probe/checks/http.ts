/**
 * http.get, profile.read.origin and profile.read.edge: a GET of the target URL per request over kept-alive
 * connections, answered when the whole body has arrived; a status outside 2xx is an error. The open model shares a
 * bounded pool, as a client behind one load balancer would; in the closed model every virtual user keeps its own
 * connection, as a browser does.
 */
import { Agent as HttpAgent, get as httpGet, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, get as httpsGet } from 'node:https';
import type { CheckContext, OpenedCheck, Operation, VirtualUser } from '../session';

type Agent = HttpAgent | HttpsAgent;

/** Connections the open model's requests share; more in flight wait for one, as in any client pool. */
export const HTTP_SHARED_SOCKETS = 16;

/** Opens http.get on the `http://` or `https://` URL `url`. */
export function openHttpCheck(url: string, context: CheckContext): Promise<OpenedCheck> {
  const secure = new URL(url).protocol === 'https:';
  // noDelay is Node's default for agents; explicit because a Nagle delay would be charged to the target.
  const newAgent = (maxSockets: number): Agent => {
    const options = { keepAlive: true, maxSockets, noDelay: true };
    return secure ? new HttpsAgent(options) : new HttpAgent(options);
  };
  const agents = new Set<Agent>();
  const getOn = (agent: Agent): Operation => () => get(url, secure, agent, context.timeoutMs);

  const shared = newAgent(HTTP_SHARED_SOCKETS);
  agents.add(shared);
  const user = (): VirtualUser => {
    const agent = newAgent(1);
    agents.add(agent);
    const request = getOn(agent);
    return {
      // A first request opens the user's connection, so it is open when the clock starts.
      connect: () => request().catch(() => undefined),
      request,
      close: () => {
        agent.destroy();
        agents.delete(agent);
      },
    };
  };
  return Promise.resolve({
    session: {
      request: getOn(shared),
      user,
      close: () => {
        for (const agent of agents) agent.destroy();
        agents.clear();
      },
    },
  });
}

function get(url: string, secure: boolean, agent: Agent, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage): void => {
      const status = res.statusCode ?? 0;
      // The body is read to the end either way, so the connection can carry the next request.
      res.resume();
      res.on('end', () => (status >= 200 && status < 300 ? resolve() : reject(new Error(`HTTP ${status}`))));
      res.on('error', reject);
      res.on('close', () => (res.complete ? undefined : reject(new Error('the response was cut off'))));
    };
    const options = { agent, headers: { 'user-agent': 'gigascale-probe' } };
    const req: ClientRequest = secure ? httpsGet(url, options, onResponse) : httpGet(url, options, onResponse);
    req.on('error', reject);
    // Frees the connection of a request the probe has given up on, instead of leaving it to the server.
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
  });
}

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Host } from '../core/context.js';
import { loadActor } from '../auth/service.js';

const HEARTBEAT_MS = 30_000;
const PROTOCOL_PREFIX = 'depotdesk.bearer.';

interface Client {
  socket: WebSocket;
  orgId: string;
  userId: string;
  alive: boolean;
}

/**
 * Browsers cannot set headers on a WebSocket, so the token comes as a subprotocol
 * ("depotdesk.bearer.<token>") or, for scripts, as `?token=`.
 */
function tokenOf(req: IncomingMessage, url: URL): string | null {
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const fromProtocol = protocols.find((p) => p.startsWith(PROTOCOL_PREFIX));
  if (fromProtocol) return fromProtocol.slice(PROTOCOL_PREFIX.length);
  return url.searchParams.get('token');
}

/** The handshake's target, or null when it is not a path ("//x" would make `new URL` throw and kill the host). */
function targetOf(req: IncomingMessage): URL | null {
  const raw = req.url ?? '/';
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  try {
    return new URL(raw, 'http://host');
  } catch {
    return null;
  }
}

export interface RealtimeOptions {
  /**
   * Browsers send Origin on WebSocket handshakes but sockets are exempt from CORS, so a page from
   * another site could open one with a stolen token; the crew port only accepts its own origins.
   * Absent: no check (the loopback console port).
   */
  allowOrigin?: (origin: string) => boolean;
}

/** `/ws`: org-scoped fan-out of committed changes, with heartbeats that drop dead peers. */
export function attachRealtime(server: Server, host: Host, opts: RealtimeOptions = {}) {
  const clients = new Set<Client>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith(PROTOCOL_PREFIX)) ?? false,
  });

  const refuse = (socket: Duplex, status: number, message: string) => {
    socket.end(`HTTP/1.1 ${status} ${message}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}\n`);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = targetOf(req);
    if (!url || url.pathname !== '/ws') return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && opts.allowOrigin && !opts.allowOrigin(origin)) return refuse(socket, 403, 'Forbidden');
    const token = tokenOf(req, url);
    const session = token ? loadActor(host, token) : null;
    if (!session) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = { socket: ws, orgId: session.orgId, userId: session.actor.userId, alive: true };
      clients.add(client);
      host.metrics.openSockets.inc();
      ws.on('pong', () => (client.alive = true));
      // Clients only listen; anything they send is ignored, but a ping keeps proxies happy.
      ws.on('message', () => {});
      ws.on('close', () => {
        if (clients.delete(client)) host.metrics.openSockets.dec();
      });
      ws.on('error', () => ws.terminate());
      ws.send(JSON.stringify({ type: 'hello', orgId: session.orgId, data: { userId: session.actor.userId }, at: new Date(host.clock.now()).toISOString() }));
    });
  };
  server.on('upgrade', onUpgrade);

  const unsubscribe = host.bus.subscribe((message) => {
    const text = JSON.stringify(message);
    for (const c of clients) if (c.orgId === message.orgId && c.socket.readyState === c.socket.OPEN) c.socket.send(text);
  });

  const heartbeat = setInterval(() => {
    for (const c of clients) {
      if (!c.alive) {
        c.socket.terminate();
        continue;
      }
      c.alive = false;
      c.socket.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    clientCount: () => clients.size,
    close() {
      clearInterval(heartbeat);
      unsubscribe();
      server.off('upgrade', onUpgrade);
      for (const c of clients) c.socket.close(1001, 'host shutting down');
      wss.close();
    },
  };
}

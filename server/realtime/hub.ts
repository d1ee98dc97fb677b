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
  /** Set for technicians: they may only hear about their own and their teams' work. */
  crew: { teamIds: string[] } | null;
  alive: boolean;
}

interface BusMessage {
  type: string;
  orgId: string;
  data: { tables?: string[]; workOrderId?: unknown; [k: string]: unknown };
  at: string;
}

/**
 * What a technician's socket may receive. Only change notices (messages naming tables) go to
 * crews — live telemetry, vehicle positions and report progress are the desk's. A change to a work
 * order outside their scope is reduced to "these tables changed" (no type, ids or details), so the
 * phone still refreshes (work reassigned away disappears) without learning about others' jobs.
 */
function crewView(
  message: BusMessage,
  client: Client,
  scopeOf: (id: string) => { assigneeId: string | null; teamId: string | null } | undefined,
): string | null {
  const tables = message.data.tables;
  if (!Array.isArray(tables) || tables.length === 0) return null;
  const ids = new Set<string>();
  if (typeof message.data.workOrderId === 'string') ids.add(message.data.workOrderId);
  const changes = Array.isArray(message.data.changes) ? (message.data.changes as { table?: unknown; id?: unknown }[]) : [];
  for (const c of changes) if (c.table === 'work_orders' && typeof c.id === 'string') ids.add(c.id);
  const mine = (id: string) => {
    const wo = scopeOf(id);
    return Boolean(wo && (wo.assigneeId === client.userId || (wo.teamId !== null && client.crew!.teamIds.includes(wo.teamId))));
  };
  if ([...ids].every(mine)) return JSON.stringify(message);
  return JSON.stringify({ type: 'changed', orgId: message.orgId, data: { tables }, at: message.at });
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
   * another site could open one with a stolen token (or, after DNS rebinding, with the page's own).
   * Each port passes the origins it serves. Absent: no check (tests of the hub alone).
   */
  allowOrigin?: (origin: string) => boolean;
  /** The Host names this port answers to (DNS rebinding, server/http/host-guard.ts). Absent: any. */
  allowHost?: (host: string | undefined) => boolean;
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
    if (opts.allowHost && !opts.allowHost(req.headers.host)) return refuse(socket, 421, 'Misdirected Request');
    const origin = req.headers.origin;
    if (origin !== undefined && opts.allowOrigin && !opts.allowOrigin(origin)) return refuse(socket, 403, 'Forbidden');
    const token = tokenOf(req, url);
    const session = token ? loadActor(host, token) : null;
    if (!session) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const crew = session.actor.role === 'technician' ? { teamIds: [...(session.actor.teamIds ?? [])] } : null;
      const client: Client = { socket: ws, orgId: session.orgId, userId: session.actor.userId, crew, alive: true };
      clients.add(client);
      host.metrics.openSockets.inc();
      ws.on('pong', () => (client.alive = true));
      // Clients only listen; anything they send is ignored, but a ping keeps proxies happy.
      ws.on('message', () => {});
      ws.on('close', () => {
        if (clients.delete(client)) host.metrics.openSockets.dec();
      });
      ws.on('error', () => ws.terminate());
      ws.send(
        JSON.stringify({
          type: 'hello',
          orgId: session.orgId,
          data: { userId: session.actor.userId },
          at: new Date(host.clock.now()).toISOString(),
        }),
      );
    });
  };
  server.on('upgrade', onUpgrade);

  const scopeStmt = host.sqlite.prepare('SELECT assignee_id AS assigneeId, team_id AS teamId FROM work_orders WHERE id = ?');
  const unsubscribe = host.bus.subscribe((raw) => {
    const message = raw as BusMessage;
    const text = JSON.stringify(message);
    let scope: Map<string, { assigneeId: string | null; teamId: string | null } | undefined> | null = null;
    const scopeOf = (id: string) => {
      scope ??= new Map();
      if (!scope.has(id)) scope.set(id, scopeStmt.get(id) as { assigneeId: string | null; teamId: string | null } | undefined);
      return scope.get(id);
    };
    for (const c of clients) {
      if (c.orgId !== message.orgId || c.socket.readyState !== c.socket.OPEN) continue;
      const out = c.crew ? crewView(message, c, scopeOf) : text;
      if (out !== null) c.socket.send(out);
    }
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

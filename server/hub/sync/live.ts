import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LivePoke } from '../../sync/contract-protocol.js';
import type { HubDeps } from '../deps.js';
import { nodeByCredentialHash } from '../db/lookups.js';
import { sha256 } from '../secrets.js';

export const LIVE_PATH = '/hub/v1/sync/live';

/**
 * The live sockets of one hub, by org (docs/sync.md, "Live"): a push that committed pokes only its
 * own org's depots with the new version; they pull on it. Keyed by the hub's pool, so two hubs in
 * one process (tests) never poke each other's sockets.
 */
export class LiveSockets {
  private readonly byOrg = new Map<string, Set<WebSocket>>();

  add(orgId: string, socket: WebSocket): void {
    const set = this.byOrg.get(orgId) ?? new Set();
    set.add(socket);
    this.byOrg.set(orgId, set);
    socket.on('close', () => {
      set.delete(socket);
      if (set.size === 0 && this.byOrg.get(orgId) === set) this.byOrg.delete(orgId);
    });
  }

  poke(orgId: string, version: number): void {
    const set = this.byOrg.get(orgId);
    if (!set) return;
    const message = JSON.stringify({ type: 'version', version } satisfies LivePoke);
    for (const socket of set) if (socket.readyState === socket.OPEN) socket.send(message);
  }

  count(orgId: string): number {
    return this.byOrg.get(orgId)?.size ?? 0;
  }
}

const registries = new WeakMap<object, LiveSockets>();

export function liveSocketsOf(deps: HubDeps): LiveSockets {
  let live = registries.get(deps.pool);
  if (!live) registries.set(deps.pool, (live = new LiveSockets()));
  return live;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The WebSocket upgrade for LIVE_PATH: the node credential on the handshake (Authorization: Bearer),
 * checked like every depot request; other paths are left to whoever else listens for upgrades.
 */
export function attachLive(server: http.Server, deps: HubDeps, opts: { heartbeatMs?: number } = {}): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const live = liveSocketsOf(deps);
  // A dead peer (power cut at the depot) answers no ping: each beat drops a socket that did not
  // answer the last one, so the set does not grow.
  const alive = new WeakSet<WebSocket>();
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== LIVE_PATH) return;
    const match = /^Bearer\s+(\S{1,512})$/i.exec(req.headers.authorization ?? '');
    if (!match) return refuse(socket, 401, 'Unauthorized');
    nodeByCredentialHash(deps.pool, sha256(match[1]!)).then(
      (node) => {
        if (!node) return refuse(socket, 401, 'Unauthorized');
        wss.handleUpgrade(req, socket, head, (ws) => {
          // Alive from the start, and again on each pong. Marked here, not on wss 'connection':
          // handleUpgrade never emits that, and a socket never marked was dropped at its first beat.
          alive.add(ws);
          ws.on('pong', () => alive.add(ws));
          // Depots only listen; anything they send is ignored.
          ws.on('message', () => {});
          ws.on('error', () => ws.terminate());
          live.add(node.orgId, ws);
        });
      },
      () => refuse(socket, 503, 'Service Unavailable'),
    );
  };
  server.on('upgrade', onUpgrade);
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) ws.terminate();
      else {
        alive.delete(ws);
        ws.ping();
      }
    }
  }, opts.heartbeatMs ?? 30_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    server.off('upgrade', onUpgrade);
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

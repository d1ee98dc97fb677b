import { EventEmitter } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from '../../core/prng.js';

/**
 * A man in the middle between a depot and its hub, for the sync fault tests: every HTTP request is
 * read whole, then passed, dropped, duplicated, delayed, held, or answered and then lost, per the
 * current fault; WebSocket upgrades (the live socket) are piped through untouched, and cut by a
 * partition. The hub behind it can move (a restarted hub has a new port): `target` is settable.
 *
 * Faults that pick at random use a seeded PRNG; the seed comes from DEPOTDESK_FAULT_SEED when set,
 * so a failing run replays, and every test names `proxy.seed` in its assertion messages.
 */

export type FaultMode =
  /** Forward as is. */
  | 'pass'
  /** Close the depot's connection without forwarding: the hub never sees the request. */
  | 'drop'
  /** Send the request to the hub twice at once; the depot gets the first answer. */
  | 'duplicate'
  /** Forward, wait for the hub's answer, then destroy the depot's connection: applied, never acknowledged. */
  | 'lose-answer'
  /** Forward after `delayMs`. */
  | 'delay'
  /** Forward, keep the hub's answer until `release()`: the request is in flight as long as the test wants. */
  | 'hold'
  /** Keep the request unsent until `release()`: requests of several depots then reach the hub at one moment. */
  | 'gate'
  /** Keep the request unsent and close the depot's connection; `replayCaptured()` delivers it later (a reordered, late copy). */
  | 'capture'
  /** Refuse connections (and cut open live sockets): the hub is unreachable. */
  | 'partition'
  /** Forward, then send the head and half the answer's body and reset the connection. */
  | 'reset-mid-body';

export interface Fault {
  mode: FaultMode;
  /** Which requests: a path prefix (default: every request). */
  path?: string;
  /** HTTP method to match (default: any). */
  method?: string;
  /** The chance a matching request is hit, drawn from the seeded PRNG (default 1). */
  probability?: number;
  /** Hit at most this many requests, then pass again (default: until `heal()`). */
  times?: number;
  delayMs?: number;
  /** A hit request gets one of these, drawn from the seeded PRNG (then `mode` only says a fault is on). */
  choices?: FaultMode[];
}

export interface ProxyEvent {
  n: number;
  method: string;
  path: string;
  /** What the proxy did: the fault mode applied, or 'pass'. */
  action: FaultMode;
  /** The hub's status for each copy forwarded (two for a duplicate), filled when they arrive. */
  hubStatus: number[];
}

export interface CapturedRequest {
  method: string;
  path: string;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

interface HubAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The proxy's seeded PRNG (core/prng.ts): the same faults for the same seed. */
export const prng = mulberry32;

export function seedFromEnv(): number {
  const raw = process.env.DEPOTDESK_FAULT_SEED;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new Error(`DEPOTDESK_FAULT_SEED must be an integer, not "${raw}"`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host']);

function copyHeaders(h: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

export class FaultProxy extends EventEmitter {
  readonly seed: number;
  readonly events: ProxyEvent[] = [];
  readonly captured: CapturedRequest[] = [];
  private readonly random: () => number;
  private fault: Fault = { mode: 'pass' };
  private hits = 0;
  private readonly held = new Set<(how: 'send' | 'destroy') => void>();
  private readonly sockets = new Set<net.Socket>();
  private readonly tunnels = new Set<net.Socket>();
  private server: http.Server | null = null;
  url = '';

  constructor(
    /** The hub's base URL, e.g. http://127.0.0.1:4500; set it again when the hub moves. */
    public target: string,
    seed: number = seedFromEnv(),
  ) {
    super();
    this.seed = seed;
    this.random = prng(seed);
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      if (this.fault.mode === 'partition') return void socket.destroy();
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => this.tunnel(req, socket as net.Socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** Switch to a fault; 'partition' also cuts every open connection, live sockets included. */
  set(fault: Fault): void {
    this.fault = fault;
    this.hits = 0;
    if (fault.mode === 'partition') this.cutAll();
  }

  heal(): void {
    this.set({ mode: 'pass' });
  }

  /** Requests held in 'gate' mode and answers held in 'hold' mode go on ('send') or their connections are cut ('destroy'). */
  release(how: 'send' | 'destroy' = 'send'): void {
    for (const r of [...this.held]) r(how);
    this.held.clear();
  }

  get heldCount(): number {
    return this.held.size;
  }

  /** Resolves with the first event (past or future) that `pred` accepts. */
  waitForEvent(pred: (e: ProxyEvent) => boolean, timeoutMs = 20_000): Promise<ProxyEvent> {
    const found = this.events.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('event', on);
        reject(new Error(`proxy (seed ${this.seed}): no matching request within ${timeoutMs} ms; saw ${this.describe()}`));
      }, timeoutMs);
      const on = (e: ProxyEvent) => {
        if (!pred(e)) return;
        clearTimeout(timer);
        this.off('event', on);
        resolve(e);
      };
      this.on('event', on);
    });
  }

  /** Sends a captured request to the hub now (a late, reordered copy) and returns the hub's answer. */
  async replayCaptured(c: CapturedRequest): Promise<{ status: number; body: unknown }> {
    const a = await this.forward(c);
    return { status: a.status, body: JSON.parse(a.body.toString() || 'null') };
  }

  /** One line per request, for failure messages. */
  describe(): string {
    return `seed ${this.seed}: ${this.events.map((e) => `#${e.n} ${e.method} ${e.path.split('?')[0]} ${e.action} [${e.hubStatus.join(',')}]`).join('; ')}`;
  }

  async stop(): Promise<void> {
    this.release('destroy');
    this.cutAll();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private cutAll(): void {
    for (const s of this.sockets) s.destroy();
    for (const s of this.tunnels) s.destroy();
  }

  private pick(req: http.IncomingMessage): FaultMode {
    const f = this.fault;
    if (f.mode === 'pass') return 'pass';
    if (f.path && !(req.url ?? '').startsWith(f.path)) return 'pass';
    if (f.method && f.method.toUpperCase() !== req.method) return 'pass';
    if (f.times !== undefined && this.hits >= f.times) return 'pass';
    // Drawn for every matching request, so the sequence depends only on the seed and the request order.
    if (f.probability !== undefined && this.random() >= f.probability) return 'pass';
    this.hits += 1;
    if (f.choices?.length) return f.choices[Math.floor(this.random() * f.choices.length)]!;
    return f.mode;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // the depot went away while sending
    }
    const request: CapturedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: copyHeaders(req.headers),
      body: Buffer.concat(chunks),
    };
    const action = this.pick(req);
    const event: ProxyEvent = { n: this.events.length + 1, method: request.method, path: request.path, action, hubStatus: [] };
    this.events.push(event);
    const cut = (): void => void res.socket?.destroy();
    const send = (a: HubAnswer) => {
      const headers = copyHeaders(a.headers);
      headers['content-length'] = a.body.length;
      res.writeHead(a.status, headers);
      res.end(a.body);
    };
    const forward = async (): Promise<HubAnswer | null> => {
      try {
        const a = await this.forward(request);
        event.hubStatus.push(a.status);
        return a;
      } catch {
        event.hubStatus.push(0);
        return null;
      }
    };
    try {
      switch (action) {
        case 'drop':
        case 'partition':
          this.emit('event', event);
          return cut();
        case 'capture':
          this.captured.push(request);
          this.emit('event', event);
          return cut();
        case 'delay':
          await new Promise((r) => setTimeout(r, this.fault.delayMs ?? 1_000));
          break;
        case 'duplicate': {
          const [first] = await Promise.all([forward(), forward()]);
          this.emit('event', event);
          return first ? send(first) : cut();
        }
        case 'lose-answer': {
          await forward();
          this.emit('event', event);
          return cut();
        }
        case 'gate': {
          const how = await new Promise<'send' | 'destroy'>((resolve) => {
            this.held.add(resolve);
            this.emit('event', event);
          });
          if (how === 'destroy') return cut();
          break;
        }
        case 'hold': {
          const a = await forward();
          const how = await new Promise<'send' | 'destroy'>((resolve) => {
            this.held.add(resolve);
            this.emit('event', event);
          });
          return a && how === 'send' && !res.socket?.destroyed ? send(a) : cut();
        }
        case 'reset-mid-body': {
          const a = await forward();
          this.emit('event', event);
          if (!a) return cut();
          const headers = copyHeaders(a.headers);
          headers['content-length'] = a.body.length;
          res.writeHead(a.status, headers);
          // The half body leaves before the reset, so the depot sees a cut answer, not a refused one.
          return void res.write(a.body.subarray(0, Math.floor(a.body.length / 2)), () => setImmediate(cut));
        }
        case 'pass':
          break;
      }
      const a = await forward();
      this.emit('event', event);
      return a ? send(a) : cut();
    } catch {
      cut();
    }
  }

  private forward(r: CapturedRequest): Promise<HubAnswer> {
    const target = new URL(this.target);
    return new Promise((resolve, reject) => {
      const out = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: r.method,
          path: r.path,
          headers: { ...r.headers, 'content-length': r.body.length },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(r.body);
    });
  }

  /** The live socket: the upgrade request goes on to the hub as raw bytes, then both ways are piped. */
  private tunnel(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    if (this.fault.mode === 'partition') return void socket.destroy();
    const target = new URL(this.target);
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? target.host : req.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    for (const s of [socket, upstream]) {
      this.tunnels.add(s);
      s.on('error', () => {
        socket.destroy();
        upstream.destroy();
      });
      s.once('close', () => {
        this.tunnels.delete(s);
        socket.destroy();
        upstream.destroy();
      });
    }
  }
}

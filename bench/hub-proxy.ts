import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  decodePush,
  dictionaryAfter,
  encodePush,
  PULL_DICTIONARY_HEADER,
  PUSH_DICTIONARY_HEADER,
  PUSH_ENCODING,
  STATIC_DICTIONARY,
  type PushDictionary,
} from '../server/sync/push-dictionary.js';

/**
 * A counting proxy between the depots and the hub (bench only): every request is forwarded as is,
 * and each sync push and pull is recorded with its bytes on the wire, its decoded body and the times
 * it started and ended, so the bench can say where a propagation spent its time and what one field
 * change costs on the wire. WebSocket upgrades (the live socket) are passed through untouched, with
 * the pokes the hub sends timed on the way.
 */

export interface WireExchange {
  kind: 'push' | 'pull' | 'other';
  /** Which depot: the bearer credential's first characters (the bench maps them to names). */
  who: string;
  path: string;
  status: number;
  /** performance.now() when the request arrived and when the answer was fully sent. */
  startedAt: number;
  endedAt: number;
  /** Request body bytes as sent (gzip or dictionary-compressed when the client compressed it) and as JSON. */
  upWire: number;
  upBody: string;
  /** A push's content-encoding, and its envelope alone (the batch with no mutations) encoded the same way, in bytes. */
  upEncoding: string;
  upEnvelopeWire: number;
  downWire: number;
  downBody: string;
}

export interface LiveEvent {
  who: string;
  at: number;
  /** 'open' when the hub accepted the upgrade, 'close' when either side ended it, 'poke' per message. */
  type: 'open' | 'close' | 'poke';
}

export interface CountingProxy {
  url: string;
  exchanges: WireExchange[];
  live: LiveEvent[];
  close(): Promise<void>;
}

function decode(buf: Buffer, encoding: string | undefined): string {
  if (buf.length === 0) return '';
  return (encoding === 'gzip' ? gunzipSync(buf) : buf).toString('utf8');
}

/**
 * Push bodies as JSON, and what their envelope alone would weigh encoded the same way (against the same
 * dictionary), so a bench can tell one edit's bytes from the request's fixed part. Follows each depot's
 * dictionaries as the hub does: an answered push's body is what the next one may name.
 */
class PushDecoder {
  private readonly dictionaries = new Map<string, PushDictionary>([[STATIC_DICTIONARY.name, STATIC_DICTIONARY]]);

  decode(buf: Buffer, headers: http.IncomingHttpHeaders, status: number): { body: string; envelopeWire: number } {
    const encoding = headers['content-encoding'];
    let raw: Buffer;
    let dictionary: PushDictionary | undefined;
    if (encoding === PUSH_ENCODING) {
      dictionary = this.dictionaries.get(String(headers[PUSH_DICTIONARY_HEADER]));
      if (!dictionary) return { body: '', envelopeWire: 0 };
      raw = decodePush(buf, dictionary, 64 * 1024 * 1024);
    } else raw = encoding === 'gzip' ? gunzipSync(buf) : buf;
    if (raw.length === 0) return { body: '', envelopeWire: 0 };
    if (status === 200) {
      const next = dictionaryAfter(raw);
      this.dictionaries.set(next.name, next);
    }
    const envelope = Buffer.from(JSON.stringify({ ...(JSON.parse(raw.toString('utf8')) as object), mutations: [] }));
    const envelopeWire = dictionary
      ? encodePush(envelope, dictionary).length
      : encoding === 'gzip'
        ? gzipSync(envelope, { level: 6 }).length
        : envelope.length;
    return { body: raw.toString('utf8'), envelopeWire };
  }
}

/** Pull pages as JSON, following the dictionaries small pages are compressed against (every page sent is one). */
class PullDecoder {
  private readonly dictionaries = new Map<string, PushDictionary>([[STATIC_DICTIONARY.name, STATIC_DICTIONARY]]);

  decode(buf: Buffer, headers: http.IncomingHttpHeaders): string {
    let raw = buf;
    if (headers['content-encoding'] === PUSH_ENCODING) {
      const dictionary = this.dictionaries.get(String(headers[PULL_DICTIONARY_HEADER]));
      if (!dictionary) return '';
      raw = decodePush(buf, dictionary, 64 * 1024 * 1024);
    } else if (headers['content-encoding'] === 'gzip') raw = gunzipSync(buf);
    if (raw.length > 0) {
      const next = dictionaryAfter(raw);
      this.dictionaries.set(next.name, next);
    }
    return raw.toString('utf8');
  }
}

const whoOf = (auth: string | undefined) => /^Bearer\s+(\S{1,12})/i.exec(auth ?? '')?.[1] ?? '-';

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  const exchanges: WireExchange[] = [];
  const live: LiveEvent[] = [];
  const sockets = new Set<net.Socket>();
  const pushes = new PushDecoder();
  const pulls = new PullDecoder();
  const server = http.createServer((req, res) => {
    const startedAt = performance.now();
    const up: Buffer[] = [];
    const path = req.url ?? '/';
    const kind = path.startsWith('/hub/v1/sync/push') ? 'push' : path.startsWith('/hub/v1/sync/pull') ? 'pull' : 'other';
    const headers = { ...req.headers, host: to.host };
    const fwd = http.request({ host: to.hostname, port: to.port, method: req.method, path, headers }, (hubRes) => {
      res.writeHead(hubRes.statusCode ?? 502, hubRes.headers);
      const down: Buffer[] = [];
      hubRes.on('data', (c: Buffer) => {
        down.push(c);
        res.write(c);
      });
      hubRes.on('end', () => {
        res.end();
        const upBuf = Buffer.concat(up);
        const downBuf = Buffer.concat(down);
        const status = hubRes.statusCode ?? 0;
        const upDecoded =
          kind === 'push'
            ? pushes.decode(upBuf, req.headers, status)
            : { body: kind === 'other' ? '' : decode(upBuf, req.headers['content-encoding']), envelopeWire: 0 };
        exchanges.push({
          kind,
          who: whoOf(req.headers.authorization),
          path,
          status,
          startedAt,
          endedAt: performance.now(),
          upWire: upBuf.length,
          upBody: upDecoded.body,
          upEncoding: req.headers['content-encoding'] ?? 'identity',
          upEnvelopeWire: upDecoded.envelopeWire,
          downWire: downBuf.length,
          downBody:
            kind === 'pull' && status === 200
              ? pulls.decode(downBuf, hubRes.headers)
              : kind === 'other'
                ? ''
                : decode(downBuf, hubRes.headers['content-encoding']),
        });
      });
    });
    fwd.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.on('data', (c: Buffer) => {
      up.push(c);
      fwd.write(c);
    });
    req.on('end', () => fwd.end());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // The live socket: replay the handshake to the hub, then splice the two sockets together.
  server.on('upgrade', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const who = whoOf(req.headers.authorization);
    const hub = net.connect(Number(to.port), to.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? to.host : req.rawHeaders[i + 1]}`);
      }
      hub.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) hub.write(head);
      let opened = false;
      hub.on('data', (c: Buffer) => {
        if (!opened) {
          opened = c.toString('latin1').startsWith('HTTP/1.1 101');
          if (opened) live.push({ who, at: performance.now(), type: 'open' });
          // A poke can share the chunk with the handshake's answer; counted once per frame below.
          const end = c.indexOf('\r\n\r\n');
          if (opened && end >= 0 && end + 4 < c.length) live.push({ who, at: performance.now(), type: 'poke' });
        } else if (c.length > 2 && (c[0]! & 0x0f) === 0x1) live.push({ who, at: performance.now(), type: 'poke' });
        client.write(c);
      });
      client.pipe(hub);
    });
    sockets.add(hub);
    sockets.add(client);
    let closed = false;
    const end = () => {
      if (closed) return;
      closed = true;
      live.push({ who, at: performance.now(), type: 'close' });
      hub.destroy();
      client.destroy();
    };
    hub.on('close', end);
    client.on('close', end);
    hub.on('error', end);
    client.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    live,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

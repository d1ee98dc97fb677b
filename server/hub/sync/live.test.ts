import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing.js';
import { attachLive, LIVE_PATH, liveSocketsOf } from './live.js';

/**
 * The live socket's heartbeat: a depot that answers pings keeps its socket (and so gets every poke),
 * one that does not is dropped. The heartbeat runs every 40 ms here instead of 30 s, on a second
 * server that shares the test hub's database and socket registry.
 */

let t: TestHub;
let server: http.Server;
let detach: () => Promise<void>;
let url: string;

beforeAll(async () => {
  t = await startTestHub();
  server = http.createServer();
  detach = attachLive(server, t.hub.deps, { heartbeatMs: 40 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${LIVE_PATH}`;
});

afterAll(async () => {
  await detach?.();
  await new Promise((r) => server?.close(r));
  await t?.stop();
});

async function enrolledNode(): Promise<{ orgId: string; credential: string }> {
  const org = await t.org();
  const code = await t.call('POST', '/hub/v1/enrolment-codes', { token: org.token });
  const enrol = await t.call('POST', '/hub/v1/enrol', {
    body: {
      code: code.body.code,
      node: randomUUID(),
      orgId: randomUUID(),
      depotCode: 'AVM',
      depotName: 'Avonmouth',
      schema: 1,
      version: '1.0.0',
    },
  });
  expect(enrol.status).toBe(200);
  return { orgId: org.orgId, credential: enrol.body.credential as string };
}

/** Opens a live socket and counts what happens to it. */
async function open(credential: string, autoPong = true) {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` }, autoPong });
  const seen = { pings: 0, messages: [] as unknown[], closed: false };
  const waiters: (() => void)[] = [];
  const note = () => waiters.splice(0).forEach((w) => w());
  ws.on('ping', () => (seen.pings++, note()));
  ws.on('message', (d) => (seen.messages.push(JSON.parse(String(d))), note()));
  ws.on('close', () => ((seen.closed = true), note()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  /** Resolves when `done` holds after some event, or rejects after `ms`. */
  const until = (done: () => boolean, ms = 5_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${JSON.stringify(seen)}`)), ms);
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  return { ws, seen, until };
}

describe('hub live socket heartbeat', () => {
  it('when a depot answers the pings, then its socket stays open across heartbeats and still gets pokes', async () => {
    const node = await enrolledNode();
    const s = await open(node.credential);
    // Three beats: each one pings a socket that answered the last; a dropped socket would close first.
    await s.until(() => s.seen.pings >= 3 || s.seen.closed);
    expect(s.seen.closed).toBe(false);
    liveSocketsOf(t.hub.deps).poke(node.orgId, 42);
    await s.until(() => s.seen.messages.length > 0 || s.seen.closed);
    expect(s.seen.messages).toEqual([{ type: 'version', version: 42 }]);
    s.ws.close();
  });

  it('when a peer answers no ping, then a later heartbeat drops its socket', async () => {
    const node = await enrolledNode();
    const s = await open(node.credential, false);
    await s.until(() => s.seen.closed);
    expect(s.seen.pings).toBeGreaterThanOrEqual(1);
  });
});

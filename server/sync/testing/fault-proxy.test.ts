import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { FaultProxy, prng } from './fault-proxy.js';

/** The proxy itself, against a tiny counting server: each mode does what the fault tests rely on. */

let hub: http.Server;
let hubUrl: string;
let seen: string[] = [];
let proxy: FaultProxy;

beforeAll(async () => {
  hub = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ n: seen.length, echo: body, pad: 'x'.repeat(2000) }));
    });
  });
  const wss = new WebSocketServer({ server: hub });
  wss.on('connection', (s) => s.on('message', (m) => s.send(`echo:${String(m)}`)));
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  proxy = await new FaultProxy(hubUrl, 7).start();
});

afterAll(async () => {
  await proxy.stop();
  hub.closeAllConnections();
  await new Promise((r) => hub.close(r));
});

beforeEach(() => {
  seen = [];
  proxy.heal();
});

const post = (body: string) =>
  fetch(`${proxy.url}/push`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as { n: number; echo: string },
  }));

describe('fault proxy', () => {
  it('passes requests and their bodies through', async () => {
    const res = await post('{"a":1}');
    expect(res).toMatchObject({ status: 200, body: { echo: '{"a":1}' } });
    expect(seen).toEqual(['POST /push {"a":1}']);
  });

  it('drop: the client fails and the hub never sees the request', async () => {
    proxy.set({ mode: 'drop', times: 1 });
    await expect(post('1')).rejects.toThrow();
    expect(seen).toEqual([]);
    await expect(post('2')).resolves.toMatchObject({ status: 200 });
  });

  it('duplicate: the hub sees the request twice, the client one answer', async () => {
    proxy.set({ mode: 'duplicate', path: '/push' });
    const res = await post('dup');
    expect(res.status).toBe(200);
    expect(seen).toEqual(['POST /push dup', 'POST /push dup']);
  });

  it('lose-answer: the hub answers, the client only sees its connection cut', async () => {
    proxy.set({ mode: 'lose-answer' });
    await expect(post('lost')).rejects.toThrow();
    expect(seen).toEqual(['POST /push lost']);
    expect(proxy.events.at(-1)).toMatchObject({ action: 'lose-answer', hubStatus: [200] });
  });

  it('reset-mid-body: the head arrives, reading the body fails', async () => {
    proxy.set({ mode: 'reset-mid-body' });
    const res = await fetch(`${proxy.url}/push`, { method: 'POST', body: 'half' });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });

  it('delay: the request reaches the hub only after the delay', async () => {
    proxy.set({ mode: 'delay', delayMs: 300 });
    const started = Date.now();
    const pending = post('slow');
    await proxy.waitForEvent((e) => e.action === 'delay' && e.hubStatus.length === 1);
    await expect(pending).resolves.toMatchObject({ status: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(seen).toEqual(['POST /push slow']);
  });

  it('gate: the request waits unsent until release, so two can be let go together', async () => {
    proxy.set({ mode: 'gate' });
    const pending = [post('g1'), post('g2')];
    await proxy.waitForEvent((e) => e.action === 'gate' && proxy.heldCount === 2);
    expect(seen).toEqual([]);
    proxy.release('send');
    await expect(Promise.all(pending)).resolves.toHaveLength(2);
    expect(seen.sort()).toEqual(['POST /push g1', 'POST /push g2']);
  });

  it('hold: the answer waits for release; capture keeps the request for a late replay', async () => {
    proxy.set({ mode: 'hold' });
    const pending = post('held');
    await proxy.waitForEvent((e) => e.action === 'hold');
    expect(seen).toHaveLength(1);
    expect(proxy.heldCount).toBe(1);
    proxy.release('send');
    await expect(pending).resolves.toMatchObject({ status: 200 });

    proxy.set({ mode: 'capture', times: 1 });
    await expect(post('late')).rejects.toThrow();
    expect(seen).toHaveLength(1);
    const replay = await proxy.replayCaptured(proxy.captured.at(-1)!);
    expect(replay.status).toBe(200);
    expect(seen.at(-1)).toBe('POST /push late');
  });

  it('partition: connections are refused and live sockets cut, until healed', async () => {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/live`);
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('hi'));
      ws.once('message', (m) => resolve(String(m)));
      ws.once('error', reject);
    });
    expect(first).toBe('echo:hi');
    const closed = new Promise((r) => ws.once('close', r));
    proxy.set({ mode: 'partition' });
    await closed;
    await expect(post('x')).rejects.toThrow();
    proxy.heal();
    await expect(post('y')).resolves.toMatchObject({ status: 200 });
    expect(seen).toEqual(['POST /push y']);
  });

  it('choices: each hit request gets a mode drawn from the list', async () => {
    proxy.set({ mode: 'drop', choices: ['drop', 'duplicate'], times: 6 });
    for (let i = 0; i < 6; i++) await post(`c${i}`).catch(() => undefined);
    const drawn = proxy.events.slice(-6).map((e) => e.action);
    expect(new Set(drawn).size <= 2 && drawn.every((m) => m === 'drop' || m === 'duplicate'), proxy.describe()).toBe(true);
    expect(seen.length, proxy.describe()).toBe(2 * drawn.filter((m) => m === 'duplicate').length);
  });

  it('probability: the same seed hits the same requests', async () => {
    const draw = (seed: number) => {
      const r = prng(seed);
      return Array.from({ length: 20 }, () => r() < 0.5);
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    // A proxy of its own, so no earlier test has drawn from its PRNG.
    const own = await new FaultProxy(hubUrl, 42).start();
    own.set({ mode: 'drop', probability: 0.5 });
    const outcomes: boolean[] = [];
    const postOwn = (body: string) => fetch(`${own.url}/push`, { method: 'POST', body });
    for (let i = 0; i < 10; i++)
      outcomes.push(
        await postOwn(String(i)).then(
          () => true,
          () => false,
        ),
      );
    // The proxy's own draws started at seed 42 and only matching requests draw: 10 draws from a fresh prng(42).
    const expected = (() => {
      const r = prng(42);
      return Array.from({ length: 10 }, () => r() >= 0.5);
    })();
    await own.stop();
    expect(outcomes, own.describe()).toEqual(expected);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PullPage, PushAnswer, PushBatch } from './contract-protocol.js';
import { HubClient } from './hub-client.js';
import { SyncLoop, type SyncLink, type SyncLoopStatus, type SyncStore } from './loop.js';

/**
 * The loop against a scripted hub over real HTTP and an in-memory store: what it does on each kind
 * of answer. The hub's and the store's own behaviour have their own tests against PostgreSQL and
 * SQLite; this file is about the loop's decisions.
 */

const NODE = '0190a000-0000-7000-8000-000000000001';
const KEY = '0190a000-0000-7000-8000-0000000000ff';

function mutation(seq: number) {
  return {
    id: `0190a000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    hlc: `${String(1_700_000_000_000 + seq).padStart(15, '0')}:00000:${NODE}`,
    action: 'work_order.updated',
    actorId: 'system:test',
    at: 1_700_000_000_000 + seq,
    changes: [{ t: 'work_orders', r: 'wo-1', op: 'update' as const, f: { title: `t${seq}` } }],
    audit: [],
  };
}

class MemoryStore implements SyncStore {
  acked = 0;
  total = 0;
  cursorValue = 0;
  /** Where the current catch-up started, kept while pages say more (as sync-state.ts does). */
  sinceValue: number | null = null;
  pages: PullPage[] = [];
  answers: PushAnswer[] = [];
  rewinds: (number | null)[] = [];
  resnapshots: string[] = [];
  /** Throws instead of applying the page that starts here (a page this depot refuses). */
  refuseAfter: number | null = null;
  errors: (string | null | undefined)[] = [];
  linkValue: SyncLink | null;
  constructor(hubUrl: string) {
    this.linkValue = { hubUrl, credential: 'c'.repeat(40), paused: false };
  }
  link() {
    return this.linkValue;
  }
  lostRanges() {
    return [];
  }
  recordReplayable() {}
  driftChecksums() {
    return Promise.resolve(new Map());
  }
  driftIds() {
    return Promise.resolve([]);
  }
  driftApply() {
    return 0;
  }
  driftCheckedAt() {
    return Date.now();
  }
  driftContentTables() {
    return [];
  }
  driftRepair() {
    return 0;
  }
  driftBucket() {
    return { count: 0, md5: '', contents: new Map<string, string>() };
  }
  driftCursor() {
    return null;
  }
  driftRecord() {}
  blobsToSend() {
    return [];
  }
  blobMark() {}
  nextBatch(max: number): PushBatch | null {
    if (this.acked >= this.total) return null;
    const mutations = [];
    for (let s = this.acked + 1; s <= Math.min(this.total, this.acked + max); s++) mutations.push(mutation(s));
    return { node: NODE, epoch: 1, afterSeq: this.acked || null, toSeq: mutations.at(-1)!.seq, key: KEY, schema: 1, mutations };
  }
  applyPushAnswer(_batch: PushBatch, answer: PushAnswer) {
    this.answers.push(answer);
    this.acked = answer.ackedSeq;
  }
  rewindAck(_batch: PushBatch, expected: number | null) {
    this.rewinds.push(expected);
    this.acked = expected ?? 0;
  }
  cursor() {
    return { after: this.cursorValue, since: this.sinceValue ?? this.cursorValue };
  }
  applyPullPage(page: PullPage) {
    if (page.after === this.refuseAfter) throw new Error(`refused the page after ${page.after}`);
    this.pages.push(page);
    this.sinceValue = page.more ? (this.sinceValue ?? page.after) : null;
    this.cursorValue = page.to;
  }
  resnapshot(reason: string) {
    this.resnapshots.push(reason);
    this.cursorValue = 0;
    this.sinceValue = null;
  }
  pending() {
    return this.total - this.acked;
  }
  recordOutcome(o: { error?: string | null }) {
    this.errors.push(o.error);
  }
}

interface Script {
  /** The hub's acknowledged seq for the gap check; undefined: accept any. */
  hubAcked?: number;
  version: number;
  pushes: PushBatch[];
  /** The content-encoding of every push request, refused ones included. */
  encodings: string[];
  pulls: string[];
  status?: number;
  resnapshotOnce?: boolean;
  /** Push requests are read and never answered (a black-holed link); each is counted. */
  blackHole?: boolean;
  held?: number;
  /** Answer 503 to a pull starting at this version. */
  failPullAfter?: number;
  pageSize: number;
}

async function fakeHub(script: Script) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (script.status) return send(script.status, { code: 'x', detail: `scripted ${script.status}` });
      if (req.headers.authorization !== `Bearer ${'c'.repeat(40)}`) return send(401, { code: 'unauthorized' });
      if (req.url === '/hub/v1/sync/push') {
        if (script.blackHole) {
          script.held = (script.held ?? 0) + 1;
          return;
        }
        const raw = Buffer.concat(chunks);
        const encoding = req.headers['content-encoding'];
        script.encodings.push(encoding ?? 'identity');
        // A hub older than dictionary-compressed pushes: its JSON parser refuses an encoding it does not know.
        if (encoding !== undefined && encoding !== 'gzip') return send(415, { code: 'unsupported_encoding' });
        const batch = JSON.parse(String(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw)) as PushBatch;
        if (script.hubAcked !== undefined && (batch.afterSeq ?? 0) > script.hubAcked)
          return send(409, { code: 'sync_gap', expectedAfterSeq: script.hubAcked });
        script.pushes.push(batch);
        script.hubAcked = batch.toSeq;
        const results = batch.mutations.map((m) => ({ id: m.id, seq: m.seq, outcome: 'applied' as const, version: ++script.version }));
        return send(200, { ackedSeq: batch.toSeq, version: script.version, results });
      }
      if (req.url?.startsWith('/hub/v1/sync/pull')) {
        script.pulls.push(req.url);
        const after = Number(new URL(req.url, 'http://x').searchParams.get('after'));
        if (script.resnapshotOnce && after > 0) {
          script.resnapshotOnce = false;
          return send(410, { code: 'resnapshot_required', detail: 'cursor older than retention' });
        }
        if (after === script.failPullAfter) return send(503, { code: 'x', detail: `scripted 503 for after=${after}` });
        const to = Math.min(script.version, after + script.pageSize);
        return send(200, { after, to, more: to < script.version, rows: [], facts: [] });
      }
      send(404, { code: 'not_found' });
    });
  });
  // The live socket: accepted and kept, so a test can drop it; the hub side sends nothing by itself.
  const wss = new WebSocketServer({ noServer: true });
  const sockets: WebSocket[] = [];
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => sockets.push(ws)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets,
    close: () => {
      for (const ws of sockets) ws.terminate();
      return new Promise((r) => server.close(r));
    },
  };
}

/** Resolves once `done()` holds, checked every few ms; rejects after `ms`. */
async function eventually(what: string, done: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
  vi.restoreAllMocks();
});

async function setup(script: Partial<Script> = {}) {
  const s: Script = { version: 0, pushes: [], encodings: [], pulls: [], pageSize: 1000, ...script };
  const hub = await fakeHub(s);
  const store = new MemoryStore(hub.url);
  const statuses: SyncLoopStatus[] = [];
  const loop = new SyncLoop(store, { live: false, batchSize: 10, pollMs: 60_000, onStatus: (x) => statuses.push(x) });
  cleanup.push(hub.close, () => loop.stop());
  return { s, store, loop, statuses, hub };
}

describe('sync loop', () => {
  it('when 25 mutations are pending, then one cycle pushes them in batches of 10 in seq order and then pulls to the hub version', async () => {
    const { s, store, loop } = await setup();
    store.total = 25;
    const r = await loop.runOnce();
    expect(r).toEqual({ pushed: 25, pulledPages: 1, pulledRows: 0, error: null });
    expect(s.pushes.map((b) => [b.afterSeq, b.toSeq])).toEqual([
      [null, 10],
      [10, 20],
      [20, 25],
    ]);
    expect(store.acked).toBe(25);
    expect(store.cursorValue).toBe(25);
    expect(loop.snapshot().phase).toBe('online');
    // This hub does not take dictionary-compressed pushes: refused once, then plain for good (the
    // first batch is over 1 KiB, so gzip; later cycles do not try the dictionary again).
    expect(s.encodings).toEqual(['x-depotdesk-deflate', 'gzip', 'gzip', 'gzip']);
    store.total = 26;
    await loop.runOnce();
    expect(s.encodings.slice(4)).toEqual(['identity']);
    expect(store.acked).toBe(26);
  });

  it('when the hub reports a gap, then the loop resends from the seq the hub has and loses nothing', async () => {
    const { s, store, loop } = await setup({ hubAcked: 5 });
    store.total = 12;
    store.acked = 8; // we believe 8 were acknowledged; the hub (restored) has 5
    await loop.runOnce();
    expect(store.rewinds).toEqual([5]);
    expect(s.pushes.map((b) => [b.afterSeq, b.toSeq])).toEqual([[5, 12]]);
    expect(store.acked).toBe(12);
  });

  it('when the hub asks for a new snapshot, then the loop pulls again from 0', async () => {
    const { s, store, loop } = await setup({ version: 7, resnapshotOnce: true });
    store.cursorValue = 3;
    await loop.runOnce();
    expect(store.resnapshots).toEqual(['cursor older than retention']);
    expect(s.pulls.map((u) => new URL(u, 'http://x').searchParams.get('after'))).toEqual(['3', '0']);
    expect(store.cursorValue).toBe(7);
  });

  it('when the credential is refused, then the loop stops trying and says the depot must enrol again', async () => {
    const { store, loop, statuses } = await setup();
    store.linkValue = { ...store.linkValue!, credential: 'revoked-credential-revoked-credential-000' };
    store.total = 1;
    const r = await loop.runOnce();
    expect(r.error).toMatch(/.+/);
    expect(loop.snapshot().phase).toBe('revoked');
    expect(loop.snapshot().nextAttemptAt).toBeNull();
    expect(statuses.at(-1)?.phase).toBe('revoked');
    expect(store.acked).toBe(0);
  });

  it('when the hub answers 503, then the cycle fails, nothing is acknowledged, and a retry is scheduled with backoff', async () => {
    const { s, store, loop } = await setup({ status: 503 });
    store.total = 3;
    const before = Date.now();
    loop.start();
    const r = await loop.runOnce();
    expect(r.error).toMatch(/503/);
    expect(store.acked).toBe(0);
    const snap = loop.snapshot();
    expect(snap.phase).toBe('offline');
    expect(snap.nextAttemptAt).toBeGreaterThanOrEqual(before + 500);
    s.status = undefined;
    await loop.runOnce();
    expect(store.acked).toBe(3);
    expect(loop.snapshot().phase).toBe('online');
  });

  it('when a push goes unanswered and someone asks for a sync now, then the silent cycle is given up after stallMs, not the 20 s timeout, and the new one pushes', async () => {
    const { s, store } = await setup({ blackHole: true });
    const loop = new SyncLoop(store, { live: false, batchSize: 10, pollMs: 60_000, stallMs: 300, client: { timeoutMs: 20_000 } });
    cleanup.push(() => loop.stop());
    store.total = 3;
    const stuck = loop.runOnce();
    await eventually('the hub holds the push', () => (s.held ?? 0) === 1);
    s.blackHole = false;
    const started = performance.now();
    const now = await loop.runOnce();
    expect((await stuck).error).toMatch(/had not answered for 0 s; sync started again/);
    expect(now).toMatchObject({ pushed: 3, error: null });
    expect(store.acked).toBe(3);
    expect(performance.now() - started).toBeLessThan(5_000);
    // A cycle that is answering is waited for, not aborted: a slow but live hub keeps its exchange.
    store.total = 5;
    const [first, second] = await Promise.all([loop.runOnce(), loop.runOnce()]);
    expect([first.error, second.error]).toEqual([null, null]);
    expect(store.acked).toBe(5);
  });

  it('when the depot shuts down while a push goes unanswered, then stop returns at once, not after the client timeout', async () => {
    const { s, store } = await setup({ blackHole: true });
    const loop = new SyncLoop(store, { live: false, batchSize: 10, pollMs: 60_000, client: { timeoutMs: 20_000 } });
    store.total = 2;
    loop.start();
    await eventually('the hub holds the push', () => (s.held ?? 0) === 1);
    const started = performance.now();
    await loop.stop();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(store.errors.at(-1)).toMatch(/shutting down/);
    expect(store.acked).toBe(0);
  });

  it('when recording a failed cycle fails too, then the cycle still ends with its error and a retry is scheduled', async () => {
    const { s, store, loop } = await setup({ status: 503 });
    store.total = 1;
    store.recordOutcome = (o) => {
      if (o.error) throw new Error('SQLITE_BUSY: database is locked');
    };
    loop.start();
    const r = await loop.runOnce();
    expect(r.error).toMatch(/503/);
    expect(loop.snapshot()).toMatchObject({ phase: 'offline', lastError: r.error });
    expect(loop.snapshot().nextAttemptAt).not.toBeNull();
    s.status = undefined;
    expect((await loop.runOnce()).error).toBeNull();
    expect(store.acked).toBe(1);
  });

  it('when the hub is unreachable, then the error names the address and the depot stays usable', async () => {
    const { store, loop } = await setup();
    store.linkValue = { hubUrl: 'http://127.0.0.1:1', credential: 'c'.repeat(40), paused: false };
    store.total = 2;
    const r = await loop.runOnce();
    expect(r.error).toMatch(/127\.0\.0\.1:1 could not be reached/);
    expect(store.pending()).toBe(2);
  });

  it('when sync is paused, then no request is made', async () => {
    const { s, store, loop } = await setup();
    store.linkValue = { ...store.linkValue!, paused: true };
    store.total = 4;
    await loop.runOnce();
    expect(s.pushes).toHaveLength(0);
    expect(s.pulls).toHaveLength(0);
    expect(loop.snapshot().phase).toBe('paused');
  });

  it('when a pull needs several pages, then each page is applied in order and the cursor ends at the hub version', async () => {
    const { store, loop } = await setup({ version: 2500, pageSize: 1000 });
    await loop.runOnce();
    expect(store.pages.map((p) => [p.after, p.to])).toEqual([
      [0, 1000],
      [1000, 2000],
      [2000, 2500],
    ]);
  });

  it('when a pull needs several pages, then the next page is requested before the previous one is applied', async () => {
    const { store, loop } = await setup({ version: 2500, pageSize: 1000 });
    const log: string[] = [];
    const pull = HubClient.prototype.pull;
    vi.spyOn(HubClient.prototype, 'pull').mockImplementation(function (this: HubClient, q) {
      log.push(`pull ${q.after}`);
      return pull.call(this, q);
    });
    const apply = store.applyPullPage.bind(store);
    store.applyPullPage = (page) => {
      log.push(`apply ${page.after}-${page.to}`);
      apply(page);
    };
    await loop.runOnce();
    expect(log).toEqual(['pull 0', 'pull 1000', 'apply 0-1000', 'pull 2000', 'apply 1000-2000', 'apply 2000-2500']);
    expect(store.cursorValue).toBe(2500);
  });

  it('when the prefetched pull fails after a page was applied, then the cursor stays at that page and the next cycle goes on from it', async () => {
    const { s, store, loop } = await setup({ version: 2500, pageSize: 1000, failPullAfter: 1000 });
    const r = await loop.runOnce();
    expect(r.error).toMatch(/503/);
    expect(store.pages.map((p) => [p.after, p.to])).toEqual([[0, 1000]]);
    expect(store.cursorValue).toBe(1000);
    s.failPullAfter = undefined;
    expect((await loop.runOnce()).error).toBeNull();
    expect(store.pages.map((p) => [p.after, p.to])).toEqual([
      [0, 1000],
      [1000, 2000],
      [2000, 2500],
    ]);
  });

  it('when a page fails to apply while the next one is in flight, then the cycle fails on that page, the cursor stays and the dropped request rejects unseen', async () => {
    const { s, store, loop } = await setup({ version: 2500, pageSize: 1000, failPullAfter: 1000 });
    store.refuseAfter = 0;
    const r = await loop.runOnce();
    expect(r.error).toBe('refused the page after 0');
    expect(store.cursorValue).toBe(0);
    // The dropped request reaches the hub and its 503 comes back after the cycle ended: vitest fails
    // the file on an unhandled rejection.
    await eventually('the dropped request at the hub', () => s.pulls.length === 2);
    expect(s.pulls.map((u) => new URL(u, 'http://x').searchParams.get('after'))).toEqual(['0', '1000']);
  });

  it('when a cycle may pull two pages, then it requests no third page ahead', async () => {
    const { s, store } = await setup({ version: 5000, pageSize: 1000 });
    const loop = new SyncLoop(store, { live: false, pollMs: 60_000, maxPagesPerCycle: 2 });
    cleanup.push(() => loop.stop());
    const r = await loop.runOnce();
    expect(r).toMatchObject({ pulledPages: 2, error: null });
    expect(store.cursorValue).toBe(2000);
    expect(s.pulls.map((u) => new URL(u, 'http://x').searchParams.get('after'))).toEqual(['0', '1000']);
  });

  it('when a snapshot is pulled, then it asks for pages of 5,000; a later catch-up asks for 1,000', async () => {
    const { s, store, loop } = await setup({ version: 12_000, pageSize: 5_000 });
    const asked = () =>
      s.pulls.map((u) => Object.fromEntries(['after', 'since', 'limit'].map((k) => [k, new URL(u, 'http://x').searchParams.get(k)])));
    await loop.runOnce();
    expect(asked()).toEqual([
      { after: '0', since: '0', limit: '5000' },
      { after: '5000', since: '0', limit: '5000' },
      { after: '10000', since: '0', limit: '5000' },
    ]);
    s.pulls.length = 0;
    s.version = 14_000;
    s.pageSize = 1_000;
    await loop.runOnce();
    expect(asked()).toEqual([
      { after: '12000', since: '12000', limit: '1000' },
      { after: '13000', since: '12000', limit: '1000' },
    ]);
    expect(store.cursorValue).toBe(14_000);
  });

  it('when the live socket opens again after a drop, then the loop pulls at once: what was poked meanwhile does not wait for the poll', async () => {
    const s: Script = { version: 0, pushes: [], encodings: [], pulls: [], pageSize: 1000 };
    const hub = await fakeHub(s);
    const store = new MemoryStore(hub.url);
    const loop = new SyncLoop(store, { live: true, liveReconnectMs: 20, pollMs: 60_000 });
    cleanup.push(hub.close, () => loop.stop());
    loop.start();
    await eventually('the first live socket', () => hub.sockets.length === 1 && loop.snapshot().live);
    // The hub moves on while the socket is down (its poke went nowhere), then the socket comes back.
    s.version = 3;
    hub.sockets[0]!.terminate();
    // The hub counts the socket at its upgrade, the loop at its open event, a turn later: wait for both.
    await eventually(
      'the socket back and the cursor at the hub version',
      () => hub.sockets.length === 2 && store.cursorValue === 3 && loop.snapshot().live,
    );
    expect(loop.snapshot()).toMatchObject({ phase: 'online', live: true, lastError: null });
  });
});

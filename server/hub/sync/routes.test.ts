import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing.js';
import { BucketDigest, rowContent } from '../../sync/content-hash.js';
import type { PushBatch } from '../../sync/contract-protocol.js';
import { batch, enrolNode, mutation, setupChanges, workOrderInsert, type EnrolledNode } from './testing.js';

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub();
});

afterAll(async () => {
  await t?.stop();
});

type Depot = Omit<EnrolledNode, 'replicaOrgId'> & { admin: string };

/** A hub org, a depot enrolled in it, and the depot's setup pushed (org row and its admin). */
async function enrolledDepot(): Promise<Depot> {
  const { replicaOrgId, ...node } = await enrolNode(t);
  const depot: Depot = { ...node, admin: randomUUID() };
  const setup = mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(replicaOrgId, depot.admin) });
  expect((await pushJson(depot, batch(depot.node, [setup]))).status).toBe(200);
  return depot;
}

const pushJson = (d: Depot, body: unknown) => t.call('POST', '/hub/v1/sync/push', { token: d.credential, body });
const pull = (d: Depot, qs: string) => t.call('GET', `/hub/v1/sync/pull?${qs}`, { token: d.credential });

async function pushGzip(d: Depot, body: PushBatch) {
  const res = await fetch(`${t.url}/hub/v1/sync/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${d.credential}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(JSON.stringify(body)),
  });
  return { status: res.status, body: (await res.json()) as { results: { outcome: string }[]; version: number } };
}

/** Opens the live socket and collects its messages; resolves once the handshake is done. */
function liveSocket(d: Depot): Promise<{ messages: unknown[]; next: () => Promise<unknown>; close: () => void }> {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/hub/v1/sync/live`, { headers: { authorization: `Bearer ${d.credential}` } });
  const messages: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  ws.on('message', (data) => {
    const m: unknown = JSON.parse(String(data));
    const w = waiting.shift();
    if (w) w(m);
    else messages.push(m);
  });
  return new Promise((resolve, reject) => {
    ws.on('open', () =>
      resolve({
        messages,
        next: () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((r) => waiting.push(r))),
        close: () => ws.close(),
      }),
    );
    ws.on('unexpected-response', (_req, res) => reject(new Error(`live socket refused: ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('hub sync routes', () => {
  it('when a depot pushes a gzip body, then it is applied and a pull from 0 returns the rows with the version as cursor', async () => {
    const d = await enrolledDepot();
    const wo = randomUUID();
    const pushed = await pushGzip(
      d,
      batch(d.node, [mutation({ seq: 2, actorId: d.admin, changes: [workOrderInsert(wo, 'AVM-1')] })], { afterSeq: 1 }),
    );
    expect(pushed.status).toBe(200);
    expect(pushed.body.results[0]!.outcome).toBe('applied');
    const page = await pull(d, 'after=0&limit=100&schema=1');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ after: 0, to: pushed.body.version, more: false });
    expect(page.body.rows.find((r: { r: string }) => r.r === wo)?.f.title).toBe('Job AVM-1');
  });

  it('when a depot that accepts gzip pulls a page over 1 KiB, then the page comes gzip-encoded and reads the same', async () => {
    const d = await enrolledDepot();
    const ms = Array.from({ length: 20 }, (_, i) =>
      mutation({ seq: i + 2, actorId: d.admin, changes: [workOrderInsert(randomUUID(), `AVM-${i + 1}`)] }),
    );
    expect((await pushJson(d, batch(d.node, ms, { afterSeq: 1 }))).status).toBe(200);
    const url = `${t.url}/hub/v1/sync/pull?after=0&limit=100&schema=1`;
    const raw = await new Promise<{ encoding: string | undefined; bytes: number; text: string }>((resolve, reject) => {
      http
        .get(url, { headers: { authorization: `Bearer ${d.credential}`, 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const encoding = res.headers['content-encoding'];
            resolve({ encoding, bytes: body.length, text: (encoding === 'gzip' ? gunzipSync(body) : body).toString() });
          });
        })
        .on('error', reject);
    });
    const plain = await pull(d, 'after=0&limit=100&schema=1');
    expect(raw.encoding).toBe('gzip');
    expect(JSON.parse(raw.text)).toEqual(plain.body);
    expect(raw.bytes * 3).toBeLessThan(Buffer.byteLength(raw.text));
  });

  it('when a batch is malformed, then it is a 400 problem with field paths and nothing changes', async () => {
    const d = await enrolledDepot();
    const good = batch(d.node, [mutation({ seq: 2, actorId: d.admin, changes: [workOrderInsert(randomUUID(), 'AVM-1')] })], {
      afterSeq: 1,
    });
    const before = await pull(d, 'after=0&schema=1');
    const forged = [
      { ...good, mutations: [{ ...good.mutations[0]!, seq: 'two' }] },
      { ...good, orgId: randomUUID() },
      { ...good, mutations: [{ ...good.mutations[0]!, changes: [{ t: 'Work Orders; DROP', r: 'x', op: 'insert', f: {} }] }] },
      { ...good, node: randomUUID() },
      { ...good, mutations: [{ ...good.mutations[0]!, seq: 1 }] },
    ];
    const answers = await Promise.all(forged.map((b) => pushJson(d, b)));
    expect(answers.map((a) => [a.status, a.type.split(';')[0]])).toEqual(forged.map(() => [400, 'application/problem+json']));
    expect(answers.map((a) => a.body.errors[0].field)).toEqual([
      'body.mutations.0.seq',
      'body',
      'body.mutations.0.changes.0.t',
      'body.node',
      'body.mutations.0.seq',
    ]);
    expect(await pull(d, 'after=0&schema=1')).toEqual(before);
    const bad = await pull(d, 'after=-1&schema=1');
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'query.after']);
  });

  it('when a request has no or a wrong credential, then push, pull and the live socket are 401', async () => {
    const nobody = { orgId: randomUUID(), node: randomUUID(), credential: 'hubn_not-a-credential', admin: randomUUID() };
    expect((await pushJson(nobody, {})).status).toBe(401);
    expect((await pull(nobody, 'after=0&schema=1')).status).toBe(401);
    expect((await t.call('GET', '/hub/v1/sync/pull?after=0&schema=1')).status).toBe(401);
    await expect(liveSocket(nobody)).rejects.toThrow(/401/);
  });

  it('when the schema epoch differs or the cursor is past the hub, then pull is 410 resnapshot_required', async () => {
    const d = await enrolledDepot();
    expect((await pull(d, 'after=0&schema=99')).body.code).toBe('resnapshot_required');
    const ahead = await pull(d, 'after=999999&schema=1');
    expect([ahead.status, ahead.body.code]).toEqual([410, 'resnapshot_required']);
  });

  it("when org B's depot pushes A's row id and pulls, then A's row is untouched and B sees only its own", async () => {
    const a = await enrolledDepot();
    const b = await enrolledDepot();
    const wo = randomUUID();
    await pushJson(a, batch(a.node, [mutation({ seq: 2, actorId: a.admin, changes: [workOrderInsert(wo, 'A-1')] })], { afterSeq: 1 }));
    // B names A's admin as actor and A's row: the actor is no user of B, so it is refused.
    const forged = await pushJson(
      b,
      batch(b.node, [mutation({ seq: 2, actorId: a.admin, changes: [{ t: 'work_orders', r: wo, op: 'update', f: { title: 'B' } }] })], {
        afterSeq: 1,
      }),
    );
    expect(forged.body.results[0]).toMatchObject({ outcome: 'refused', code: 'unknown_actor' });
    const pageB = await pull(b, 'after=0&schema=1');
    expect(pageB.body.rows.map((r: { r: string }) => r.r)).not.toContain(wo);
    expect(pageB.body.rows.map((r: { r: string }) => r.r)).not.toContain(a.admin);
    const pageA = await pull(a, 'after=0&schema=1');
    expect(pageA.body.rows.find((r: { r: string }) => r.r === wo)?.f.title).toBe('Job A-1');
  });

  it("when a depot asks for its own mutations by seq, then it gets the ones that took effect, in seq order, never another node's or a refused one, and bad ranges are 400", async () => {
    const a = await enrolledDepot();
    const b = await enrolledDepot();
    const ms = [2, 3, 4].map((seq) => mutation({ seq, actorId: a.admin, changes: [workOrderInsert(randomUUID(), `A-${seq}`)] }));
    // Seq 5's actor is nobody in A's org: refused, so it never took effect and is not listed.
    const refused = mutation({ seq: 5, actorId: b.admin, changes: [workOrderInsert(randomUUID(), 'A-5')] });
    await pushJson(a, batch(a.node, [...ms, refused], { afterSeq: 1 }));
    await pushJson(
      b,
      batch(b.node, [mutation({ seq: 2, actorId: b.admin, changes: [workOrderInsert(randomUUID(), 'B-2')] })], { afterSeq: 1 }),
    );
    const own = (d: Depot, qs: string) => t.call('GET', `/hub/v1/sync/own-mutations?${qs}`, { token: d.credential });
    const first = await own(a, 'after=1&before=9&limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      more: true,
      mutations: [
        { id: ms[0]!.id, seq: 2, actorId: a.admin },
        { id: ms[1]!.id, seq: 3 },
      ],
    });
    const rest = await own(a, 'after=3&before=9&limit=2');
    expect(rest.body).toMatchObject({ more: false, mutations: [{ id: ms[2]!.id, seq: 4 }] });
    expect((await own(b, 'after=0&before=99')).body.mutations.map((m: { id: string }) => m.id)).not.toContain(ms[0]!.id);
    for (const qs of ['after=5&before=5', 'after=-1&before=3', 'after=x&before=3', 'after=0&before=3&limit=99999', 'after=0'])
      expect((await own(a, qs)).status, qs).toBe(400);
    expect((await t.call('GET', '/hub/v1/sync/own-mutations?after=0&before=9')).status).toBe(401);
  });

  it("when a depot runs the drift check, then it sees its own org's checksums, ids and rows only, and bad requests are 400", async () => {
    const a = await enrolledDepot();
    const b = await enrolledDepot();
    const wo = randomUUID();
    await pushJson(a, batch(a.node, [mutation({ seq: 2, actorId: a.admin, changes: [workOrderInsert(wo, 'A-1')] })], { afterSeq: 1 }));
    const get = (d: Depot, p: string) => t.call('GET', `/hub/v1/sync/${p}`, { token: d.credential });
    const sums = await get(a, 'checksums');
    expect(sums.status).toBe(200);
    const woSum = sums.body.tables.find((x: { t: string }) => x.t === 'work_orders');
    expect(woSum).toMatchObject({ kind: 'row', count: 1, md5: createHash('md5').update(wo).digest('hex') });
    expect((await get(b, 'checksums')).body.tables.find((x: { t: string }) => x.t === 'work_orders')).toBeUndefined();
    expect((await get(a, 'ids?t=work_orders')).body).toEqual({ ids: [wo], more: false });
    expect((await get(b, 'ids?t=work_orders')).body).toEqual({ ids: [], more: false });
    const rows = (d: Depot, body: unknown) => t.call('POST', '/hub/v1/sync/rows', { token: d.credential, body });
    const mine = await rows(a, { t: 'work_orders', ids: [wo] });
    expect(mine.body.rows).toEqual([
      expect.objectContaining({ t: 'work_orders', r: wo, f: expect.objectContaining({ title: 'Job A-1' }) }),
    ]);
    expect((await rows(b, { t: 'work_orders', ids: [wo] })).body).toEqual({ rows: [], facts: [] });
    for (const bad of ['ids?t=Work%20Orders', 'ids?t=work_orders&limit=10001', 'ids?t=work_orders&after=' + 'x'.repeat(81)])
      expect((await get(a, bad)).status, bad).toBe(400);
    expect((await rows(a, { t: 'work_orders', ids: Array.from({ length: 501 }, () => randomUUID()) })).status).toBe(400);
    expect((await rows(a, { t: 'work_orders', ids: [] })).status).toBe(400);
    expect((await t.call('GET', '/hub/v1/sync/checksums')).status).toBe(401);
    // Contents: the org's own rows only, hashed over the columns the depot names; bad bodies are 400.
    const content = (d: Depot, body: unknown) => t.call('POST', '/hub/v1/sync/content', { token: d.credential, body });
    const page = await content(a, { t: 'work_orders', columns: ['title', 'priority'] });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body).toMatchObject({ buckets: [{ first: wo, last: wo, count: 1 }], more: false });
    const digest = new BucketDigest();
    digest.add(wo, rowContent(mine.body.rows[0].f, ['title', 'priority']));
    expect(page.body.buckets[0].md5).toBe(digest.digest());
    expect((await content(b, { t: 'work_orders', columns: ['title'] })).body).toEqual({ buckets: [], more: false });
    for (const bad of [
      { t: 'work_orders', columns: [] },
      { t: 'work_orders', columns: ['Title; drop'] },
      { t: 'work_orders', columns: ['title'], bucket: 501 },
    ])
      expect((await content(a, bad)).status, JSON.stringify(bad)).toBe(400);
    expect((await t.call('POST', '/hub/v1/sync/content', { body: { t: 'work_orders', columns: ['title'] } })).status).toBe(401);
  });

  it("when a push commits, then the org's live sockets get its version and another org's do not", async () => {
    const a = await enrolledDepot();
    const b = await enrolledDepot();
    const liveA = await liveSocket(a);
    const liveB = await liveSocket(b);
    const pushedA = await pushJson(
      a,
      batch(a.node, [mutation({ seq: 2, actorId: a.admin, changes: [workOrderInsert(randomUUID(), 'A-1')] })], { afterSeq: 1 }),
    );
    expect(await liveA.next()).toEqual({ type: 'version', version: pushedA.body.version });
    const pushedB = await pushJson(
      b,
      batch(b.node, [mutation({ seq: 2, actorId: b.admin, changes: [workOrderInsert(randomUUID(), 'B-1')] })], { afterSeq: 1 }),
    );
    // B's first message is B's own push: A's poke never reached it.
    expect(await liveB.next()).toEqual({ type: 'version', version: pushedB.body.version });
    liveA.close();
    liveB.close();
  });

  it('when a push starts past the acknowledged seq, then it is a 409 sync_gap problem with expectedAfterSeq', async () => {
    const d = await enrolledDepot();
    const gap = await pushJson(
      d,
      batch(d.node, [mutation({ seq: 7, actorId: d.admin, changes: [workOrderInsert(randomUUID(), 'X-1')] })], { afterSeq: 6 }),
    );
    expect([gap.status, gap.body.code, gap.body.expectedAfterSeq]).toEqual([409, 'sync_gap', 1]);
  });
});

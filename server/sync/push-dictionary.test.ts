import { randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubClient, type WireCompression } from './hub-client.js';
import type { PushBatch } from './contract-protocol.js';
import {
  dictionaryAfter,
  encodePush,
  PULL_DICTIONARY_HEADER,
  PUSH_DICTIONARY_HEADER,
  PUSH_ENCODING,
  STATIC_DICTIONARY,
} from './push-dictionary.js';
import { startTestHub, type TestHub } from '../hub/testing.js';
import { batch, enrolNode, mutation, setupChanges, workOrderInsert, type EnrolledNode } from '../hub/sync/testing.js';

/**
 * Push bodies compressed against a dictionary (push-dictionary.ts; the hub's end, hub/sync/push-body.ts): what the
 * depot's client sends, what the hub makes of it, and every way such a body can be wrong.
 */

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub();
});

afterAll(async () => {
  await t?.stop();
});

type Depot = EnrolledNode;

const enrolled = (): Promise<Depot> => enrolNode(t);

/** A raw push: the JSON `body` deflated against `dictionary` bytes, naming `name`. */
async function pushRaw(d: Depot, payload: Buffer, name: string) {
  const res = await fetch(`${t.url}/hub/v1/sync/push`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${d.credential}`,
      'content-type': 'application/json',
      'content-encoding': PUSH_ENCODING,
      [PUSH_DICTIONARY_HEADER]: name,
    },
    body: Uint8Array.from(payload),
  });
  return { status: res.status, body: (await res.json()) as { code?: string; ackedSeq?: number } };
}

const json = (b: PushBatch) => Buffer.from(JSON.stringify(b));

describe('dictionary-compressed pushes', () => {
  it('when a depot pushes through the client, then the first body uses the fixed dictionary, each next one the previous body, and all are applied', async () => {
    const d = await enrolled();
    const state: WireCompression = { pushed: null, pulled: null, off: false };
    const sizes: number[] = [];
    const client = new HubClient(t.url, d.credential, { compression: state, onBytes: (dir, n) => dir === 'up' && sizes.push(n) });
    const admin = randomUUID();
    const first = await client.push(
      batch(d.node, [mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(randomUUID(), admin) })]),
    );
    expect(first).toMatchObject({ kind: 'answer', answer: { ackedSeq: 1 } });
    expect(state.pushed?.name).not.toBe('static');
    const wo = randomUUID();
    const second = await client.push(
      batch(d.node, [mutation({ seq: 2, actorId: admin, changes: [workOrderInsert(wo, 'AVM-000001')] })], { afterSeq: 1 }),
    );
    expect(second).toMatchObject({ kind: 'answer', answer: { ackedSeq: 2 } });
    // A lone edit of the same work order, against the previous body: a fraction of its JSON.
    const edit = batch(
      d.node,
      [mutation({ seq: 3, actorId: admin, changes: [{ t: 'work_orders', r: wo, op: 'update', f: { title: 'Pump seal' } }] })],
      {
        afterSeq: 2,
      },
    );
    expect(await client.push(edit)).toMatchObject({ kind: 'answer', answer: { ackedSeq: 3, results: [{ outcome: 'applied' }] } });
    expect(sizes.at(-1)!).toBeLessThan(json(edit).length / 2);
    const page = await t.call('GET', '/hub/v1/sync/pull?after=0&schema=1', { token: d.credential });
    expect(page.body.rows.find((r: { r: string }) => r.r === wo).f.title).toBe('Pump seal');
  });

  it('when the hub no longer holds the dictionary a push names (a restart), then 412 and the client sends it again against the fixed one', async () => {
    const d = await enrolled();
    const gone = dictionaryAfter(Buffer.from('a body this hub never saw'));
    const body = batch(d.node, [
      mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(randomUUID(), randomUUID()) }),
    ]);
    const raw = await pushRaw(d, encodePush(json(body), gone), gone.name);
    expect(raw).toMatchObject({ status: 412, body: { code: 'push_dictionary_unknown' } });
    const state: WireCompression = { pushed: gone, pulled: null, off: false };
    const answer = await new HubClient(t.url, d.credential, { compression: state }).push(body);
    expect(answer).toMatchObject({ kind: 'answer', answer: { ackedSeq: 1 } });
    expect(state.pushed?.name).toBe(dictionaryAfter(json(body)).name);
  });

  it("when a depot names another depot's dictionary, then 412: each node refers only to its own bodies", async () => {
    const a = await enrolled();
    const b = await enrolled();
    const setupA = batch(a.node, [
      mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(randomUUID(), randomUUID()) }),
    ]);
    expect((await pushRaw(a, encodePush(json(setupA), STATIC_DICTIONARY), 'static')).status).toBe(200);
    const aDictionary = dictionaryAfter(json(setupA));
    const setupB = batch(b.node, [
      mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(randomUUID(), randomUUID()) }),
    ]);
    expect(await pushRaw(b, encodePush(json(setupB), aDictionary), aDictionary.name)).toMatchObject({
      status: 412,
      body: { code: 'push_dictionary_unknown' },
    });
  });

  it('when a body is garbage, deflated against other bytes, not JSON, or inflates past the limit, then a problem and nothing is applied', async () => {
    const d = await enrolled();
    const body = batch(d.node, [
      mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(randomUUID(), randomUUID()) }),
    ]);
    expect(await pushRaw(d, Buffer.from('not deflate at all'), 'static')).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    });
    // The zlib stream names its dictionary's Adler-32: another dictionary is refused, not inflated to garbage.
    const other = { name: 'static', bytes: Buffer.from('{"some":"other dictionary"}') };
    expect(await pushRaw(d, encodePush(json(body), other), 'static')).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await pushRaw(d, encodePush(Buffer.from('{"node":'), STATIC_DICTIONARY), 'static')).toMatchObject({ status: 400 });
    // 40 MB of spaces deflate to ~40 KB: refused at the 32 MB inflated limit.
    const bomb = deflateSync(Buffer.alloc(40 * 1024 * 1024, 0x20), { dictionary: STATIC_DICTIONARY.bytes });
    expect(bomb.length).toBeLessThan(100_000);
    expect(await pushRaw(d, bomb, 'static')).toMatchObject({ status: 413, body: { code: 'body_too_large' } });
    // A valid body with a forged field is the same 400 as uncompressed: the contract runs after decoding.
    const forged = { ...body, mutations: [{ ...body.mutations[0]!, seq: -1 }] };
    expect(await pushRaw(d, encodePush(json(forged), STATIC_DICTIONARY), 'static')).toMatchObject({ status: 400 });
    // Nothing of the above was applied: the same setup goes in as the first mutation.
    expect(await pushRaw(d, encodePush(json(body), STATIC_DICTIONARY), 'static')).toMatchObject({ status: 200, body: { ackedSeq: 1 } });
  });

  it('when a depot names the page it holds, then a small page comes compressed against it and reads the same as a plain one; one naming nothing gets JSON as before', async () => {
    const d = await enrolled();
    const admin = randomUUID();
    const state: WireCompression = { pushed: null, pulled: null, off: false };
    const down: number[] = [];
    const client = new HubClient(t.url, d.credential, { compression: state, onBytes: (dir, n) => dir === 'down' && down.push(n) });
    await client.push(
      batch(d.node, [mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(randomUUID(), admin) })]),
    );
    const wo = randomUUID();
    await client.push(batch(d.node, [mutation({ seq: 2, actorId: admin, changes: [workOrderInsert(wo, 'AVM-000001')] })], { afterSeq: 1 }));
    const first = await client.pull({ after: 0, limit: 1000, schema: 1 });
    expect(first.kind).toBe('page');
    const cursor = first.kind === 'page' ? first.page.to : 0;
    expect(state.pulled).not.toBeNull();
    await client.push(
      batch(
        d.node,
        [mutation({ seq: 3, actorId: admin, changes: [{ t: 'work_orders', r: wo, op: 'update', f: { title: 'Pump seal' } }] })],
        {
          afterSeq: 2,
        },
      ),
    );
    // The raw answer to the same request is compressed against the page this depot holds.
    const raw = await fetch(`${t.url}/hub/v1/sync/pull?after=${cursor}&schema=1`, {
      headers: { authorization: `Bearer ${d.credential}`, [PULL_DICTIONARY_HEADER]: state.pulled!.name },
    });
    expect(raw.headers.get('content-encoding')).toBe(PUSH_ENCODING);
    expect(raw.headers.get(PULL_DICTIONARY_HEADER)).toBe(state.pulled!.name);
    const plain = await t.call('GET', `/hub/v1/sync/pull?after=${cursor}&schema=1`, { token: d.credential });
    const next = await client.pull({ after: cursor, limit: 1000, schema: 1 });
    expect(next).toEqual({ kind: 'page', page: plain.body });
    expect(next.kind === 'page' && next.page.rows[0]!.f.title).toBe('Pump seal');
    // Less than half of the page's JSON came down.
    expect(down.at(-1)!).toBeLessThan(JSON.stringify(plain.body).length / 2);
    // A page it does not hold (a restarted hub forgot it): compressed against the fixed dictionary, named so.
    const unknown = await fetch(`${t.url}/hub/v1/sync/pull?after=${cursor}&schema=1`, {
      headers: { authorization: `Bearer ${d.credential}`, [PULL_DICTIONARY_HEADER]: 'not-a-page-it-sent' },
    });
    expect(unknown.headers.get(PULL_DICTIONARY_HEADER)).toBe('static');
    // A request naming nothing (an older depot) gets JSON as before.
    expect(
      (
        await fetch(`${t.url}/hub/v1/sync/pull?after=${cursor}&schema=1`, { headers: { authorization: `Bearer ${d.credential}` } })
      ).headers.get('content-encoding'),
    ).not.toBe(PUSH_ENCODING);
  });

  it('when the credential is wrong, then 401 before the body is read', async () => {
    const d = await enrolled();
    const res = await pushRaw({ ...d, credential: 'x'.repeat(43) }, Buffer.from('anything'), 'static');
    expect(res.status).toBe(401);
  });
});

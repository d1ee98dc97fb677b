import { once } from 'node:events';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { excerpt } from './service.js';

let t: TestHost;
let w: World;
let other: World;

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
  other = await seedWorld(t, 'Elsewhere');
});
afterAll(() => t.close());

const url = (id: string, q = '') => `/api/v1/work-orders/${id}/messages${q}`;
const post = (id: string, body: unknown, token = w.tokens.tech1) => t.api('POST', url(id), { token, body });
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();
const stored = (id: string) =>
  t.host.sqlite.prepare('SELECT count(*) FROM work_order_messages WHERE work_order_id = ?').pluck().get(id) as number;

describe('the thread of a work order', () => {
  it('when the crew and the dispatcher write, then the thread lists both oldest first with author name and role', async () => {
    const wo = workOrderAt(w, 'EN_ROUTE');
    const fromCrew = await post(wo.id, { body: '  Gate is locked, who has the key?  ', occurredAt: '2026-11-16T08:40:00Z' });
    expect(fromCrew.status).toBe(201);
    expect(fromCrew.body).toEqual({
      id: expect.any(String),
      workOrderId: wo.id,
      authorId: w.people.tech1,
      authorName: 'tech1 of Riverside',
      authorRole: 'technician',
      body: 'Gate is locked, who has the key?',
      writtenAt: '2026-11-16T08:40:00.000Z',
      createdAt: '2026-11-16T09:00:00.000Z',
    });
    const reply = await post(wo.id, { body: 'Site office, ask for Sam.' }, w.tokens.dispatcher);
    expect(reply.body).toMatchObject({
      authorRole: 'dispatcher',
      authorName: 'dispatcher of Riverside',
      writtenAt: '2026-11-16T09:00:00.000Z',
    });

    for (const token of [w.tokens.tech1, w.tokens.viewer, w.tokens.supervisor]) {
      const thread = await t.api('GET', url(wo.id), { token });
      expect(thread.body).toEqual({ items: [fromCrew.body, reply.body], nextCursor: null });
    }
  });

  it('when a message is posted, then the timeline shows it as a "message" event with an excerpt of at most 80 characters', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const long = `Pump housing cracked along the flange; ${'x'.repeat(100)}`;
    const res = await post(wo.id, { body: long });
    const events = (await t.api('GET', `/api/v1/work-orders/${wo.id}/events`, { token: w.tokens.dispatcher })).body.items;
    const messageEvents = events.filter((e: { type: string }) => e.type === 'message');
    expect(messageEvents).toEqual([
      expect.objectContaining({
        actorId: w.people.tech1,
        actorName: 'tech1 of Riverside',
        data: { messageId: res.body.id, excerpt: expect.any(String) },
      }),
    ]);
    const shown = messageEvents[0].data.excerpt as string;
    expect(Array.from(shown)).toHaveLength(80);
    expect(shown.startsWith('Pump housing cracked along the flange; xxx')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
  });

  it('when excerpting, then short text is kept whole, whitespace is folded and emoji are not split', () => {
    expect(excerpt('On my way')).toBe('On my way');
    expect(excerpt('line one\n\nline two')).toBe('line one line two');
    const emoji = excerpt('🚧'.repeat(100));
    expect(Array.from(emoji)).toEqual([...Array(79).fill('🚧'), '…']);
  });

  it('when the thread is long, then it pages with a cursor and picks up messages posted later', async () => {
    const wo = workOrderAt(w, 'DISPATCHED');
    for (const n of [1, 2, 3]) {
      await post(wo.id, { body: `message ${n}` });
      t.clock.advance(1000);
    }
    const first = await t.api('GET', url(wo.id, '?limit=2'), { token: w.tokens.dispatcher });
    expect(first.body.items.map((m: { body: string }) => m.body)).toEqual(['message 1', 'message 2']);
    const second = await t.api('GET', url(wo.id, `?limit=2&cursor=${first.body.nextCursor}`), { token: w.tokens.dispatcher });
    expect(second.body).toMatchObject({ items: [{ body: 'message 3' }], nextCursor: null });
    await post(wo.id, { body: 'message 4' });
    const again = await t.api('GET', url(wo.id, `?limit=2&cursor=${first.body.nextCursor}`), { token: w.tokens.dispatcher });
    expect(again.body.items.map((m: { body: string }) => m.body)).toEqual(['message 3', 'message 4']);
    expect((await t.api('GET', url(wo.id, '?cursor=nonsense'), { token: w.tokens.dispatcher })).status).toBe(400);
    expect((await t.api('GET', url(wo.id, '?sort=-createdAt'), { token: w.tokens.dispatcher })).status).toBe(400);
    t.clock.set('2026-11-16T09:00:00Z');
  });

  it('when the body is malformed or the time is off, then 400 or 422 with the field named, and nothing is stored', async () => {
    const wo = workOrderAt(w, 'EN_ROUTE');
    const cases: [unknown, number, string[]][] = [
      [{ body: '' }, 400, ['body.body']],
      [{ body: '   ' }, 400, ['body.body']],
      [{ body: 'x'.repeat(2001) }, 400, ['body.body']],
      [{ body: 42 }, 400, ['body.body']],
      [{}, 400, ['body.body']],
      [{ body: 'hi', authorId: w.people.dispatcher }, 400, ['body']],
      [{ body: 'hi', occurredAt: 1_700_000_000_000 }, 400, ['body.occurredAt']],
      [{ body: 'hi', occurredAt: '2026-11-16T09:06:00Z' }, 422, ['body.occurredAt']],
      [{ body: 'hi', occurredAt: '2026-11-01T09:00:00Z' }, 422, ['body.occurredAt']],
    ];
    for (const [body, status, fields] of cases) {
      const res = await post(wo.id, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      expect(fieldsOf(res.body)).toEqual(fields);
    }
    expect(stored(wo.id)).toBe(0);
    expect((await post(wo.id, { body: 'x'.repeat(2000) })).status).toBe(201);
  });

  it("when the work order is another team's or another org's, then 404; a viewer may read but not write (403)", async () => {
    const wo = workOrderAt(w, 'EN_ROUTE');
    expect((await post(wo.id, { body: 'hello' }, w.tokens.tech2)).status).toBe(404);
    expect((await t.api('GET', url(wo.id), { token: w.tokens.tech2 })).status).toBe(404);
    const theirs = workOrderAt(other, 'EN_ROUTE');
    expect((await post(theirs.id, { body: 'hello' }, w.tokens.dispatcher)).status).toBe(404);
    expect((await t.api('GET', url(theirs.id), { token: w.tokens.admin })).status).toBe(404);
    expect((await post(wo.id, { body: 'hello' }, w.tokens.viewer)).status).toBe(403);
    expect((await t.api('GET', url('not-a-uuid'), { token: w.tokens.admin })).status).toBe(400);
    expect(stored(wo.id) + stored(theirs.id)).toBe(0);
  });
});

describe('live', () => {
  it("when a technician posts, then a dispatcher's socket hears a change of table work_order_messages for that work order", async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/ws`, [`depotdesk.bearer.${w.tokens.dispatcher}`]);
    const heard: {
      type: string;
      orgId: string;
      data: { tables: string[]; workOrderId?: string; changes: { table: string; id: string }[] };
    }[] = [];
    const hello = new Promise<void>((resolve) =>
      ws.on('message', (raw) => {
        const msg = JSON.parse(raw.toString());
        if (msg.type === 'hello') resolve();
        else heard.push(msg);
      }),
    );
    await hello;
    const res = await post(wo.id, { body: 'Need a second pair of hands' });
    expect(res.status).toBe(201);
    await expect.poll(() => heard.find((m) => m.type === 'work_order.message_posted')).toBeDefined();
    const msg = heard.find((m) => m.type === 'work_order.message_posted')!;
    expect(msg.orgId).toBe(w.orgId);
    expect(msg.data.workOrderId).toBe(wo.id);
    expect(msg.data.tables).toEqual(expect.arrayContaining(['work_order_messages', 'work_order_events']));
    expect(msg.data.changes).toContainEqual({ table: 'work_order_messages', id: res.body.id, op: 'insert' });
    const closed = once(ws, 'close');
    ws.close();
    await closed;
  });
});

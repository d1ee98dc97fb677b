import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';

/** A phone's outbox replays an action with the key it stored; the host must apply it once. */

let t: TestHost;
let w: World;

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
});
afterAll(() => t.close());

const count = (sql: string, ...args: unknown[]) =>
  t.host.sqlite
    .prepare(sql)
    .pluck()
    .get(...args) as number;

describe('replayed crew actions', () => {
  it('when a message POST is replayed with its Idempotency-Key, then one message is stored and the replay returns the first answer', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const send = () =>
      t.api('POST', `/api/v1/work-orders/${wo.id}/messages`, {
        token: w.tokens.tech1,
        body: { body: 'Leak found under the road', occurredAt: '2026-11-16T08:30:00Z' },
        headers: { 'idempotency-key': 'outbox-msg-1' },
      });
    const first = await send();
    const replay = await send();
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(count('SELECT count(*) FROM work_order_messages WHERE work_order_id = ?', wo.id)).toBe(1);
    expect(count("SELECT count(*) FROM work_order_events WHERE work_order_id = ? AND type = 'message'", wo.id)).toBe(1);
    // The same key from another person is another request.
    const fromDispatcher = await t.api('POST', `/api/v1/work-orders/${wo.id}/messages`, {
      token: w.tokens.dispatcher,
      body: { body: 'Leak found under the road', occurredAt: '2026-11-16T08:30:00Z' },
      headers: { 'idempotency-key': 'outbox-msg-1' },
    });
    expect(fromDispatcher.headers.get('idempotent-replayed')).toBeNull();
    expect(count('SELECT count(*) FROM work_order_messages WHERE work_order_id = ?', wo.id)).toBe(2);
  });

  it('when a checklist PUT is replayed with its Idempotency-Key, then one checklist_answered event is written', async () => {
    const wo = workOrderAt(w, 'ON_SITE', { templateId: w.template, type: undefined, priority: undefined });
    const answered = () => count("SELECT count(*) FROM work_order_events WHERE work_order_id = ? AND type = 'checklist_answered'", wo.id);
    const put = (headers: Record<string, string>) =>
      t.api('PUT', `/api/v1/work-orders/${wo.id}/checklist/pressure`, { token: w.tokens.tech1, body: { value: 4.2 }, headers });
    const first = await put({ 'idempotency-key': 'outbox-answer-1' });
    const replay = await put({ 'idempotency-key': 'outbox-answer-1' });
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(replay.body.version).toBe(1);
    expect(answered()).toBe(1);
    // Without a key a PUT is an ordinary re-answer: it writes again (so the key is what made the replay a no-op).
    const unkeyed = await put({});
    expect(unkeyed.body.version).toBe(2);
    expect(answered()).toBe(2);
  });

  it('when an attendance POST is replayed with its key, then the replay is not refused as a second check-in', async () => {
    const wo = workOrderAt(w, 'ON_SITE', { locationId: w.loc1 });
    const send = () =>
      t.api('POST', `/api/v1/work-orders/${wo.id}/attendance`, {
        token: w.tokens.tech1,
        body: { kind: 'check_in', position: { lat: 51.5, lon: -0.1 } },
        headers: { 'idempotency-key': 'outbox-in-1' },
      });
    const first = await send();
    const replay = await send();
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(count('SELECT count(*) FROM attendance WHERE work_order_id = ?', wo.id)).toBe(1);
  });
});

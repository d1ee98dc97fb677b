import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { pruneExpired } from './idempotency.js';

/**
 * Issue 13, crew replays: a phone offline for more than the 24 h the stored answers are kept sends
 * its action again. The log still holds the mutation under the action's id, so nothing is applied
 * twice and the phone hears that it was applied (not a refusal).
 */

let t: TestHost;
let w: World;
const DAY = 24 * 3_600_000;

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

/** Past the stored answers' lifetime, and the hourly housekeeping has pruned them. */
function twoDaysLater() {
  t.clock.advance(2 * DAY);
  pruneExpired(t.host);
}

describe('crew replays after the stored answers expired', () => {
  it('when a note is sent again two days later with the same action id, then it is not added twice and the answer says it was applied', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const actionId = randomUUID();
    const send = () =>
      t.api('POST', `/api/v1/work-orders/${wo.id}/notes`, {
        token: w.tokens.tech1,
        body: { body: 'Valve replaced, pressure holding' },
        headers: { 'idempotency-key': actionId },
      });
    const first = await send();
    expect(first.status).toBe(201);
    const appliedAt = new Date(t.clock.now()).toISOString();
    twoDaysLater();
    expect(count('SELECT count(*) FROM idempotency_keys WHERE key = ?', actionId)).toBe(0);

    const replay = await send();
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual({ replayed: true, mutationId: actionId, appliedAt });
    expect(count("SELECT count(*) FROM work_order_events WHERE work_order_id = ? AND type = 'note'", wo.id)).toBe(1);
  });

  it('when a transition is sent again two days later, then it is reported applied instead of refused, and the work order moved once', async () => {
    const wo = workOrderAt(w, 'DISPATCHED');
    const actionId = randomUUID();
    const send = () =>
      t.api('POST', `/api/v1/work-orders/${wo.id}/transitions`, {
        token: w.tokens.tech1,
        body: { to: 'EN_ROUTE' },
        headers: { 'idempotency-key': actionId },
      });
    expect((await send()).status).toBe(200);
    twoDaysLater();
    const replay = await send();
    // Without the log's memory this would be 409 (EN_ROUTE -> EN_ROUTE is not a transition).
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ replayed: true, mutationId: actionId });
    expect(count("SELECT count(*) FROM work_order_events WHERE work_order_id = ? AND to_status = 'EN_ROUTE'", wo.id)).toBe(1);
  });

  it('when the same action id comes with a different body or from another person, then it is refused as a reused key and nothing is written', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const actionId = randomUUID();
    const note = (token: string, body: string) =>
      t.api('POST', `/api/v1/work-orders/${wo.id}/notes`, { token, body: { body }, headers: { 'idempotency-key': actionId } });
    expect((await note(w.tokens.tech1, 'First visit')).status).toBe(201);
    twoDaysLater();
    const changed = await note(w.tokens.tech1, 'Something else');
    expect(changed.status).toBe(422);
    expect(changed.body.code).toBe('idempotency_key_reused');
    const other = await note(w.tokens.tech2, 'First visit');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(count("SELECT count(*) FROM work_order_events WHERE work_order_id = ? AND type = 'note'", wo.id)).toBe(1);
  });
});

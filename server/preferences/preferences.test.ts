import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, type World } from '../work-orders/fixtures.js';

let t: TestHost;
let a: World;
let b: World;

beforeAll(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
  b = await seedWorld(t, 'Hillside');
});
afterAll(() => t.close());

const url = (key: string) => `/api/v1/me/preferences/${key}`;

describe('user preferences', () => {
  it('when a key was never saved, then it reads as null with version 0', async () => {
    const res = await t.api('GET', url('board.filters'), { token: a.tokens.dispatcher });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ key: 'board.filters', value: null, updatedAt: null, version: 0 });
  });

  it('when a user saves a value twice, then they read the latest back and each save is audited', async () => {
    const first = await t.api('PUT', url('board.filters'), { token: a.tokens.dispatcher, body: { value: { priority: 'high' } } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ key: 'board.filters', value: { priority: 'high' }, version: 1 });
    const second = await t.api('PUT', url('board.filters'), {
      token: a.tokens.dispatcher,
      body: { value: { priority: 'low', teamId: null } },
    });
    expect(second.body).toMatchObject({ value: { priority: 'low', teamId: null }, version: 2 });

    const read = await t.api('GET', url('board.filters'), { token: a.tokens.dispatcher });
    expect(read.body).toMatchObject({ value: { priority: 'low', teamId: null }, version: 2, updatedAt: expect.any(String) });

    const audit = t.host.sqlite
      .prepare("SELECT count(*) AS n FROM audit_log WHERE entity = 'user_preferences' AND org_id = ?")
      .get(a.orgId) as { n: number };
    expect(audit.n).toBe(2);
  });

  it('when another user of the same org or another org reads the key, then they see only their own (unset) value', async () => {
    const colleague = await t.api('GET', url('board.filters'), { token: a.tokens.supervisor });
    expect(colleague.body).toMatchObject({ value: null, version: 0 });
    const stranger = await t.api('GET', url('board.filters'), { token: b.tokens.dispatcher });
    expect(stranger.body).toMatchObject({ value: null, version: 0 });
  });

  it('when any role saves, then it works (signed-in access), and without a token it is 401', async () => {
    for (const role of ['viewer', 'tech1', 'admin'] as const) {
      const res = await t.api('PUT', url('ui.theme'), { token: a.tokens[role], body: { value: role } });
      expect(res.status, role).toBe(200);
    }
    expect((await t.api('GET', url('ui.theme'), { token: a.tokens.viewer })).body).toMatchObject({ value: 'viewer' });
    expect((await t.api('GET', url('ui.theme'))).status).toBe(401);
  });

  it('when the value is over 16 KB or the key is odd, then it is refused with a field message', async () => {
    const big = await t.api('PUT', url('big'), { token: a.tokens.dispatcher, body: { value: 'x'.repeat(17_000) } });
    expect(big.status).toBe(400);
    expect(big.body.errors).toEqual([{ field: 'body.value', message: expect.stringContaining('16384 bytes') }]);
    const badKey = await t.api('PUT', url('..%2Fetc'), { token: a.tokens.dispatcher, body: { value: 1 } });
    expect(badKey.status).toBe(400);
    const noValue = await t.api('PUT', url('ok'), { token: a.tokens.dispatcher, body: { other: 1 } });
    expect(noValue.status).toBe(400);
  });

  it('when the value is null (how an unsaved key reads), then 400 with a field message, not a 500, and nothing is stored', async () => {
    const res = await t.api('PUT', url('nullish'), { token: a.tokens.dispatcher, body: { value: null } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.value', message: expect.stringContaining('must not be null') }]);
    expect((await t.api('GET', url('nullish'), { token: a.tokens.dispatcher })).body).toMatchObject({ value: null, version: 0 });
  });
});

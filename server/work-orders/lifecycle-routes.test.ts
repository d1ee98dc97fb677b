import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import type { LifecycleDto } from './contract-lifecycle.js';
import { seedWorld, type World } from './fixtures.js';
import { TRANSITIONS } from './lifecycle.js';

let t: TestHost;
let a: World;

beforeAll(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
});
afterAll(() => t.close());

async function lifecycleAs(token: string) {
  const res = await t.api<LifecycleDto>('GET', '/api/v1/work-orders/lifecycle', { token });
  expect(res.status).toBe(200);
  const move = (from: string, to: string) => res.body.moves.find((m) => m.from === from && m.to === to)!;
  return { body: res.body, move };
}

describe('GET /work-orders/lifecycle', () => {
  it('when a dispatcher asks, then every status pair is listed and the allowed ones match the lifecycle table', async () => {
    const { body, move } = await lifecycleAs(a.tokens.dispatcher);
    expect(body.role).toBe('dispatcher');
    expect(body.moves).toHaveLength(9 * 8);
    const allowed = body.moves
      .filter((m) => m.allowed)
      .map((m) => `${m.from}>${m.to}`)
      .sort();
    const expected = TRANSITIONS.filter((r) => r.roles.includes('dispatcher'))
      .map((r) => `${r.from}>${r.to}`)
      .sort();
    expect(allowed).toEqual(expected);
    expect(move('NEW', 'SCHEDULED')).toMatchObject({
      allowed: true,
      via: 'transition',
      reason: null,
      requires: [{ kind: 'plannedStart' }],
    });
    expect(move('SCHEDULED', 'DISPATCHED').requires[0]!.message).toBe(
      'Dispatched needs an assignee first: assign someone in the work order.',
    );
    expect(move('DISPATCHED', 'ON_HOLD').requires.map((r) => r.kind)).toEqual(['reason']);
    expect(move('NEW', 'COMPLETED')).toMatchObject({
      allowed: false,
      via: null,
      reason: 'New work cannot go straight to Completed. From New it can go to Scheduled or Cancelled.',
    });
    expect(move('CLOSED', 'NEW').reason).toBe('Closed is final: closed work does not move.');
    // Closure is an approver's decision, made through its own endpoint.
    expect(move('COMPLETED', 'CLOSED')).toMatchObject({
      allowed: false,
      via: 'closure',
      reason: expect.stringContaining('Dispatchers cannot approve closures'),
    });
  });

  it('when a technician asks, then cancelling is refused with the roles that may', async () => {
    const { move } = await lifecycleAs(a.tokens.tech1);
    expect(move('DISPATCHED', 'CANCELLED')).toMatchObject({
      allowed: false,
      via: 'transition',
      reason: 'Technicians cannot cancel work orders: only admins, dispatchers or supervisors may.',
    });
    expect(move('DISPATCHED', 'EN_ROUTE').allowed).toBe(true);
    expect(move('NEW', 'SCHEDULED').allowed).toBe(false);
  });

  it('when a supervisor asks, then closure moves are allowed via the closure endpoint and rejection needs a comment', async () => {
    const { move } = await lifecycleAs(a.tokens.supervisor);
    expect(move('COMPLETED', 'CLOSED')).toMatchObject({ allowed: true, via: 'closure', requires: [] });
    expect(move('COMPLETED', 'DISPATCHED')).toMatchObject({ allowed: true, via: 'closure', requires: [{ kind: 'comment' }] });
  });

  it('when a viewer asks, then nothing is allowed; without sign-in it is 401', async () => {
    const { body } = await lifecycleAs(a.tokens.viewer);
    expect(body.moves.some((m) => m.allowed)).toBe(false);
    expect((await t.api('GET', '/api/v1/work-orders/lifecycle')).status).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { requestFrom } from '../../testing/from-address.js';
import { seedWorld, workOrderAt } from '../../work-orders/fixtures.js';
import { SHARE_FAILURES_PER_MINUTE, ShareLockout } from './lockout.js';

/**
 * A share link's password lockout counts per (link, client address): whoever guesses locks out
 * themself, never the customer holding the password on another address.
 */

describe('share link lockout over HTTP, from distinct loopback addresses', () => {
  let t: TestHost;
  let url: string;
  beforeAll(async () => {
    t = await startTestHost({ now: '2026-11-20T12:00:00Z' });
    const world = await seedWorld(t);
    const wo = workOrderAt(world, 'ON_SITE', { title: 'Hydrant repair' });
    const res = await t.api<{ url: string }>('POST', `/api/v1/work-orders/${wo.id}/share`, {
      token: world.tokens.dispatcher,
      body: { expiresAt: '2026-11-27T12:00:00Z', password: 'blue tractor' },
    });
    expect(res.status).toBe(201);
    url = t.url + res.body.url;
  });
  afterAll(() => t.close());

  const post = (from: string, password: string) =>
    requestFrom(from, url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password }).toString(),
    });

  it('when an attacker on one address exhausts the attempts, then the holder on another address still gets in with the right password', async () => {
    for (let i = 0; i < SHARE_FAILURES_PER_MINUTE; i++) expect((await post('127.0.0.2', `guess ${i}`)).status).toBe(401);
    // The attacker is locked out, even with the right password...
    expect((await post('127.0.0.2', 'blue tractor')).status).toBe(429);
    // ...the customer is not.
    const holder = await post('127.0.0.3', 'blue tractor');
    expect(holder.status).toBe(303);
    const cookie = String(holder.headers['set-cookie']?.[0]).split(';')[0]!;
    const page = await requestFrom('127.0.0.3', url, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Hydrant repair');
  });
});

describe('ShareLockout', () => {
  const clock = new ManualClock(Date.parse('2026-11-20T12:00:00Z'));
  const exhaust = (l: ShareLockout, link: string, address: string) => {
    for (let i = 0; i < SHARE_FAILURES_PER_MINUTE; i++) l.fail(link, address);
  };

  it('when one address exhausts a link, then only that (link, address) pair is blocked, for one minute', () => {
    const l = new ShareLockout(clock);
    exhaust(l, 'link-1', '192.168.1.20');
    expect(l.blocked('link-1', '192.168.1.20')).toBe(true);
    expect(l.blocked('link-1', '192.168.1.21')).toBe(false);
    expect(l.blocked('link-2', '192.168.1.20')).toBe(false);
    clock.advance(60_000);
    expect(l.blocked('link-1', '192.168.1.20')).toBe(false);
  });

  it('when an IPv6 device rotates through addresses of its own prefix, then it is still one client', () => {
    const l = new ShareLockout(clock);
    for (let i = 0; i < SHARE_FAILURES_PER_MINUTE; i++) l.fail('link-1', `2001:db8:1:1::${i + 1}`);
    expect(l.blocked('link-1', '2001:db8:1:1::99')).toBe(true);
    expect(l.blocked('link-1', '2001:db8:2:1::1')).toBe(false);
  });

  it('when the table fills up with stale windows, then making room drops those and keeps a live lock', () => {
    const l = new ShareLockout(clock);
    for (let i = 0; i < 10_001; i++) l.fail('link-1', `10.1.${i >> 8}.${i & 255}`);
    clock.advance(61_000);
    exhaust(l, 'link-1', '10.0.0.1');
    l.fail('link-1', '10.2.0.1');
    expect(l.blocked('link-1', '10.0.0.1')).toBe(true);
  });
});

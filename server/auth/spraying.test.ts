import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { ADMIN, startTestHost, type TestHost } from '../testing/harness.js';
import { requestFrom } from '../testing/from-address.js';

/**
 * Password spraying: one address trying one password over many accounts. The per-e-mail limit
 * never sees more than one attempt per account, so the address itself is limited too. Requests
 * come from distinct loopback addresses (127.0.0.x), which the host sees as distinct clients.
 */

let t: TestHost;
beforeAll(async () => {
  // The per-e-mail limit is lifted here so it cannot be what answers 429 in these tests.
  t = await startTestHost({ config: { loginAttemptsPerMinute: 1000, loginFailuresPerAddressPerMinute: 30 } });
  await t.setupOrg();
});
afterAll(() => t.close());

const login = (from: string, email: string, password: string) =>
  requestFrom(from, `${t.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

describe('password spraying', () => {
  it('when one address tries 120 different e-mails, then it gets 429 after 30 failures, while another address still signs in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 120; i++) statuses.push((await login('127.0.0.2', `person${i}@example.test`, 'Summer2026!')).status);
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses.slice(30)).toEqual(Array(90).fill(429));
    const refused = await login('127.0.0.2', ADMIN.email, ADMIN.password);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'too_many_requests' });
    // The limit is the sprayer's address, not the accounts it tried: the admin at another address gets in.
    expect((await login('127.0.0.3', ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  it('when people behind one address sign in correctly many times, then successes do not count toward the address limit', async () => {
    for (let i = 0; i < 32; i++) expect((await login('127.0.0.4', ADMIN.email, ADMIN.password)).status).toBe(200);
    expect((await login('127.0.0.4', 'nobody@example.test', 'wrong')).status).toBe(401);
  });
});

describe('configuration', () => {
  it('when DEPOTDESK_LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE is set, then the limit follows it; unset, it is 30', () => {
    expect(loadConfig([], { DEPOTDESK_LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE: '12' }).loginFailuresPerAddressPerMinute).toBe(12);
    expect(loadConfig([], {}).loginFailuresPerAddressPerMinute).toBe(30);
    expect(() => loadConfig([], { DEPOTDESK_LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE: '0' })).toThrow(
      /DEPOTDESK_LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE: Too small/,
    );
  });
});

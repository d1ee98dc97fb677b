import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../db/schema/index.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { roleTokens, secondOrg } from '../people/fixtures.js';
import { CLAIM_FAILURES_PER_MINUTE } from './rate-limit.js';

let t: TestHost;
let tokens: Record<Role, string>;
let techId: string;
let dispatcherId: string;

const CODES = '/api/v1/pairing-codes';
const CLAIM = '/api/v1/pairing/claim';

beforeAll(async () => {
  t = await startTestHost();
  const { token } = await t.setupOrg();
  tokens = await roleTokens(t, token, 'pair');
  techId = (await t.api('GET', '/api/v1/auth/me', { token: tokens.technician })).body.id;
  dispatcherId = (await t.api('GET', '/api/v1/auth/me', { token: tokens.dispatcher })).body.id;
});
afterAll(() => t.close());

async function newCode(body: Record<string, unknown> = { userId: techId }, token = tokens.dispatcher) {
  const res = await t.api('POST', CODES, { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; userId: string; code: string; expiresAt: string; pairUrl: string };
}

describe('pairing a crew phone', () => {
  it('when a dispatcher creates a code and a phone claims it, then the phone is signed in as the technician with a crew session', async () => {
    const created = await newCode();
    expect(created.code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(created.pairUrl).toBe(`/crew/#/pair?code=${created.code}`);
    expect(Date.parse(created.expiresAt) - t.clock.now()).toBe(10 * 60_000);

    const listed = await t.api('GET', CODES, { token: tokens.supervisor });
    expect(listed.status).toBe(200);
    const item = listed.body.items.find((i: { id: string }) => i.id === created.id);
    expect(item).toMatchObject({ userId: techId, createdBy: dispatcherId, expiresAt: created.expiresAt });
    expect(JSON.stringify(listed.body)).not.toContain(created.code);

    // Typed by hand: lower case, spaces instead of the dash.
    const claim = await t.api('POST', CLAIM, { body: { code: ` ${created.code.toLowerCase().replace('-', ' ')} ` } });
    expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    expect(claim.body.user).toMatchObject({ id: techId, role: 'technician' });
    const phone = claim.body.token as string;
    const me = await t.api('GET', '/api/v1/auth/me', { token: phone });
    expect(me.body).toMatchObject({ id: techId, role: 'technician' });

    const sessions = await t.api('GET', '/api/v1/sessions', { token: tokens.dispatcher });
    const crew = sessions.body.items.filter((s: { userId: string; kind: string }) => s.userId === techId && s.kind === 'crew');
    expect(crew).toHaveLength(1);
    const row = t.host.sqlite.prepare('SELECT used_at, used_session_id FROM pairing_codes WHERE id = ?').get(created.id);
    expect(row).toEqual({ used_at: t.clock.now(), used_session_id: crew[0].id });
    expect((await t.api('GET', CODES, { token: tokens.dispatcher })).body.items.map((i: { id: string }) => i.id)).not.toContain(created.id);

    expect((await t.api('DELETE', `/api/v1/sessions/${crew[0].id}`, { token: tokens.dispatcher })).status).toBe(204);
    expect((await t.api('GET', '/api/v1/auth/me', { token: phone })).status).toBe(401);
  });

  it('when a code is claimed a second time, then 401 with the generic message', async () => {
    const { code } = await newCode();
    expect((await t.api('POST', CLAIM, { body: { code } })).status).toBe(200);
    const again = await t.api('POST', CLAIM, { body: { code } });
    expect(again.status).toBe(401);
    const wrong = await t.api('POST', CLAIM, { body: { code: 'ZZZZ-ZZZZ' } });
    expect(wrong.status).toBe(401);
    expect(again.body.detail).toBe(wrong.body.detail);
  });

  it('when the code has expired, then the claim is refused with 401', async () => {
    const created = await newCode({ userId: techId, ttlMinutes: 2 });
    t.clock.set(Date.parse(created.expiresAt));
    const res = await t.api('POST', CLAIM, { body: { code: created.code } });
    expect(res.status).toBe(401);
    expect((await t.api('GET', CODES, { token: tokens.dispatcher })).body.items.map((i: { id: string }) => i.id)).not.toContain(created.id);
  });

  it('when the code is revoked, then it disappears from the list and the claim is refused with 401', async () => {
    const created = await newCode();
    expect((await t.api('DELETE', `${CODES}/${created.id}`, { token: tokens.admin })).status).toBe(204);
    expect((await t.api('GET', CODES, { token: tokens.dispatcher })).body.items.map((i: { id: string }) => i.id)).not.toContain(created.id);
    expect((await t.api('POST', CLAIM, { body: { code: created.code } })).status).toBe(401);
  });

  it('when the technician is deactivated after the code was made, then the claim is refused with 401', async () => {
    const res = await t.api('POST', '/api/v1/users', {
      token: tokens.admin,
      body: { email: 'leaver@example.test', name: 'Leaving Tech', role: 'technician', password: 'temporary password' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const created = await newCode({ userId: res.body.id });
    const off = await t.api('PATCH', `/api/v1/users/${res.body.id}`, {
      token: tokens.admin,
      body: { active: false },
      headers: { 'if-match': '"1"' },
    });
    expect(off.status).toBe(200);
    expect((await t.api('POST', CLAIM, { body: { code: created.code } })).status).toBe(401);
    const again = await t.api('POST', CODES, { token: tokens.dispatcher, body: { userId: res.body.id } });
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual([{ field: 'body.userId', message: 'is deactivated' }]);
  });

  it('when the code is stored, then neither it nor its hash is readable in the database or the logs', async () => {
    const { code } = await newCode();
    const { token } = (await t.api('POST', CLAIM, { body: { code } })).body;
    const dump = ['pairing_codes', 'audit_log', 'mutations', 'changes', 'sessions', 'idempotency_keys']
      .map((table) => JSON.stringify(t.host.sqlite.prepare(`SELECT * FROM ${table}`).all()))
      .join('\n');
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(code.replace('-', ''));
    expect(dump).not.toContain(token);
    // The hash is in pairing_codes (to look the code up) but nowhere else.
    const hashes = t.host.sqlite.prepare('SELECT code_hash FROM pairing_codes').pluck().all() as string[];
    const logs =
      JSON.stringify(t.host.sqlite.prepare('SELECT * FROM audit_log').all()) +
      JSON.stringify(t.host.sqlite.prepare('SELECT * FROM changes').all());
    for (const h of hashes) expect(logs).not.toContain(h);
  });
});

describe('who may make codes, and for whom', () => {
  it('when a technician or a viewer asks for a code, then 403', async () => {
    for (const role of ['technician', 'viewer'] as const) {
      const res = await t.api('POST', CODES, { token: tokens[role], body: { userId: techId } });
      expect(res.status, role).toBe(403);
      expect((await t.api('GET', CODES, { token: tokens[role] })).status).toBe(403);
    }
  });

  it('when the user is not a technician, then 400 naming the field', async () => {
    const res = await t.api('POST', CODES, { token: tokens.dispatcher, body: { userId: dispatcherId } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.userId', message: 'is a dispatcher, not a technician' }]);
  });

  it('when the user or code belongs to another org, then 404', async () => {
    const other = await secondOrg(t);
    const theirTech = await t.api('POST', '/api/v1/users', {
      token: other.token,
      body: { email: 'tech@hilltop.example.test', name: 'Hill Tech', role: 'technician', password: 'temporary password' },
    });
    expect(theirTech.status).toBe(201);
    expect((await t.api('POST', CODES, { token: tokens.dispatcher, body: { userId: theirTech.body.id } })).status).toBe(404);
    const theirs = await newCode({ userId: theirTech.body.id }, other.token);
    expect((await t.api('DELETE', `${CODES}/${theirs.id}`, { token: tokens.dispatcher })).status).toBe(404);
    expect((await t.api('GET', CODES, { token: tokens.dispatcher })).body.items.map((i: { id: string }) => i.id)).not.toContain(theirs.id);
  });

  it('when ttlMinutes is out of range or a field is unknown, then 400', async () => {
    for (const body of [
      { userId: techId, ttlMinutes: 0 },
      { userId: techId, ttlMinutes: 61 },
      { userId: techId, code: 'AAAA-AAAA' },
    ]) {
      expect((await t.api('POST', CODES, { token: tokens.dispatcher, body })).status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('guessing codes', () => {
  it('when one address keeps sending wrong codes, then it gets 429, even for a right code, until the minute is over', async () => {
    t.clock.advance(61_000); // a fresh window, whatever the tests above left behind
    const { code } = await newCode();
    for (let i = 0; i < CLAIM_FAILURES_PER_MINUTE; i++) {
      expect((await t.api('POST', CLAIM, { body: { code: 'WRNG-C0DE' } })).status).toBe(401);
    }
    const blocked = await t.api('POST', CLAIM, { body: { code } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('too_many_requests');
    t.clock.advance(60_000);
    expect((await t.api('POST', CLAIM, { body: { code } })).status).toBe(200);
  });
});

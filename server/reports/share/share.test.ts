import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../../work-orders/fixtures.js';
import { newShareCode } from './service.js';

let t: TestHost;
let world: World;
let woId: string;

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-20T12:00:00Z' });
  world = await seedWorld(t);
  woId = workOrderAt(world, 'ON_SITE', { title: 'Burst main <script>alert(1)</script>' }).id;
  const note = (body: string, internal: boolean) =>
    t.api('POST', `/api/v1/work-orders/${woId}/notes`, { token: world.tokens.dispatcher, body: { body, internal } });
  expect((await note('Customer informed, crew on the way', false)).status).toBe(201);
  expect((await note('SECRET internal: customer is difficult', true)).status).toBe(201);
});
afterAll(() => t.close());

const share = (body: Record<string, unknown>, token = world.tokens.dispatcher, id = woId) =>
  t.api<{ id: string; code: string; url: string; expiresAt: string; state: string }>('POST', `/api/v1/work-orders/${id}/share`, {
    token,
    body,
  });

async function open(url: string, init: RequestInit = {}) {
  const res = await fetch(t.url + url, { redirect: 'manual', ...init });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('share links', () => {
  it('when a link is made, then its page shows status, SLA and the public timeline only, under a strict CSP, and counts opens', async () => {
    const res = await share({ expiresAt: '2026-11-27T12:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^[0-9A-Za-z]{12}$/);
    expect(res.body.url).toBe(`/s/${res.body.code}`);
    const page = await open(res.body.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('On site');
    expect(page.text).toContain('Customer informed, crew on the way');
    expect(page.text).not.toContain('SECRET');
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&#60;script&#62;');
    await open(res.body.url);
    const list = await t.api<{ items: { id: string; opens: number; codeHint: string; state: string }[] }>(
      'GET',
      `/api/v1/work-orders/${woId}/share`,
      { token: world.tokens.dispatcher },
    );
    const mine = list.body.items.find((l) => l.id === res.body.id)!;
    expect(mine).toMatchObject({ opens: 2, codeHint: res.body.code.slice(0, 4), state: 'active' });
    // Opens are local counters (setLocal): no audit entry, no mutation, no version bump for a page view.
    const sqlite = t.host.sqlite;
    expect(sqlite.prepare("SELECT count(*) FROM mutations WHERE action = 'share_link.opened'").pluck().get()).toBe(0);
    expect(sqlite.prepare("SELECT count(*) FROM audit_log WHERE entity = 'share_links' AND entity_id = ?").pluck().get(res.body.id)).toBe(
      1,
    );
    expect(sqlite.prepare('SELECT version FROM share_links WHERE id = ?').pluck().get(res.body.id)).toBe(1);
    expect(JSON.stringify(list.body)).not.toContain(res.body.code);

    const pdf = await fetch(`${t.url}${res.body.url}/jobcard.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const file = path.join(t.dataDir, 'shared.pdf');
    fs.writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    const text = execFileSync('pdftotext', [file, '-']).toString();
    expect(text).toContain('Customer informed');
    expect(text).not.toContain('SECRET');
  });

  it('when the link expires, then it answers 410; when revoked, 404 like an unknown code', async () => {
    const res = await share({ expiresAt: '2026-11-21T12:00:00Z' });
    t.clock.set('2026-11-21T12:00:01Z');
    expect((await open(res.body.url)).status).toBe(410);
    expect((await open(`${res.body.url}/jobcard.pdf`)).status).toBe(410);
    t.clock.set('2026-11-20T12:00:00Z');
    expect((await open(res.body.url)).status).toBe(200);
    const revoked = await t.api('DELETE', `/api/v1/share/${res.body.id}`, { token: world.tokens.dispatcher });
    expect(revoked.body).toMatchObject({ state: 'revoked' });
    const gone = await open(res.body.url);
    const unknown = await open(`/s/${newShareCode()}`);
    expect(gone.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(gone.text).toBe(unknown.text);
    expect((await open('/s/not-a-code')).status).toBe(404);
  });

  it('when a password is set, then the page asks for it, refuses a wrong one, rate-limits guessing and opens with the right one', async () => {
    const res = await share({ expiresAt: '2026-11-27T12:00:00Z', password: 'blue tractor' });
    const form = await open(res.body.url);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Password needed');
    expect(form.text).not.toContain('Burst main');
    expect((await open(`${res.body.url}/jobcard.pdf`)).status).toBe(401);
    const post = (password: string) =>
      open(res.body.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ password }).toString(),
      });
    const wrong = await post('red tractor');
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('Burst main');
    const ok = await post('blue tractor');
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
    const unlocked = await open(res.body.url, { headers: { cookie } });
    expect(unlocked.text).toContain('Burst main');
    expect((await open(`${res.body.url}/jobcard.pdf`, { headers: { cookie } })).status).toBe(200);
    for (let i = 0; i < 4; i++) await post('guess');
    const limited = await post('blue tractor');
    expect(limited.status).toBe(429);
    t.clock.set('2026-11-20T12:01:01Z');
    expect((await post('blue tractor')).status).toBe(303);
    t.clock.set('2026-11-20T12:00:00Z');
  });

  it('when another org or a technician outside the job tries to list, make or revoke links, then it is 404 or 403', async () => {
    const res = await share({ expiresAt: '2026-11-27T12:00:00Z' });
    const other = await seedWorld(t, 'Elsewhere');
    expect((await t.api('GET', `/api/v1/work-orders/${woId}/share`, { token: other.tokens.dispatcher })).status).toBe(404);
    expect((await share({ expiresAt: '2026-11-27T12:00:00Z' }, other.tokens.dispatcher)).status).toBe(404);
    expect((await t.api('DELETE', `/api/v1/share/${res.body.id}`, { token: other.tokens.dispatcher })).status).toBe(404);
    expect((await share({ expiresAt: '2026-11-27T12:00:00Z' }, world.tokens.tech1)).status).toBe(403);
    expect((await open(res.body.url)).status).toBe(200);
    expect((await share({ expiresAt: '2026-11-20T11:00:00Z' })).status).toBe(422);
  });
});

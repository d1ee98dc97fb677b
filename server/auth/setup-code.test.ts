import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestHost, type TestHost } from '../testing/harness.js';
import { assertSetupFromDesk, setupCodeFor } from './setup-code.js';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t.close());

const body = (setupCode?: string) => ({
  ...(setupCode === undefined ? {} : { setupCode }),
  organization: { name: 'Harbour Works', timeZone: 'Europe/London' },
  admin: ADMIN,
});
const orgCount = () => t.host.sqlite.prepare('SELECT count(*) FROM organizations').pluck().get();

describe('first-run setup only from the desk', () => {
  it('when setup is posted without the one-time code, then it is refused and nothing is created', async () => {
    expect((await t.api('POST', '/api/v1/setup', { body: body() })).status).toBe(400);
    const wrong = await t.api('POST', '/api/v1/setup', { body: body('guessed-code') });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('setup_code_required');
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    const demo = await t.api('POST', '/api/v1/setup/demo', { body: { setupCode: 'guessed-code' } });
    expect(demo.status).toBe(403);
    expect(orgCount()).toBe(0);
    expect((await t.api('GET', '/api/v1/setup')).body).toEqual({ needed: true });
  });

  it('when a request comes from another machine, then even the right code is refused', () => {
    const code = setupCodeFor(t.host)!;
    const fromLan = { socket: { remoteAddress: '192.168.1.20' } } as unknown as Request;
    expect(() => assertSetupFromDesk(t.host, fromLan, code)).toThrow(/only possible at the depot desk/);
    const mapped = { socket: { remoteAddress: '::ffff:10.0.0.7' } } as unknown as Request;
    expect(() => assertSetupFromDesk(t.host, mapped, code)).toThrow(/only possible at the depot desk/);
    const desk = { socket: { remoteAddress: '::ffff:127.0.0.1' } } as unknown as Request;
    expect(() => assertSetupFromDesk(t.host, desk, code)).not.toThrow();
  });

  it('when the desk posts the printed code, then setup succeeds once and the code dies with it', async () => {
    const code = setupCodeFor(t.host);
    expect(code).toMatch(/^[\w-]{24}$/);
    const ok = await t.api('POST', '/api/v1/setup', { body: body(code!) });
    expect(ok.status).toBe(201);
    expect(setupCodeFor(t.host)).toBeNull();
    const again = await t.api('POST', '/api/v1/setup', { body: body(code!) });
    expect(again.status).toBe(409);
    expect(orgCount()).toBe(1);
  });
});

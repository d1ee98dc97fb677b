import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, roleTokens } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';
import { effectiveLocale, localeForZone, supportedLocale } from './contract-locale.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
let depotId: string;
const D = '/api/v1/depots';

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'locale');
  depotId = (await t.api('GET', D, { token: admin })).body.items[0].id;
});
afterAll(() => t.close());

async function patchLocale(token: string, locale: unknown) {
  const current = await t.api('GET', `${D}/${depotId}`, { token: admin });
  return t.api('PATCH', `${D}/${depotId}`, { token, body: { locale }, headers: { 'if-match': current.headers.get('etag') ?? '' } });
}

describe('depot locale', () => {
  it('when a zone has a plain country, then its locale is the default; otherwise en-GB', () => {
    expect(localeForZone('Europe/London')).toBe('en-GB');
    expect(localeForZone('America/New_York')).toBe('en-US');
    expect(localeForZone('America/Indiana/Indianapolis')).toBe('en-US');
    expect(localeForZone('America/Toronto')).toBe('en-CA');
    expect(localeForZone('Europe/Berlin')).toBe('de-DE');
    expect(localeForZone('Australia/Perth')).toBe('en-AU');
    expect(localeForZone('Europe/Zurich')).toBe('en-GB');
    expect(effectiveLocale(null, 'Europe/Berlin')).toBe('de-DE');
    expect(effectiveLocale('fr-FR', 'Europe/Berlin')).toBe('fr-FR');
    expect(supportedLocale('en-gb')).toBe('en-GB');
    expect(supportedLocale('xx-YY')).toBeNull();
    expect(supportedLocale('not a tag')).toBeNull();
  });

  it('when nothing is set, then the depot and /auth/me give the default of its zone (Europe/London → en-GB)', async () => {
    const depot = await t.api('GET', `${D}/${depotId}`, { token: admin });
    expect(depot.body).toMatchObject({ timeZone: 'Europe/London', locale: null, effectiveLocale: 'en-GB' });
    const me = await t.api('GET', '/api/v1/auth/me', { token: tokens.technician });
    expect(me.body.depot).toEqual({ depotId, timeZone: 'Europe/London', locale: 'en-GB' });
  });

  it('when an admin sets a tag in any case, then it is stored canonical and every session reads it', async () => {
    const res = await patchLocale(admin, 'de-de');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ locale: 'de-DE', effectiveLocale: 'de-DE' });
    expect((await t.api('GET', '/api/v1/auth/me', { token: tokens.dispatcher })).body.depot.locale).toBe('de-DE');
    // Null goes back to the zone's default.
    expect((await patchLocale(admin, null)).body).toMatchObject({ locale: null, effectiveLocale: 'en-GB' });
  });

  it('when the tag is not one the host can format in, then 400 naming body.locale', async () => {
    for (const bad of ['xx-YY', 'english please', '']) {
      const res = await patchLocale(admin, bad);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors[0].field).toBe('body.locale');
      expect(res.body.errors[0].message).toMatch(/BCP 47/);
    }
    const created = await t.api('POST', D, { token: admin, body: { code: 'BADLOC', name: 'Bad', timeZone: 'UTC', locale: 'xx-YY' } });
    expect(created.status).toBe(400);
  });

  it('when each role changes the locale, then only admins may', async () => {
    await expectRoleMatrix(tokens, ['admin'], (token) => patchLocale(token, 'en-US'));
    expect((await t.api('GET', '/api/v1/auth/me', { token: tokens.viewer })).body.depot.locale).toBe('en-US');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { historyOf, secondOrg } from '../people/fixtures.js';

// The CRUD factory, exercised through a real entity (locations, with assets referring to them).
let t: TestHost;
let token: string;
let depotId: string;
const L = '/api/v1/locations';

const loc = (code: string, extra: Record<string, unknown> = {}) => ({ code, name: `Site ${code}`, lat: 51.5, lon: -0.12, ...extra });

beforeAll(async () => {
  t = await startTestHost();
  ({ token } = await t.setupOrg());
  const depots = await t.api('GET', '/api/v1/depots', { token });
  depotId = depots.body.items[0].id;
});
afterAll(() => t.close());

describe('CRUD factory: create and list', () => {
  it('when a location is created, then 201 with the DTO and an ETag, plus an audit row and a change-log row', async () => {
    const res = await t.api('POST', L, { token, body: loc('PS-001', { depotId, kind: 'pump station', address: '1 River Rd' }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 'PS-001', depotId, kind: 'pump station', geofenceRadiusM: 100, version: 1 });
    expect(res.body.createdAt).toBe('2026-11-16T09:00:00.000Z');
    expect(res.headers.get('etag')).toBe('"1"');
    const h = historyOf(t, res.body.id);
    expect(h.audit).toEqual([{ action: 'locations.insert', entity: 'locations' }]);
    expect(h.changes).toEqual([{ tableName: 'locations', op: 'insert' }]);
  });

  it('when more rows than a page exist, then the cursor walks every page once, in sort order', async () => {
    for (let i = 1; i <= 6; i++) {
      t.clock.set(Date.parse('2026-11-16T10:00:00Z') + i * 1000);
      const res = await t.api('POST', L, { token, body: loc(`PG-${i}`, { kind: 'hydrant' }) });
      expect(res.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = `?kind=hydrant&sort=-createdAt&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.api('GET', L + qs, { token });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i: { code: string }) => i.code));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['PG-6', 'PG-5', 'PG-4', 'PG-3', 'PG-2', 'PG-1']);
  });

  it('when filtering by depot and searching with q, then only matching rows come back (LIKE wildcards are literal)', async () => {
    const byDepot = await t.api('GET', `${L}?depotId=${depotId}`, { token });
    expect(byDepot.body.items.map((i: { code: string }) => i.code)).toEqual(['PS-001']);
    const q = await t.api('GET', `${L}?q=river`, { token });
    expect(q.body.items.map((i: { code: string }) => i.code)).toEqual(['PS-001']);
    const wildcard = await t.api('GET', `${L}?q=%25`, { token });
    expect(wildcard.body.items).toEqual([]);
  });

  it('when the sort key or a query parameter is unknown, then 400 naming it', async () => {
    const sort = await t.api('GET', `${L}?sort=-lat`, { token });
    expect(sort.status).toBe(400);
    expect(sort.body.errors[0].field).toBe('query.sort');
    const unknown = await t.api('GET', `${L}?colour=red`, { token });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/colour/);
    const cursor = await t.api('GET', `${L}?cursor=nonsense`, { token });
    expect(cursor.status).toBe(400);
  });
});

describe('CRUD factory: get, update, delete', () => {
  let id: string;
  beforeAll(async () => {
    id = (await t.api('POST', L, { token, body: loc('UPD-1') })).body.id;
  });

  it('when a row is read, then its ETag is its version', async () => {
    const res = await t.api('GET', `${L}/${id}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.code).toBe('UPD-1');
    expect(res.headers.get('etag')).toBe('"1"');
  });

  it('when patched with a current If-Match, then it changes and the ETag moves on; a stale one gets 409 and nothing changes', async () => {
    const ok = await t.api('PATCH', `${L}/${id}`, {
      token,
      body: { name: 'Renamed', notes: 'gate code 1234' },
      headers: { 'if-match': '"1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Renamed', notes: 'gate code 1234', version: 2, geofenceRadiusM: 100 });
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await t.api('PATCH', `${L}/${id}`, { token, body: { name: 'Lost update' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_conflict');
    expect(stale.body.currentVersion).toBe(2);
    expect((await t.api('GET', `${L}/${id}`, { token })).body.name).toBe('Renamed');
    const bad = await t.api('PATCH', `${L}/${id}`, { token, body: { name: 'x' }, headers: { 'if-match': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('header.if-match');
  });

  it('when a field is cleared with null, then it is null', async () => {
    const res = await t.api('PATCH', `${L}/${id}`, { token, body: { notes: null } });
    expect(res.status).toBe(200);
    expect(res.body.notes).toBeNull();
  });

  it('when an unreferenced row is deleted, then 204 and it is gone', async () => {
    const gone = (await t.api('POST', L, { token, body: loc('DEL-1') })).body.id;
    expect((await t.api('DELETE', `${L}/${gone}`, { token })).status).toBe(204);
    expect((await t.api('GET', `${L}/${gone}`, { token })).status).toBe(404);
    expect(historyOf(t, gone).audit.map((a) => a.action)).toEqual(['locations.insert', 'locations.delete']);
  });

  it('when a row is still referenced, then delete answers 409 in_use and keeps it', async () => {
    const asset = await t.api('POST', '/api/v1/assets', { token, body: { tag: 'P-1', name: 'Pump 1', category: 'pump', locationId: id } });
    expect(asset.status).toBe(201);
    const res = await t.api('DELETE', `${L}/${id}`, { token });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('in_use');
    expect((await t.api('GET', `${L}/${id}`, { token })).status).toBe(200);
  });
});

describe('CRUD factory: bad input', () => {
  it('when a body has an unknown field, then 400 naming it and nothing is written', async () => {
    const before = t.host.sqlite.prepare('SELECT count(*) FROM locations').pluck().get();
    const res = await t.api('POST', L, { token, body: { ...loc('BAD-1'), colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toMatch(/colour/);
    expect(t.host.sqlite.prepare('SELECT count(*) FROM locations').pluck().get()).toBe(before);
  });

  it('when a field has the wrong type, then 400 with its path', async () => {
    const res = await t.api('POST', L, { token, body: loc('BAD-2', { lat: 'north', geofenceRadiusM: 5 }) });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.lat', 'body.geofenceRadiusM']));
  });

  it('when the JSON is malformed or the patch is empty, then 400', async () => {
    expect((await t.api('POST', L, { token, rawBody: '{"code": "X",' })).body.code).toBe('malformed_json');
    const list = await t.api('GET', L, { token });
    const empty = await t.api('PATCH', `${L}/${list.body.items[0].id}`, { token, body: {} });
    expect(empty.status).toBe(400);
  });

  it('when an id is not a UUID, then 400 on the path parameter', async () => {
    const res = await t.api('GET', `${L}/not-a-uuid`, { token });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('path.id');
  });

  it('when a code is already taken, then 409 duplicate naming the field, on create and on update', async () => {
    const res = await t.api('POST', L, { token, body: loc('PS-001') });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('duplicate');
    expect(res.body.errors).toEqual([{ field: 'body.code', message: 'already used by another location' }]);
    const other = (await t.api('POST', L, { token, body: loc('DUP-2') })).body.id;
    const upd = await t.api('PATCH', `${L}/${other}`, { token, body: { code: 'PS-001' } });
    expect(upd.status).toBe(409);
    expect(upd.body.code).toBe('duplicate');
  });

  it('when a foreign id does not exist in the org, then 400 with a field message', async () => {
    const res = await t.api('POST', L, { token, body: loc('REF-1', { depotId: '01900000-0000-7000-8000-000000000000' }) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('unknown_reference');
    expect(res.body.errors).toEqual([{ field: 'body.depotId', message: 'no such depot' }]);
  });
});

describe('CRUD factory: tenant scoping', () => {
  it("when another org's ids are used, then get, patch, delete and references answer as if they did not exist", async () => {
    const other = await secondOrg(t);
    const theirs = await t.api('POST', L, { token: other.token, body: loc('PS-001') });
    expect(theirs.status).toBe(201); // codes are unique per org, not per host
    const theirId = theirs.body.id;
    expect((await t.api('GET', `${L}/${theirId}`, { token })).status).toBe(404);
    expect((await t.api('PATCH', `${L}/${theirId}`, { token, body: { name: 'Hijack' } })).status).toBe(404);
    expect((await t.api('DELETE', `${L}/${theirId}`, { token })).status).toBe(404);
    const asset = await t.api('POST', '/api/v1/assets', { token, body: { tag: 'X-1', name: 'x', category: 'pump', locationId: theirId } });
    expect(asset.status).toBe(400);
    expect(asset.body.errors[0].field).toBe('body.locationId');
    const mine = await t.api('GET', `${L}?q=PS-001`, { token });
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0].id).not.toBe(theirId);
    const theirName = await t.api('GET', `${L}/${theirId}`, { token: other.token });
    expect(theirName.body.name).toBe('Site PS-001');
  });
});

describe('CRUD factory: OpenAPI', () => {
  it('when the document is built, then the generated endpoints appear with their schemas and 409s', async () => {
    const doc = await t.api('GET', '/api/v1/openapi.json');
    const paths = doc.body.paths;
    expect(Object.keys(paths['/api/v1/locations/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(paths['/api/v1/locations'].post.responses['409']).toBeTruthy();
    expect(paths['/api/v1/projects/{projectId}/phases/{id}'].patch).toBeTruthy();
    expect(paths['/api/v1/sla/matrix'].get).toBeTruthy();
    expect(doc.body.components.schemas.Location).toBeTruthy();
  });
});

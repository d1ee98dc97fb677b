import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './testing.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t?.stop();
});

describe('the hub service', () => {
  it('when /healthz is asked, then it answers ok after reaching the database as the app role', async () => {
    const r = await t.call('GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('when the OpenAPI document is asked, then it lists every hub route with its security', async () => {
    const r = await t.call('GET', '/hub/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    // Other features (sync) add their own paths; these are the core's.
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining([
        '/hub/v1/auth/login',
        '/hub/v1/enrol',
        '/hub/v1/enrolment-codes',
        '/hub/v1/nodes',
        '/hub/v1/nodes/self/leave',
        '/hub/v1/nodes/{id}/revoke',
      ]),
    );
    expect(r.body.paths['/hub/v1/nodes/self/leave'].post.security).toEqual([{ node: [] }]);
    expect(r.body.paths['/hub/v1/enrol'].post.security).toEqual([]);
  });

  it('when a body is malformed JSON, then the answer is a 400 problem+json', async () => {
    const r = await t.call('POST', '/hub/v1/auth/login', { raw: '{"email": ' });
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ code: 'malformed_json', status: 400 });
  });

  it('when a path holds a malformed %-escape, then the answer is a 400 problem+json', async () => {
    const r = await t.call('POST', '/hub/v1/nodes/%ff/revoke');
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.body.code).toBe('malformed_path');
  });

  it('when a body is larger than the limit, then the answer is a 413 problem+json', async () => {
    const r = await t.call('POST', '/hub/v1/auth/login', { body: { email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) } });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('body_too_large');
  });

  it('when an endpoint does not exist, then the answer is a 404 problem+json naming the OpenAPI document', async () => {
    const r = await t.call('GET', '/hub/v1/nope');
    expect(r.status).toBe(404);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.body.detail).toContain('/hub/v1/openapi.json');
  });
});

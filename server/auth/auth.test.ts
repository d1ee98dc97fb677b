import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestHost, type TestHost } from '../testing/harness.js';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t.close());

describe('first-run setup and sign-in', () => {
  it('when the host is empty, then setup is offered and creates the org and its admin', async () => {
    expect((await t.api('GET', '/api/v1/setup')).body).toEqual({ needed: true });
    const { token } = await t.setupOrg();
    expect(token).toMatch(/^ddk_/);
    expect((await t.api('GET', '/api/v1/setup')).body).toEqual({ needed: false });
    const me = await t.api('GET', '/api/v1/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: ADMIN.email, role: 'admin' });
  });

  it('when setup is posted again, then it is refused with 409 and nothing changes', async () => {
    const res = await t.api('POST', '/api/v1/setup', {
      body: {
        setupCode: 'any-code-at-all',
        organization: { name: 'Other' },
        admin: { name: 'X', email: 'x@example.test', password: 'long enough pw' },
      },
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('already_set_up');
    expect(t.host.sqlite.prepare('SELECT count(*) FROM organizations').pluck().get()).toBe(1);
  });

  it('when the password is wrong, then login answers 401 without saying which part was wrong', async () => {
    const res = await t.api('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: 'nope' } });
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('E-mail or password is wrong.');
    const unknown = await t.api('POST', '/api/v1/auth/login', { body: { email: 'ghost@example.test', password: 'nope' } });
    expect(unknown.body.detail).toBe(res.body.detail);
  });

  it('when a user logs out, then the token stops working at once', async () => {
    const login = await t.api('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password } });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    expect((await t.api('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    const after = await t.api('GET', '/api/v1/auth/me', { token });
    expect(after.status).toBe(401);
  });

  it('when the token is stored, then only its hash is in the database', async () => {
    const login = await t.api('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password } });
    const dump =
      JSON.stringify(t.host.sqlite.prepare('SELECT * FROM sessions').all()) +
      JSON.stringify(t.host.sqlite.prepare('SELECT * FROM audit_log').all());
    expect(dump).not.toContain(login.body.token);
    expect(dump).not.toContain('scrypt$');
  });
});

describe('bad input to sign-in', () => {
  it('when the body is malformed JSON, then 400 malformed_json', async () => {
    const res = await t.api('POST', '/api/v1/auth/login', { rawBody: '{"email": ' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed_json');
  });

  it('when fields have wrong types or unknown names, then 400 with field-level messages', async () => {
    const res = await t.api('POST', '/api/v1/auth/login', { body: { email: 42, password: 'x', admin: true } });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toContain('body.email');
    expect(res.body.detail).toMatch(/admin/);
  });

  it('when the body is too large, then 413 before anything is parsed', async () => {
    const res = await t.api('POST', '/api/v1/auth/login', { body: { email: 'a@b.c', password: 'x'.repeat(2_000_000) } });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('body_too_large');
  });

  it('when a route does not exist, then 404 problem+json naming the docs', async () => {
    const res = await t.api('GET', '/api/v1/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('no_such_endpoint');
  });
});

describe('login rate limit', () => {
  it('when someone guesses too fast, then 429 and the right password is refused too until the window passes', async () => {
    const limited = await startTestHost({ config: { loginAttemptsPerMinute: 3 } });
    try {
      await limited.setupOrg();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await limited.api('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: 'wrong' } })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      const right = await limited.api('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password } });
      expect(right.status).toBe(429);
      expect(right.body.code).toBe('too_many_requests');
    } finally {
      await limited.close();
    }
  });
});

describe('host endpoints', () => {
  it('when /healthz, /metrics and the OpenAPI document are fetched, then each answers', async () => {
    expect((await t.api('GET', '/healthz')).body).toMatchObject({ status: 'ok' });
    const metrics = await t.api<string>('GET', '/metrics');
    expect(metrics.body).toContain('depotdesk_http_request_duration_seconds');
    expect(metrics.body).toContain('depotdesk_sqlite_busy_retries_total');
    expect(metrics.body).toContain('depotdesk_websocket_open');
    const doc = await t.api('GET', '/api/v1/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/api/v1/auth/login'].post).toBeTruthy();
    const docs = await t.api<string>('GET', '/api/docs');
    expect(docs.body).toContain('swagger-ui-bundle.js');
    expect((await t.api('GET', '/api/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });
});

describe('idempotency and secrets', () => {
  it('when login is retried with an Idempotency-Key, then no token is kept in the idempotency store', async () => {
    const headers = { 'idempotency-key': 'login-retry-1' };
    const first = await t.api('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password }, headers });
    const second = await t.api('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password }, headers });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.token).not.toBe(first.body.token);
    const stored = JSON.stringify(t.host.sqlite.prepare('SELECT * FROM idempotency_keys').all());
    expect(stored).not.toContain(first.body.token);
  });
});

import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { PASSWORD, seedWorld, workOrderAt } from '../work-orders/fixtures.js';
import { assertFuzz, prepareTarget, type FuzzTarget } from '../testing/fuzz/run.js';
import { send, type FuzzRequest } from '../testing/fuzz/requests.js';

/**
 * Hostile and broken requests get a 4xx problem+json, never a 5xx, never an HTML page under /api.
 * DEPOTDESK_FUZZ_RUNS raises the fuzz's request count (CI keeps the default); DEPOTDESK_FUZZ_SEED
 * replays the run fast-check printed on a failure.
 */

const RUNS = Number(process.env.DEPOTDESK_FUZZ_RUNS ?? 2_500);
const SEED = process.env.DEPOTDESK_FUZZ_SEED === undefined ? undefined : Number(process.env.DEPOTDESK_FUZZ_SEED);

let t: TestHost;
let target: FuzzTarget;

beforeAll(async () => {
  t = await startTestHost();
  const w = await seedWorld(t);
  // Rows in several states, so ids in paths reach the services' deeper branches.
  for (const status of ['NEW', 'DISPATCHED', 'ON_SITE', 'COMPLETED', 'CANCELLED'] as const) workOrderAt(w, status);
  const email = t.host.sqlite.prepare('SELECT email FROM users WHERE id = ?').pluck().get(w.people.admin) as string;
  target = await prepareTarget(t.url, { email, password: PASSWORD });
});
afterAll(async () => {
  target?.agent.destroy();
  await t?.close();
});

const get = (path: string, auth: FuzzRequest['auth'] = 'none', headers: Record<string, string> = {}) =>
  send(target.base, { method: 'GET', path, auth, headers, body: null }, target.token(), new http.Agent({ keepAlive: false }));

function problemOf(res: { contentType: string; body: string }) {
  expect(res.contentType).toMatch(/^application\/problem\+json/);
  return JSON.parse(res.body) as { status: number; code: string; detail: string };
}

describe('malformed requests', () => {
  it.each([
    ['/api/v1/projects/%ff', 'none'],
    ['/api/v1/projects/%ff', 'admin'],
    ['/api/v1/work-orders/%E0%A4%A/events', 'admin'],
    ['/s/%ff', 'none'],
    ['/s/%ff/jobcard.pdf', 'none'],
  ] as const)('when the path %s holds a malformed escape (auth: %s), then 400 malformed_path as problem+json', async (path, auth) => {
    const res = await get(path, auth);
    expect(res.status).toBe(400);
    expect(problemOf(res).code).toBe('malformed_path');
  });

  it.each(['__proto__', '-constructor', 'toString'])(
    'when a list is sorted by %s (a member of every object), then 400 naming the sortable keys',
    async (key) => {
      const res = await get(`/api/v1/teams?sort=${key}`, 'admin');
      expect(res.status).toBe(400);
      expect(problemOf(res).code).toBe('validation_failed');
    },
  );

  it.each(['/api/nope', '/api/v2/work-orders', '/api/docs/nope', '/api/docs/assets/nope.js', '/api/v1/nope'])(
    'when %s does not exist, then 404 as problem+json, not an HTML page',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(problemOf(res).code).toBe('no_such_endpoint');
    },
  );

  it('when the request headers are larger than Node accepts, then 431 as problem+json', async () => {
    const res = await get('/api/v1/work-orders', 'admin', { 'x-padding': 'p'.repeat(20_000) });
    expect(res.status).toBe(431);
    expect(problemOf(res)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('when a HEAD request has too large headers, then 431 with no body (one would be read as the next response)', async () => {
    const res = await send(
      target.base,
      { method: 'HEAD', path: '/api/v1/work-orders', auth: 'none', headers: { 'x-padding': 'p'.repeat(20_000) }, body: null },
      '',
      new http.Agent({ keepAlive: false }),
    );
    expect(res.status).toBe(431);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toBe('');
  });

  it('when the request line is not HTTP at all, then 400 as problem+json before Express', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(target.base.port), target.base.hostname, () => socket.write('GARBAGE \u0001 NOT-HTTP\r\n\r\n'));
      let text = '';
      socket.on('data', (c) => (text += c.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, code: 'malformed_request' });
  });
});

describe('property-based fuzz of every OpenAPI operation', () => {
  it(`when ${RUNS} random requests (path params, queries, bodies, credentials) hit the API, then none gets a 5xx or a non-problem error`, async () => {
    expect(target.ids.length).toBeGreaterThan(10);
    await assertFuzz(target, RUNS, SEED);
  }, 180_000);
});

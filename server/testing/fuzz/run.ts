import http from 'node:http';
import fc from 'fast-check';
import { operationsOf, type OpenApiDocument } from './operations.js';
import { describe, extraRequestArb, judge, requestArb, send, type FuzzRequest, type FuzzResponse } from './requests.js';

/**
 * Property-based fuzz of a running depot host: every OpenAPI operation with random path params,
 * queries, bodies and credentials. Shared by server/http/fuzz.test.ts (bounded, fails on the first
 * broken response and shrinks it) and `npm run fuzz` (bench/fuzz.ts: long, counts everything).
 */

export interface FuzzTarget {
  base: URL;
  doc: OpenApiDocument;
  /** Real ids of this org's rows (not the admin's own user or sessions), so requests get past lookups. */
  ids: string[];
  /** The admin's current token; renewed when a fuzzed request signed it out. */
  token(): string;
  /** Called after an admin request got 401 (e.g. POST /auth/logout was fuzzed): sign in again. */
  renew(): Promise<void>;
  /** Sign-ins again that failed (e.g. a limit of the host); later admin requests then get 401. */
  renewFailures: string[];
  agent: http.Agent;
}

interface Credentials {
  email: string;
  password: string;
}

async function json<T>(
  base: URL,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function signIn(base: URL, who: Credentials): Promise<{ token: string; userId: string }> {
  const res = await json<{ token: string; user: { id: string } }>(base, 'POST', '/api/v1/auth/login', null, who);
  if (res.status !== 200) throw new Error(`fuzz: the admin could not sign in (${res.status})`);
  return { token: res.body.token, userId: res.body.user.id };
}

/** Signs in, reads the OpenAPI document and collects ids from every list the admin can read. */
export async function prepareTarget(url: string, admin: Credentials): Promise<FuzzTarget> {
  const base = new URL(url);
  let session = await signIn(base, admin);
  // Concurrent requests that all saw the token revoked share one sign-in.
  let renewing: Promise<void> | null = null;
  const doc = (await json<OpenApiDocument>(base, 'GET', '/api/v1/openapi.json', null)).body;
  const ids = new Set<string>();
  const lists = Object.entries(doc.paths).filter(
    ([p, m]) => m.get && !p.includes('{') && !p.endsWith('/sessions') && !p.endsWith('/openapi.json'),
  );
  for (const [p] of lists) {
    const res = await json<{ items?: { id?: unknown }[] }>(base, 'GET', p, session.token).catch(() => null);
    for (const item of res?.body?.items ?? []) if (typeof item.id === 'string' && item.id !== session.userId) ids.add(item.id);
  }
  return {
    base,
    doc,
    ids: [...ids],
    token: () => session.token,
    renew() {
      renewing ??= signIn(base, admin)
        .then((s) => void (session = s))
        .finally(() => (renewing = null));
      return renewing;
    },
    agent: new http.Agent({ keepAlive: true, maxSockets: 8 }),
    renewFailures: [],
  };
}

export function fuzzArbitrary(target: FuzzTarget): fc.Arbitrary<FuzzRequest> {
  const ops = operationsOf(target.doc);
  return fc.oneof({ weight: 9, arbitrary: requestArb(target.doc, ops, target.ids) }, { weight: 1, arbitrary: extraRequestArb(target.ids) });
}

/** Sends one request; a signed-out admin token is renewed so later requests stay authenticated. */
export async function fuzzOnce(target: FuzzTarget, req: FuzzRequest): Promise<{ res: FuzzResponse; problem: string | null }> {
  const token = target.token();
  const res = await send(target.base, req, token, target.agent);
  if (req.auth === 'admin' && res.status === 401 && token === target.token()) {
    // Not a finding about this request: the request got its (correct) 401. Recorded for the summary.
    await target.renew().catch((err: unknown) => void target.renewFailures.push(err instanceof Error ? err.message : String(err)));
  }
  return { res, problem: judge(req, res) };
}

/** For the test: fast-check property that fails (and shrinks) on the first broken response. */
export async function assertFuzz(target: FuzzTarget, numRuns: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fuzzArbitrary(target), async (req) => {
      const { problem } = await fuzzOnce(target, req);
      if (problem) throw new Error(`${problem}\n  request: ${describe(req)}`);
    }),
    { numRuns, ...(seed === undefined ? {} : { seed }), endOnFailure: false },
  );
}

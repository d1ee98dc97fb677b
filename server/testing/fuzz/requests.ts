import http from 'node:http';
import fc from 'fast-check';
import { junkValue, valueFor, type FuzzOperation, type OpenApiDocument } from './operations.js';

/**
 * Random requests against every API operation, sent byte-for-byte as generated (node:http, not
 * fetch: a WHATWG URL would normalise "..", "%2e" and friends away before they reach the host).
 */

export type Auth = 'none' | 'admin' | 'bogus' | 'malformed';

export interface FuzzRequest {
  method: string;
  path: string;
  auth: Auth;
  headers: Record<string, string>;
  body: string | null;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Escapes that cannot be decoded, or decode to something a path should never hold. */
export const MALFORMED_ESCAPES = [
  '%ff',
  '%',
  '%E0%A4%A',
  '%zz',
  '%C0%AF',
  '%00',
  '%2e%2e',
  '%2F',
  '%5C',
  '%%',
  '%u0041',
  '%F0%9F',
  '%ED%A0%80',
  '%0d%0a',
];

/**
 * Node's client refuses a request target with bytes outside 0x21–0xFF (spaces, controls, wide
 * characters); everything else, slashes and "?" included, is sent raw on purpose.
 */
export function rawSafe(s: string): string {
  return s.replace(/[^\u0021-\u00ff]/gu, (c) => encodeURIComponent(c));
}

function segmentArb(ids: string[]): fc.Arbitrary<string> {
  const known = ids.length ? ids : ['00000000-0000-7000-8000-000000000000'];
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.constantFrom(...MALFORMED_ESCAPES) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...known), fc.constantFrom(...MALFORMED_ESCAPES)).map(([id, bad]) => id + bad) },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', '', '...', '..%2f..%2fetc%2fpasswd', '%2e%2e%2f', '~', 'null', '-1', '0', '1e999') },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 30 }).map(rawSafe) },
    // Longer than any id; the largest exceed Node's 16 KiB header limit (431).
    { weight: 1, arbitrary: fc.constantFrom(300, 5_000, 20_000).map((n) => 'x'.repeat(n)) },
  );
}

function queryValueArb(doc: OpenApiDocument, op: FuzzOperation, ids: string[]): fc.Arbitrary<[string, string]> {
  const names = Object.keys(op.query);
  const key = fc.oneof(
    { weight: 4, arbitrary: names.length ? fc.constantFrom(...names) : fc.constant('limit') },
    { weight: 1, arbitrary: fc.constantFrom('limit', 'cursor', 'sort', 'token', '__proto__', 'q[]', '%ff') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 10 }).map(rawSafe) },
  );
  return key.chain((k) => {
    const schema = op.query[k];
    const typed = schema ? valueFor(doc, schema, ids).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))) : fc.constant('');
    const value = fc.oneof(
      { weight: 4, arbitrary: typed.map(encodeURIComponent) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          ...MALFORMED_ESCAPES,
          '-createdAt',
          'createdAt',
          '-nope',
          '0',
          '-5',
          '999999999999',
          'true',
          '__proto__',
          '-constructor',
          'toString',
          'hasOwnProperty',
        ),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).map(rawSafe) },
    );
    return value.map((v): [string, string] => [k, v]);
  });
}

const BROKEN_BODIES = [
  '{',
  '{"a":',
  'nul',
  '[1,2',
  '"unterminated',
  '{"a":1}{"b":2}',
  '\u0000',
  '[]',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
];

function bodyArb(
  doc: OpenApiDocument,
  op: FuzzOperation,
  ids: string[],
): fc.Arbitrary<{ body: string | null; contentType: string | null }> {
  const json = (v: unknown) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' });
  const shaped = op.body ? valueFor(doc, op.body, ids).map(json) : fc.constant({ body: null, contentType: null });
  return fc.oneof(
    { weight: op.body ? 6 : 1, arbitrary: shaped },
    { weight: 1, arbitrary: fc.constant({ body: null, contentType: null }) },
    { weight: 1, arbitrary: junkValue.map(json) },
    { weight: 1, arbitrary: fc.constantFrom(...BROKEN_BODIES).map((b) => ({ body: b, contentType: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.string({ maxLength: 60 }),
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=utf-16',
            'application/merge-patch+json',
            'multipart/form-data; boundary=x',
            'image/png',
          ),
        )
        .map(([body, contentType]) => ({ body, contentType })),
    },
    // Over the 1 MB body limit now and then (413), not often: each one costs the host a megabyte.
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(2_000, 2_000, 2_000, 2_000, 1_100_000)
        .map((n) => ({ body: `{"a":"${'y'.repeat(n)}"}`, contentType: 'application/json' })),
    },
  );
}

export function requestArb(doc: OpenApiDocument, ops: FuzzOperation[], ids: string[]): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...ops).chain((op) =>
    fc
      .record({
        segments: fc.tuple(...op.pathParams.map(() => segmentArb(ids))),
        query: fc.array(queryValueArb(doc, op, ids), { maxLength: 4 }),
        body: bodyArb(doc, op, ids),
        auth: fc.constantFrom<Auth>('admin', 'admin', 'admin', 'admin', 'admin', 'none', 'bogus', 'malformed'),
        extra: fc.record(
          {
            // Printable ASCII only: Node's client refuses control characters in header values.
            'idempotency-key': fc.oneof(fc.uuid(), fc.string({ unit: 'grapheme-ascii', maxLength: 300 })),
            'if-match': fc.oneof(
              fc.constantFrom('"1"', '*', 'W/"2"', '1', '"999999999999999999999"'),
              fc.string({ unit: 'grapheme-ascii', maxLength: 10 }),
            ),
            accept: fc.constantFrom('text/csv', 'application/json', '*/*', 'text/html', 'application/pdf'),
          },
          { requiredKeys: [] },
        ),
      })
      .map(({ segments, query, body, auth, extra }) => {
        let i = 0;
        const path = op.template.replace(/\{[^}]+\}/g, () => segments[i++] ?? '');
        const qs = query.map(([k, v]) => `${k}=${v}`).join('&');
        const headers: Record<string, string> = { ...extra };
        if (body.contentType) headers['content-type'] = body.contentType;
        return { method: op.method, path: qs ? `${path}?${qs}` : path, auth, headers, body: body.body };
      }),
  );
}

/** Public paths outside the OpenAPI document that take user input in the path: share pages and the docs. */
export function extraRequestArb(ids: string[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      fc.constantFrom(
        '/s/{x}',
        '/s/{x}/jobcard.pdf',
        '/api/docs/{x}',
        '/api/docs/assets/{x}',
        '/api/{x}',
        '/api/v1/{x}',
        '/api/v2/{x}/{x}',
        '/assets/{x}',
        '/crew/{x}',
      ),
      segmentArb(ids),
      fc.constantFrom('GET', 'GET', 'POST', 'HEAD', 'DELETE', 'OPTIONS'),
      fc.constantFrom(null, 'password=x', 'password=%ff', `password=${'p'.repeat(3_000)}`),
    )
    .map(([template, seg, method, form]): FuzzRequest => ({
      method,
      path: template.replaceAll('{x}', seg),
      auth: 'none',
      headers: form && method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      body: method === 'POST' ? form : null,
    }));
}

export function send(base: URL, req: FuzzRequest, token: string, agent: http.Agent, timeoutMs = 15_000): Promise<FuzzResponse> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.auth === 'admin') headers.authorization = `Bearer ${token}`;
  else if (req.auth === 'bogus') headers.authorization = 'Bearer dd_not-a-real-token';
  else if (req.auth === 'malformed') headers.authorization = 'Basic %ff==';
  if (req.body !== null) headers['content-length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const r = http.request({ host: base.hostname, port: base.port, method: req.method, path: req.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', (err: NodeJS.ErrnoException) => {
      // A host may answer (413, 401) and close before reading a large body; the client then fails
      // its write. That is HTTP working as meant, not a host failure: status 0 records it.
      if ((err.code === 'ECONNRESET' || err.code === 'EPIPE') && (req.body?.length ?? 0) > 64 * 1024)
        resolve({ status: 0, contentType: '', body: '' });
      else reject(err);
    });
    r.end(req.body ?? undefined);
  });
}

/** Why a response breaks the contract, or null: no 5xx anywhere, and every API error is problem+json. */
export function judge(req: FuzzRequest, res: FuzzResponse): string | null {
  if (res.status === 0) return null; // closed while a large body was still being sent (see send)
  if (res.status >= 500) return `${res.status} ${res.body.slice(0, 300)}`;
  if (res.status >= 400 && /^\/api(\/|$|\?)/i.test(req.path)) {
    if (!res.contentType.startsWith('application/problem+json'))
      return `${res.status} with ${res.contentType || 'no content type'} under /api: ${res.body.slice(0, 120)}`;
    // A HEAD answer carries the GET answer's headers and no body.
    if (req.method === 'HEAD') return null;
    try {
      const problem = JSON.parse(res.body) as { status?: unknown };
      if (problem.status !== res.status) return `${res.status} whose problem says status ${String(problem.status)}`;
    } catch {
      return `${res.status} problem+json that is not JSON: ${res.body.slice(0, 120)}`;
    }
  }
  return null;
}

/** One line to paste into a terminal and reproduce a request (the admin token is left as a placeholder). */
export function describe(req: FuzzRequest): string {
  const auth = req.auth === 'admin' ? ' -H "Authorization: Bearer $TOKEN"' : req.auth === 'none' ? '' : ` [auth: ${req.auth}]`;
  const headers = Object.entries(req.headers)
    .map(([k, v]) => ` -H '${k}: ${v}'`)
    .join('');
  const body =
    req.body === null ? '' : ` --data-raw '${req.body.length > 200 ? `${req.body.slice(0, 200)}…(${req.body.length} bytes)` : req.body}'`;
  const path = req.path.length > 300 ? `${req.path.slice(0, 300)}…(${req.path.length} chars)` : req.path;
  return `curl -X ${req.method} --path-as-is '${path}'${auth}${headers}${body}`;
}

// The desktop window gets two Content-Security-Policies on the console: the host's own (helmet,
// server/http/security-headers.ts) and the one the shell adds (security.ts, via onHeadersReceived).
// A browser enforces both, so what a page may load is what BOTH allow. These tests keep the two from
// drifting apart: the shell's policy is never looser than the host's, and what the console needs
// (its scripts, maplibre's blob: worker, the live socket) is allowed by each.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../server/http/security-headers.js';
import { contentSecurityPolicy } from './security.js';

const ORIGIN = 'http://127.0.0.1:4400';

type Policy = Map<string, string[]>;

function parse(policy: string): Policy {
  const out: Policy = new Map();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** The CSP header the host sends on the console page, from its real middleware. */
async function hostPolicy(): Promise<Policy> {
  const headers = new Map<string, string>();
  const req = { method: 'GET', url: '/', headers: { host: '127.0.0.1:4400' }, socket: {} } as unknown as IncomingMessage;
  const res = {
    locals: {},
    setHeader: (k: string, v: unknown) => void headers.set(k.toLowerCase(), String(v)),
    getHeader: (k: string) => headers.get(k.toLowerCase()),
    removeHeader: (k: string) => void headers.delete(k.toLowerCase()),
  } as unknown as ServerResponse;
  // Express's handler type wants express' own req/res; the middleware only touches what the stand-ins have.
  const run = securityHeaders() as unknown as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  await new Promise<void>((resolve, reject) => run(req, res, (err) => (err ? reject(err) : resolve())));
  const csp = headers.get('content-security-policy');
  if (!csp) throw new Error('the host sent no Content-Security-Policy');
  return parse(csp);
}

// Fetch directives fall back to default-src when a policy leaves them out (CSP3 §6.8); the others
// (frame-ancestors, base-uri, form-action) restrict nothing when absent.
const FETCH = new Set([
  'script-src',
  'style-src',
  'img-src',
  'font-src',
  'media-src',
  'connect-src',
  'worker-src',
  'child-src',
  'frame-src',
  'object-src',
  'manifest-src',
]);
function allowed(policy: Policy, directive: string): string[] | 'anything' {
  const own = policy.get(directive);
  if (own) return own;
  if (directive === 'worker-src') return allowed(policy, policy.has('child-src') ? 'child-src' : 'script-src');
  if (FETCH.has(directive)) return policy.get('default-src') ?? 'anything';
  return 'anything';
}

describe("the shell's CSP and the host's", () => {
  it("when both apply to the console, then the shell's allows nothing in any directive that the host's refuses", async () => {
    const host = await hostPolicy();
    const shell = parse(contentSecurityPolicy(ORIGIN));
    const looser: string[] = [];
    for (const [directive, sources] of shell) {
      const hostAllows = allowed(host, directive);
      if (hostAllows === 'anything') continue;
      for (const source of sources) if (!hostAllows.includes(source)) looser.push(`${directive} ${source}`);
    }
    expect(looser).toEqual([]);
  });

  it('when the console loads its bundle, its map worker and its live socket, then each policy allows them and neither allows inline script, eval or framing', async () => {
    for (const policy of [await hostPolicy(), parse(contentSecurityPolicy(ORIGIN))]) {
      expect(allowed(policy, 'script-src')).toEqual(["'self'"]);
      expect(allowed(policy, 'worker-src')).toEqual(expect.arrayContaining(["'self'", 'blob:']));
      expect(allowed(policy, 'img-src')).toEqual(expect.arrayContaining(["'self'", 'data:', 'blob:']));
      expect(allowed(policy, 'connect-src')).toEqual(expect.arrayContaining(["'self'", 'ws://127.0.0.1:4400']));
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
    }
  });
});

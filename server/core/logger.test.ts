import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config.js';
import { startHost, type RunningHost } from '../start.js';

/**
 * A real host (startHost, the logger it really uses) with its log captured: every secret the run
 * creates is looked for in the log text afterwards. The database keeps only hashes of these codes
 * and tokens; the log must not keep them in clear either.
 */

let running: RunningHost;
let dataDir: string;
const lines: string[] = [];
const logText = () => lines.join('');

interface Res {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(
  method: string,
  route: string,
  o: { token?: string; body?: unknown; form?: string; cookie?: string } = {},
): Promise<Res> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.cookie) headers.cookie = o.cookie;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  if (o.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(running.url + route, {
    method,
    headers,
    body: o.form ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    redirect: 'manual',
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* an HTML page or a PDF */
  }
  return { status: res.status, headers: res.headers, body };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-log-'));
  const config = ConfigSchema.parse({ dataDir, port: 0, lan: false, serial: false, backups: false, logLevel: 'debug' });
  running = await startHost(config, { logDestination: { write: (s: string) => void lines.push(s) } });
});
afterAll(async () => {
  await running?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('secrets in the log', () => {
  it('when a run uses a setup code, tokens, a pairing code and a share link, then none of them appears in the log', async () => {
    const secrets: Record<string, string> = {};
    const setupCode = running.setupCode;
    expect(setupCode).toBeTruthy();
    secrets.setupCode = setupCode!;
    await call('GET', `/api/v1/setup?setup=${setupCode}`);
    await call('GET', `/?setup=${setupCode}`);
    const setup = await call('POST', '/api/v1/setup', {
      body: {
        setupCode,
        organization: { name: 'Log Depot', timeZone: 'UTC' },
        admin: { name: 'Ada', email: 'ada@log.test', password: 'log test password' },
      },
    });
    expect(setup.status).toBe(201);
    const admin = (secrets.adminToken = setup.body.token as string);
    // A token in the query (as on the WebSocket handshake), wherever someone puts it.
    await call('GET', `/api/v1/auth/me?token=${admin}`);
    await call('GET', `/ws?token=${admin}`);

    const tech = await call('POST', '/api/v1/users', { token: admin, body: { email: 'tech@log.test', name: 'Tech', role: 'technician' } });
    expect(tech.status).toBe(201);
    const pairing = await call('POST', '/api/v1/pairing-codes', { token: admin, body: { userId: tech.body.id } });
    expect(pairing.status).toBe(201);
    const pairCode = (secrets.pairingCode = pairing.body.code as string);
    secrets.pairingCodeBare = pairCode.replace('-', '');
    await call('GET', `/crew/pair?code=${pairCode}`);
    expect((await call('POST', '/api/v1/pairing/claim', { body: { code: 'WRNG-CODE' } })).status).toBe(401);
    const claim = await call('POST', '/api/v1/pairing/claim', { body: { code: pairCode } });
    expect(claim.status).toBe(200);
    secrets.crewToken = claim.body.token as string;

    const wo = await call('POST', '/api/v1/work-orders', { token: admin, body: { title: 'Leak', type: 'corrective', priority: 'high' } });
    expect(wo.status).toBe(201);
    const share = await call('POST', `/api/v1/work-orders/${wo.body.id as string}/share`, {
      token: admin,
      body: { expiresAt: new Date(Date.now() + 86_400_000).toISOString(), password: 'open sesame' },
    });
    expect(share.status).toBe(201);
    const shareCode = (secrets.shareCode = share.body.code as string);
    expect((await call('GET', `/s/${shareCode}`)).status).toBe(200);
    expect((await call('POST', `/s/${shareCode}`, { form: 'password=not-it' })).status).toBe(401);
    const unlocked = await call('POST', `/s/${shareCode}`, { form: 'password=open+sesame' });
    expect(unlocked.status).toBe(303);
    const cookie = (unlocked.headers.get('set-cookie') ?? '').split(';')[0]!;
    secrets.unlockCookie = cookie.slice('dd_share='.length);
    expect((await call('GET', `/s/${shareCode}`, { cookie })).status).toBe(200);
    await call('GET', `/s/${shareCode}/jobcard.pdf`, { cookie });
    await call('GET', `/s/${shareCode}%ff`);
    // An error log line that names the request, as the error middleware writes for a 500.
    running.host.log.error(
      { err: new Error(`failed on /s/${shareCode}?token=${admin}`), url: `/s/${shareCode}/jobcard.pdf` },
      'jobcard failed',
    );

    // The lines were written (the test would prove nothing on a silent log)...
    expect(logText()).toContain('/s/[redacted]');
    expect(logText()).toContain('token=[redacted]');
    expect(logText()).toContain('jobcard failed');
    // ...and hold none of the secrets.
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThanOrEqual(8);
      expect(logText().includes(secret), `${name} in the log`).toBe(false);
    }
    expect(logText()).not.toContain('open sesame');
  });

  it('when a path holds a malformed %-escape, then the log has no error line and no stack trace for it', async () => {
    const before = lines.length;
    expect((await call('GET', '/api/v1/projects/%ff')).status).toBe(400);
    expect((await call('GET', '/s/%ff')).status).toBe(400);
    const written = lines.slice(before).map((l) => JSON.parse(l) as { level: number; err?: unknown });
    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.slice(before).join('')).not.toMatch(/"stack"|URIError/);
  });
});

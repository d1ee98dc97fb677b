import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import tls from 'node:tls';
import { once } from 'node:events';
import { X509Certificate } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config.js';
import { startHost, type RunningHost } from '../start.js';
import { ADMIN } from '../testing/harness.js';
import { ensureCertificate } from './certificate.js';
import { lanPathname } from './listener.js';

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-lan-'));
  tmpDirs.push(dir);
  return dir;
}

/** GET over HTTPS trusting only the depot CA, so a certificate problem fails the request. */
function lanGet(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the depot certificate', () => {
  it('when created, then it is reused on the next start with the same fingerprint, keys are 0600 and the SAN names loopback and the LAN addresses', async () => {
    const dir = tmpDir();
    const first = await ensureCertificate(dir, { hostname: 'depot-desk', addresses: ['192.168.1.20'] });
    expect(first.actions).toHaveLength(2);
    const again = await ensureCertificate(dir, { hostname: 'depot-desk', addresses: ['192.168.1.20'] });
    expect(again.actions).toEqual([]);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.cert).toBe(first.cert);

    for (const key of ['depot-key.pem', 'depot-ca-key.pem']) expect(fs.statSync(path.join(dir, 'tls', key)).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(fs.readFileSync(path.join(dir, 'tls', 'depot-cert.pem')));
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('IP Address:192.168.1.20');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('DNS:depot-desk');
    expect(cert.checkIssued(new X509Certificate(first.caCert))).toBe(true);
    expect(first.fingerprint).toBe(new X509Certificate(first.caCert).fingerprint256);
    expect(Date.parse(cert.validTo) - Date.now()).toBeGreaterThan(700 * 86_400_000);
    expect(Date.parse(cert.validTo) - Date.now()).toBeLessThan(826 * 86_400_000);
  });

  it('when the LAN address changes, then only the server certificate is re-issued and the CA phones trust stays', async () => {
    const dir = tmpDir();
    const first = await ensureCertificate(dir, { hostname: 'depot-desk', addresses: ['192.168.1.20'] });
    const moved = await ensureCertificate(dir, { hostname: 'depot-desk', addresses: ['10.0.0.7'] });
    expect(moved.actions).toHaveLength(1);
    expect(moved.actions[0]).toContain('does not cover LAN address 10.0.0.7');
    expect(moved.fingerprint).toBe(first.fingerprint);
    expect(new X509Certificate(moved.cert).checkIP('10.0.0.7')).toBe('10.0.0.7');
  });

  it('when the server certificate is close to expiry, then it is renewed', async () => {
    const dir = tmpDir();
    const first = await ensureCertificate(dir, { hostname: 'depot-desk', addresses: [] });
    const later = await ensureCertificate(dir, { hostname: 'depot-desk', addresses: [], now: Date.now() + 710 * 86_400_000 });
    expect(later.actions[0]).toMatch(/expires/);
    expect(later.cert).not.toBe(first.cert);
    expect(later.fingerprint).toBe(first.fingerprint);
  });
});

describe('the crew LAN port', () => {
  let running: RunningHost;
  let ca: string;
  let lanUrl: string;

  beforeAll(async () => {
    const dataDir = tmpDir();
    running = await startHost(ConfigSchema.parse({ dataDir, port: 0, lanPort: 0, logLevel: 'silent' }), { quiet: true });
    if (!running.lan) throw new Error(`LAN listener did not start: ${running.lanProblem}`);
    ca = fs.readFileSync(path.join(dataDir, 'tls', 'depot-ca.pem'), 'utf8');
    lanUrl = `https://127.0.0.1:${running.lan.port}`;
  });
  afterAll(() => running?.stop());

  it('when a phone trusting the depot CA asks for /healthz and /crew/, then they are served; the console and /metrics are not, though loopback still serves "/"', async () => {
    expect(running.lan?.port).toBeGreaterThan(0);
    expect(running.lan?.crewUrl).toMatch(/^https:\/\/.+:\d+\/crew\/$/);
    const health = await lanGet(`${lanUrl}/healthz`, ca);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });

    for (const p of ['/', '/metrics', '/index.html']) {
      const refused = await lanGet(`${lanUrl}${p}`, ca);
      expect(refused.status, p).toBe(404);
      expect(refused.headers['content-type']).toBe('application/problem+json');
    }
    expect((await fetch(`${running.url}/`)).status).toBe(200);
    // API routes pass the gate and answer as on loopback (here: 401 without a token, not 404).
    expect((await lanGet(`${lanUrl}/api/v1/auth/me`, ca)).status).toBe(401);
  });

  it('when a phone downloads the depot CA, then it gets the DER certificate whose fingerprint the banner shows', async () => {
    const res = await new Promise<{ status: number; type: string | undefined; body: Buffer }>((resolve, reject) => {
      https
        .get(`${lanUrl}/crew/depot-ca.crt`, { ca }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, type: r.headers['content-type'], body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/x-x509-ca-cert');
    expect(new X509Certificate(res.body).fingerprint256).toBe(running.lan?.fingerprint);
  });

  it('when a request comes from a foreign origin, then it is refused without any CORS header; its own origin passes', async () => {
    const foreign = await lanGet(`${lanUrl}/healthz`, ca, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const own = await lanGet(`${lanUrl}/healthz`, ca, { origin: lanUrl });
    expect(own.status).toBe(200);
  });

  it('when request targets the gate cannot judge arrive (//, dot segments, absolute-form, a // WebSocket upgrade), then each is refused and the host stays up', async () => {
    /** One raw HTTP/1.1 request over TLS: clients normalise these paths, a hostile one on the Wi-Fi does not. */
    const rawStatus = (target: string, upgrade = false) =>
      new Promise<number>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: running.lan!.port, ca }, () => {
          const extra = upgrade
            ? 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'
            : 'Connection: close\r\n';
          socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`);
        });
        socket.once('data', (d: Buffer) => {
          resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(d.toString())?.[1] ?? 0));
          socket.destroy();
        });
        socket.once('error', reject);
      });
    for (const target of [
      '//',
      '///',
      '//evil/crew/',
      '/crew/../metrics',
      '/crew/%2e%2e/metrics',
      '/crew/..%2fmetrics',
      '/crew/%zz',
      'https://evil.example/crew/',
      '/crew\\..\\metrics',
    ]) {
      expect(await rawStatus(target), target).toBe(400);
    }
    for (const target of ['//', '///', '//evil/ws']) expect(await rawStatus(target, true), `upgrade ${target}`).toBe(404);
    expect((await lanGet(`${lanUrl}/healthz`, ca)).status).toBe(200);
    expect(lanPathname('/crew/?next=//x')).toBe('/crew/');
    expect(lanPathname('/api/v1/work-orders/abc/attachments?fileName=a%2F..')).toBe('/api/v1/work-orders/abc/attachments');
  });

  it('when a client does not trust the depot CA, then the TLS handshake fails', async () => {
    await expect(lanGet(`${lanUrl}/healthz`, '')).rejects.toThrow();
  });

  it('when a crew phone opens wss:///ws with its token, then it is greeted for its org', async () => {
    const setup = await fetch(`${running.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'lan-test-setup' },
      body: JSON.stringify({ setupCode: running.setupCode, organization: { name: 'LAN Depot', timeZone: 'Europe/London' }, admin: ADMIN }),
    });
    expect(setup.status).toBe(201);
    const { token, user } = (await setup.json()) as { token: string; user: { orgId: string } };

    // The console asks where crews connect, to draw the pairing QR code.
    const info = await fetch(`${running.url}/api/v1/lan`, { headers: { authorization: `Bearer ${token}` } });
    expect(await info.json()).toEqual({
      crewUrl: running.lan!.crewUrl,
      origins: running.lan!.origins,
      fingerprint: running.lan!.fingerprint,
      problem: null,
    });

    const ws = new WebSocket(`wss://127.0.0.1:${running.lan?.port}/ws`, [`depotdesk.bearer.${token}`], { ca });
    const [raw] = (await once(ws, 'message')) as [Buffer];
    expect(JSON.parse(raw.toString())).toMatchObject({ type: 'hello', orgId: user.orgId });
    ws.close();
    await once(ws, 'close');

    const anonymous = new WebSocket(`wss://127.0.0.1:${running.lan?.port}/ws`, { ca });
    const [, res] = (await once(anonymous, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(401);

    // A page from another site must not open a socket with a token it got hold of.
    const foreign = new WebSocket(`wss://127.0.0.1:${running.lan?.port}/ws`, [`depotdesk.bearer.${token}`], {
      ca,
      origin: 'https://evil.example',
    });
    const [, refused] = (await once(foreign, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(refused.statusCode).toBe(403);
    const own = new WebSocket(`wss://127.0.0.1:${running.lan?.port}/ws`, [`depotdesk.bearer.${token}`], {
      ca,
      origin: running.lan!.origins.find((o) => o.includes('127.0.0.1'))!,
    });
    const [ownRaw] = (await once(own, 'message')) as [Buffer];
    expect(JSON.parse(ownRaw.toString())).toMatchObject({ type: 'hello' });
    own.close();
    await once(own, 'close');
  });
});

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config.js';
import { startHost, type RunningHost } from '../start.js';
import { deskHostAllowed, deskHostNames, deskOriginAllowed, hostnameOf } from './host-guard.js';

let running: RunningHost;
let dataDir: string;
let ca: string;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-hostguard-'));
  running = await startHost(ConfigSchema.parse({ dataDir, port: 0, lanPort: 0, logLevel: 'silent', serial: false }), { quiet: true });
  ca = fs.readFileSync(path.join(dataDir, 'tls', 'depot-ca.pem'), 'utf8');
});
afterAll(async () => {
  await running?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  type: string | undefined;
  hsts: string | undefined;
  body: string;
}

/** A request with a Host header of our choosing, as a browser after DNS rebinding would send it. */
function request(port: number, p: string, headers: Record<string, string>, lan = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, path: p, headers, ...(lan ? { ca, servername: 'localhost' } : {}) };
    const req = (lan ? https : http).get(opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], hsts: res.headers['strict-transport-security'], body }),
      );
    });
    req.on('error', reject);
  });
}

/** A WebSocket handshake: the status line the host answers with. */
function handshake(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/ws',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('response', (res) => resolve(res.statusCode ?? 0));
    req.on('upgrade', (res) => resolve(res.statusCode ?? 0));
    req.on('error', reject);
    req.end();
  });
}

describe('DNS rebinding', () => {
  it('when a request to the desk port names another host, then it is refused before any route, setup and metrics included', async () => {
    for (const p of ['/api/v1/setup', '/metrics', '/', '/healthz']) {
      const res = await request(running.port, p, { host: `evil.example:${running.port}` });
      expect(res.status, p).toBe(421);
      expect(res.type).toBe('application/problem+json');
      expect(JSON.parse(res.body).code).toBe('host_not_allowed');
    }
    for (const name of [`127.0.0.1:${running.port}`, `localhost:${running.port}`, 'LOCALHOST']) {
      expect((await request(running.port, '/api/v1/setup', { host: name })).status, name).toBe(200);
    }
  });

  it('when a WebSocket handshake to the desk port comes from another origin or names another host, then it is refused', async () => {
    expect(await handshake(running.port, { host: `127.0.0.1:${running.port}`, origin: `http://evil.example:${running.port}` })).toBe(403);
    expect(await handshake(running.port, { host: `evil.example:${running.port}`, origin: `http://evil.example:${running.port}` })).toBe(
      421,
    );
    // Its own origin passes the checks and meets sign-in (no token here).
    expect(await handshake(running.port, { host: `127.0.0.1:${running.port}`, origin: `http://127.0.0.1:${running.port}` })).toBe(401);
  });

  it('when a request to the crew port names a host the certificate does not, then it is refused', async () => {
    const lanPort = running.lan!.port;
    const evil = await request(lanPort, '/healthz', { host: `evil.example:${lanPort}` }, true);
    expect(evil.status).toBe(421);
    expect(evil.type).toBe('application/problem+json');
    expect((await request(lanPort, '/healthz', { host: `localhost:${lanPort}` }, true)).status).toBe(200);
  });

  it('when first-run setup is posted to the crew port, then the gate refuses it whatever the case of the path', async () => {
    const lanPort = running.lan!.port;
    for (const p of ['/api/v1/setup', '/api/v1/setup/demo', '/api/v1/Setup', '/API/v1/setup']) {
      const res = await request(lanPort, p, { host: `localhost:${lanPort}` }, true);
      expect(res.status, p).toBe(404);
    }
  });
});

describe('transport security', () => {
  it('when the crew view is fetched over the crew port, then HSTS pins HTTPS; the plain loopback port sends none', async () => {
    const lanPort = running.lan!.port;
    const crew = await request(lanPort, '/crew/', { host: `localhost:${lanPort}` }, true);
    expect(crew.hsts).toBe('max-age=31536000');
    expect((await request(running.port, '/', { host: `127.0.0.1:${running.port}` })).hsts).toBeUndefined();
  });
});

describe('host names', () => {
  it('when Host headers take their various forms, then the name is read without port or brackets', () => {
    expect(hostnameOf('127.0.0.1:4400')).toBe('127.0.0.1');
    expect(hostnameOf('[::1]:4400')).toBe('::1');
    expect(hostnameOf('LocalHost')).toBe('localhost');
    expect(hostnameOf('')).toBeNull();
    expect(hostnameOf(undefined)).toBeNull();
    const allow = deskHostAllowed(deskHostNames('127.0.0.1'));
    expect(allow('[::1]:1')).toBe(true);
    expect(allow('127.12.0.1')).toBe(true);
    expect(allow('127.0.0.1.evil.example')).toBe(false);
    expect(allow('localhost.evil.example')).toBe(false);
    expect(allow(undefined)).toBe(false);
    const origin = deskOriginAllowed(allow);
    expect(origin('http://localhost:5173')).toBe(true);
    expect(origin('null')).toBe(false);
    expect(origin('file://')).toBe(false);
  });
});

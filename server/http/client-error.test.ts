import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config.js';
import { startHost, type RunningHost } from '../start.js';

/**
 * Requests Node's HTTP parser refuses never reach Express; each server the host opens (loopback in
 * server/start.ts, the crew port in server/lan/listener.ts) answers them as problem+json itself.
 */

let running: RunningHost;
let dataDir: string;
let ca: string;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-clienterror-'));
  running = await startHost(ConfigSchema.parse({ dataDir, port: 0, lanPort: 0, logLevel: 'silent', serial: false, backups: false }), {
    quiet: true,
  });
  ca = fs.readFileSync(path.join(dataDir, 'tls', 'depot-ca.pem'), 'utf8');
});
afterAll(async () => {
  await running?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function oversized(port: number, lan: boolean): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const opts = {
      host: '127.0.0.1',
      port,
      path: '/api/v1/work-orders',
      headers: { 'x-padding': 'p'.repeat(20_000) },
      agent: false as const,
      ...(lan ? { ca, servername: 'localhost' } : {}),
    };
    const req = (lan ? https : http).get(opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
  });
}

describe('requests the HTTP parser refuses', () => {
  it('when headers are too large on the loopback port, then 431 as problem+json', async () => {
    const res = await oversized(running.port, false);
    expect(res.status).toBe(431);
    expect(res.type).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('when headers are too large on the crew LAN port, then 431 as problem+json', async () => {
    expect(running.lan).not.toBeNull();
    const res = await oversized(running.lan!.port, true);
    expect(res.status).toBe(431);
    expect(res.type).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });
});

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '../testing/pg.js';
import { startHub, type RunningHub } from './serve.js';

/**
 * The hub serving HTTPS itself (`--tls-cert/--tls-key`). The certificate in testing-tls/ is a
 * self-signed one for 127.0.0.1 made for this test only (its key protects nothing).
 */
const dir = path.join(import.meta.dirname, 'testing-tls');
const cert = fs.readFileSync(path.join(dir, 'cert.pem'));
const key = fs.readFileSync(path.join(dir, 'key.pem'));

let db: TestDatabase;
let hub: RunningHub;

beforeAll(async () => {
  db = await createTestDatabase();
  hub = await startHub({ databaseUrl: db.url, port: 0, log: pino({ level: 'silent' }), tls: { cert, key } });
});

afterAll(async () => {
  await hub?.stop();
  await db?.drop();
});

/** A child node process, run asynchronously: the hub answering it lives in this process's event loop. */
function node(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, encoding: 'utf8' }, (err, _stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

function get(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, ca ? { ca } : {}, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('the hub over HTTPS', () => {
  it('when started with a certificate, then it answers https:// to a client that trusts it, and a client that does not is refused', async () => {
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${hub.url}/hub/v1/openapi.json`, cert)).toBe(200);
    await expect(get(`${hub.url}/hub/v1/openapi.json`)).rejects.toThrow(/self-signed|certificate/i);
  });

  it('when a depot opens the live socket over wss://, then the hub checks its credential there too', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${hub.url.replace(/^https/, 'wss')}/hub/v1/sync/live`, {
        ca: cert,
        headers: { authorization: 'Bearer nope' },
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('an unknown credential opened the live socket')));
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
  });

  it("when a depot process is started with NODE_EXTRA_CA_CERTS naming the hub's certificate, then its fetch (what the sync client uses) trusts it", async () => {
    const probe = `fetch(${JSON.stringify(`${hub.url}/hub/v1/openapi.json`)}).then((r) => process.exit(r.status === 200 ? 0 : 3), (e) => { console.error(e.cause?.code ?? e.message); process.exit(4); })`;
    const trusted = await node(['-e', probe], { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem') });
    expect(trusted.status, trusted.stderr).toBe(0);
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const untrusted = await node(['-e', probe], env);
    expect(untrusted.status).toBe(4);
    expect(untrusted.stderr).toMatch(/SELF_SIGNED|CERT/);
  });
});

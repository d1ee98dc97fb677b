import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../app.js';
import { ConfigSchema } from '../config.js';
import { createHost } from '../host.js';
import { createLogger } from '../core/logger.js';
import { createServices } from '../services.js';
import { defineRoute } from './route.js';

/** A real app (the middleware it really uses) with two routes, its log captured at a given level. */
async function hostLoggingAt(level: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-reqlog-'));
  const lines: string[] = [];
  const host = createHost({ dataDir, log: createLogger({ level, destination: { write: (s: string) => void lines.push(s) } }) });
  const services = createServices(host);
  const routes = [
    defineRoute({
      method: 'get',
      path: '/fine',
      summary: 'ok',
      tag: 't',
      access: 'public',
      response: z.object({ ok: z.boolean() }),
      handler: () => ({ ok: true }),
    }),
    defineRoute({
      method: 'get',
      path: '/broken',
      summary: 'throws',
      tag: 't',
      access: 'public',
      response: z.object({ ok: z.boolean() }),
      handler: () => {
        throw new Error('the disk caught fire');
      },
    }),
  ];
  const server = http.createServer(buildApp(host, ConfigSchema.parse({ dataDir, port: 0 }), services, routes));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  return {
    url,
    lines,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      host.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let running: Awaited<ReturnType<typeof hostLoggingAt>> | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('request logging', () => {
  it('when the level is info, then a good request writes nothing and a server error is logged with its request id, twice named', async () => {
    running = await hostLoggingAt('info');
    const before = running.lines.length; // the host's own start-up lines
    expect((await fetch(`${running.url}/fine`)).status).toBe(200);
    expect(running.lines.length).toBe(before);
    const res = await fetch(`${running.url}/broken`, { headers: { 'x-request-id': 'req-broken-1' } });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('the disk caught fire');
    const logged = parsed(running.lines);
    const unhandled = logged.find((l) => l.msg === 'unhandled error') as { req: { id: string; url: string }; err: { message: string } };
    expect(unhandled.err.message).toBe('the disk caught fire');
    expect(unhandled.req).toMatchObject({ id: 'req-broken-1', method: 'GET', url: '/api/v1/broken' });
    expect(logged.find((l) => l.msg === 'request failed')).toMatchObject({ req: { id: 'req-broken-1' }, res: { statusCode: 500 } });
  });

  it('when the level is debug, then every request gets its line', async () => {
    running = await hostLoggingAt('debug');
    await fetch(`${running.url}/fine`, { headers: { 'x-request-id': 'req-fine-1' } });
    expect(parsed(running.lines).some((l) => l.msg === 'request completed' && (l.req as { id: string }).id === 'req-fine-1')).toBe(true);
  });
});

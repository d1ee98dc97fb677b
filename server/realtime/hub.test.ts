import { once } from 'node:events';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depots, organizations, users } from '../../db/schema/index.js';
import { hashPassword } from '../auth/passwords.js';
import { systemCtx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { mutate } from '../core/mutate.js';
import { startTestHost, type TestHost } from '../testing/harness.js';

let t: TestHost;
let orgA: { token: string; orgId: string };
let tokenB: string;
let orgB: string;

function connect(query: string, protocols?: string[]): WebSocket {
  return new WebSocket(`${t.url.replace('http', 'ws')}/ws${query}`, protocols);
}

/** Resolves with the next message whose type matches, so tests wait on events rather than time. */
function nextMessage(ws: WebSocket, type: string): Promise<{ type: string; orgId: string; data: Record<string, unknown>; at: string }> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const msg = JSON.parse(raw.toString());
      if (msg.type === type) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
  });
}

beforeAll(async () => {
  t = await startTestHost();
  orgA = await t.setupOrg();
  orgB = newId();
  const hash = await hashPassword('other org password');
  mutate(systemCtx(t.host, orgB), 'test.org', (w) => {
    w.insert(organizations, { id: orgB, name: 'Other', slug: 'other', timeZone: 'UTC' });
    w.insert(users, { email: 'b@example.test', name: 'B', role: 'dispatcher', passwordHash: hash });
  });
  tokenB = (await t.api('POST', '/api/v1/auth/login', { body: { email: 'b@example.test', password: 'other org password' } })).body.token;
});
afterAll(() => t.close());

describe('the /ws hub', () => {
  it('when no token or a bad token is offered, then the handshake is refused with 401', async () => {
    for (const ws of [connect(''), connect('?token=ddk_nonsense')]) {
      const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
      expect(res.statusCode).toBe(401);
    }
  });

  it('when a handshake names no proper path ("//"), then it is refused with 404 and the host keeps serving', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.url}//`, {
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('when a client connects with the token as a subprotocol, then it is greeted and hears its own org’s committed changes only', async () => {
    const a = connect('', [`depotdesk.bearer.${orgA.token}`]);
    const b = connect(`?token=${tokenB}`);
    const helloA = nextMessage(a, 'hello');
    const helloB = nextMessage(b, 'hello');
    expect((await helloA).orgId).toBe(orgA.orgId);
    expect((await helloB).orgId).toBe(orgB);

    const heardByA = nextMessage(a, 'depot.create');
    const bHeard: string[] = [];
    b.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.type === 'depot.create') bHeard.push(m.data.changes[0].id);
    });
    const depotA = mutate(systemCtx(t.host, orgA.orgId), 'depot.create', (w) =>
      w.insert(depots, { code: 'WS', name: 'Realtime depot', timeZone: 'UTC' }),
    );
    const msg = await heardByA;
    expect(msg).toMatchObject({ type: 'depot.create', orgId: orgA.orgId, data: { tables: ['depots'] } });
    expect(Date.parse(msg.at)).toBe(t.clock.now());

    // A change in org B reaches B; by then B has processed everything before it, so it never saw A's change.
    const heardByB = nextMessage(b, 'depot.create');
    const depotB = mutate(systemCtx(t.host, orgB), 'depot.create', (w) =>
      w.insert(depots, { code: 'WSB', name: 'B depot', timeZone: 'UTC' }),
    );
    expect((await heardByB).orgId).toBe(orgB);
    expect(bHeard).toEqual([depotB.id]);
    expect(bHeard).not.toContain(depotA.id);
    const aClosed = once(a, 'close');
    const bClosed = once(b, 'close');
    a.close();
    b.close();
    await Promise.all([aClosed, bClosed]);
  });

  it('when a session is revoked, then its token can no longer open a socket', async () => {
    const login = await t.api('POST', '/api/v1/auth/login', { body: { email: 'b@example.test', password: 'other org password' } });
    await t.api('POST', '/api/v1/auth/logout', { token: login.body.token });
    const ws = connect(`?token=${login.body.token}`);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(401);
  });

  it('when sockets open and close, then the open-sockets gauge follows', async () => {
    const gauge = async () => (await t.host.metrics.openSockets.get()).values[0]?.value ?? 0;
    const start = await gauge();
    const ws = connect(`?token=${orgA.token}`);
    await nextMessage(ws, 'hello');
    expect(await gauge()).toBe(start + 1);
    const closed = once(ws, 'close');
    ws.close();
    await closed;
    // The server side sees the close a moment later; poll the gauge on the server's own close event instead of sleeping.
    await expect.poll(gauge).toBe(start);
  });
});

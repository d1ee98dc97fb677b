import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';

let t: TestHost;
let w: World;

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
});
afterAll(() => t.close());

interface Msg {
  type: string;
  data: Record<string, unknown>;
}

/** Opens a socket and collects what it hears until `until` matches a message (or the deadline passes). */
async function listen(token: string) {
  const ws = new WebSocket(`${t.url.replace('http', 'ws')}/ws`, [`depotdesk.bearer.${token}`]);
  const heard: Msg[] = [];
  ws.on('message', (raw) => heard.push(JSON.parse(raw.toString()) as Msg));
  await new Promise((resolve) => ws.once('open', resolve));
  const waitFor = (pred: (m: Msg) => boolean) =>
    new Promise<Msg>((resolve, reject) => {
      const found = heard.find(pred);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`not heard; got ${JSON.stringify(heard.map((m) => m.type))}`)), 5_000);
      ws.on('message', (raw) => {
        const m = JSON.parse(raw.toString()) as Msg;
        if (pred(m)) {
          clearTimeout(timer);
          resolve(m);
        }
      });
    });
  return { ws, heard, waitFor };
}

describe('what a technician’s socket hears', () => {
  it('when another team’s work order changes, then the crew hears only which tables changed, never its id; their own work arrives in full', async () => {
    const tech2 = await listen(w.tokens.tech2); // team bravo
    const desk = await listen(w.tokens.dispatcher);
    // tech1's work, team alpha: not tech2's.
    const alpha = workOrderAt(w, 'DISPATCHED');
    const deskMsg = await desk.waitFor((m) => m.data.workOrderId === alpha.id);
    expect(deskMsg.data.changes).toBeTruthy();
    const reduced = await tech2.waitFor((m) => m.type === 'changed');
    expect(reduced.data).toEqual({ tables: expect.arrayContaining(['work_orders']) });
    expect(JSON.stringify(tech2.heard)).not.toContain(alpha.id);

    const bravo = workOrderAt(w, 'DISPATCHED', { assigneeId: w.people.tech2, teamId: w.teams.bravo });
    const full = await tech2.waitFor((m) => m.data.workOrderId === bravo.id);
    expect(full.data.changes).toBeTruthy();
    tech2.ws.close();
    desk.ws.close();
  });

  it('when live telemetry or report progress is published, then crews do not receive it but the desk does', async () => {
    const tech1 = await listen(w.tokens.tech1);
    const desk = await listen(w.tokens.dispatcher);
    const at = new Date().toISOString();
    t.host.bus.publish({
      type: 'vehicle_position',
      orgId: w.orgId,
      data: { tables: [], changes: [], vehicleId: 'v1', lat: 51.45, lon: -2.59 },
      at,
    });
    t.host.bus.publish({ type: 'telemetry', orgId: w.orgId, data: { tables: [], changes: [], deviceId: 'd1', values: [] }, at });
    // A change notice after them: once the crew has heard it, anything sent earlier has arrived too.
    workOrderAt(w, 'NEW');
    await desk.waitFor((m) => m.type === 'vehicle_position');
    await tech1.waitFor((m) => Array.isArray(m.data.tables));
    expect(tech1.heard.map((m) => m.type)).not.toContain('vehicle_position');
    expect(tech1.heard.map((m) => m.type)).not.toContain('telemetry');
    tech1.ws.close();
    desk.ws.close();
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../db/client.js';
import { depots, organizations } from '../../db/schema/index.js';
import { ManualClock } from '../core/clock.js';
import { systemCtx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { createHost, DB_FILE } from '../host.js';
import { createWorkOrder } from '../work-orders/service.js';
import { AppendRefusedError, applyAppendRow } from './apply-append.js';

const ORG = '01930000-0000-7000-8000-0000000000c1';
const EVENT_ID = '01930000-0000-7000-8000-0000000000e1';
let dir: string;
let opened: OpenedDatabase;
let workOrderId: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dd-apply-append-'));
  const host = createHost({ dataDir: dir, clock: new ManualClock(Date.parse('2026-11-16T08:00:00Z')) });
  const ctx = systemCtx(host, ORG, 'test');
  mutate(ctx, 'test.org', (w) => {
    w.insert(organizations, { id: ORG, name: 'Riverside', slug: 'riverside', timeZone: 'UTC' });
    w.insert(depots, { code: 'AVM', name: 'Avonmouth', timeZone: 'UTC' });
  });
  workOrderId = createWorkOrder(ctx, { title: 'Burst main', type: 'corrective', priority: 'high' }).id;
  host.close();
  // The applier on a connection of its own, as the sync client will hold it: recording the received
  // mutation around it is issue 15's, so a host's write census would rightly ask where that record is.
  opened = openDatabase(path.join(dir, DB_FILE));
});

afterAll(() => {
  opened.sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An event as another depot's change log carries it: DB names, null columns left out, JSON data parsed. */
const received = {
  id: EVENT_ID,
  org_id: ORG,
  work_order_id: '',
  type: 'note',
  at: Date.parse('2026-11-16T09:30:00Z'),
  data: { text: 'Valve shut at the junction' },
};
const eventsWithId = (id: string) =>
  opened.sqlite.prepare('SELECT type, data, actor_id FROM work_order_events WHERE id = ?').all(id) as {
    type: string;
    data: string;
    actor_id: string | null;
  }[];

describe('applying received append-only rows', () => {
  it('when the same work-order event is applied twice, then it is inserted once and the second apply is a no-op', () => {
    const row = { ...received, work_order_id: workOrderId };
    expect(applyAppendRow(opened.db, 'work_order_events', row)).toBe(true);
    expect(applyAppendRow(opened.db, 'work_order_events', row)).toBe(false);
    expect(eventsWithId(EVENT_ID)).toEqual([{ type: 'note', data: JSON.stringify(row.data), actor_id: null }]);
  });

  it('when an id already holds a different event, then the second one is refused, not dropped', () => {
    const row = { ...received, work_order_id: workOrderId, data: { text: 'Something else' } };
    expect(() => applyAppendRow(opened.db, 'work_order_events', row)).toThrow(/already holds a different row \(data differ\)/);
    expect(eventsWithId(EVENT_ID)).toHaveLength(1);
  });

  it('when the same event comes back from the hub with its JSON keys in another order (jsonb), then it is a duplicate, not a different row', () => {
    const id = '01a24a70-0000-7000-8000-00000000abcd';
    const first = { ...received, id, work_order_id: workOrderId, data: { text: 'Pump off', by: 'crew', at: { lat: 1, lon: 2 } } };
    const back = { ...first, data: { at: { lon: 2, lat: 1 }, by: 'crew', text: 'Pump off' } };
    expect(applyAppendRow(opened.db, 'work_order_events', first)).toBe(true);
    expect(applyAppendRow(opened.db, 'work_order_events', back)).toBe(false);
    expect(() => applyAppendRow(opened.db, 'work_order_events', { ...back, data: { ...back.data, by: 'someone else' } })).toThrow(
      /data differ/,
    );
  });

  it('when the table is not append-only, then it is refused and nothing is written', () => {
    const before = opened.sqlite.prepare('SELECT count(*) FROM work_orders').pluck().get();
    expect(() => applyAppendRow(opened.db, 'work_orders', { id: workOrderId, org_id: ORG, title: 'x' })).toThrow(
      /merge rule is 'entity', not 'append'/,
    );
    expect(() => applyAppendRow(opened.db, 'telemetry_readings', { id: 1, org_id: ORG })).toThrow(/unique on their origin node only/);
    expect(() => applyAppendRow(opened.db, 'audit_log', { id: 'a', org_id: ORG })).toThrow(/local column seq is this depot's own/);
    expect(() => applyAppendRow(opened.db, 'no_such_table', { id: 'a', org_id: ORG })).toThrow(AppendRefusedError);
    expect(opened.sqlite.prepare('SELECT count(*) FROM work_orders').pluck().get()).toBe(before);
  });

  it('when a row carries a column its policy does not let travel, then it is refused and nothing is written', () => {
    const id = '01930000-0000-7000-8000-0000000000e2';
    expect(() => applyAppendRow(opened.db, 'work_order_events', { ...received, id, work_order_id: workOrderId, hlc: 'x' })).toThrow(
      /work_order_events\.hlc: not a column that travels/,
    );
    expect(() => applyAppendRow(opened.db, 'work_order_events', { ...received, id, work_order_id: workOrderId, workOrderId })).toThrow(
      /workOrderId: not a column that travels/,
    );
    expect(eventsWithId(id)).toEqual([]);
  });
});

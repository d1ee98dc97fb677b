import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../db/audit-chain.js';
import { openDatabase, type Sqlite } from '../../db/client.js';
import { locations, telemetryDevices } from '../../db/schema/index.js';
import { systemCtx, type Ctx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { mutate } from '../core/mutate.js';
import { startTestHost, type TestHost } from './harness.js';
import { SYNC_MARKER_DDL } from '../sync/apply-scope.js';
import { describeBypasses, installWriteCensus, KNOWN_BYPASS_TABLES } from './write-census.js';

describe('the write census on a host', () => {
  let t: TestHost;
  let orgId: string;
  const ctx = (): Ctx => systemCtx(t.host, orgId, 'census test');
  // The same census the suite's setup installed on this host: taking its findings here keeps the
  // deliberate bypasses of these tests from failing them in the setup's afterEach.
  const census = () => installWriteCensus(t.host.sqlite);
  const addLocation = (code: string) =>
    mutate(ctx(), 'location.create', (w) => w.insert(locations, { code, name: `Yard ${code}`, lat: 51.5, lon: -0.1 }));

  beforeAll(async () => {
    t = await startTestHost();
    orgId = (await t.setupOrg()).orgId;
  });
  afterAll(() => t.close());

  it('when a location is renamed with a raw UPDATE, then the census names the table, op, row and count', () => {
    const loc = addLocation('RAW1');
    expect(census().take().bypasses).toEqual([]);

    t.host.sqlite.prepare('UPDATE locations SET name = ? WHERE id = ?').run('Renamed behind the log', loc.id);
    t.host.sqlite.prepare('UPDATE locations SET name = ? WHERE id = ?').run('Renamed twice', loc.id);

    const { bypasses } = census().take();
    expect(bypasses).toEqual([{ table: 'locations', op: 'update', rowId: loc.id, count: 2 }]);
    expect(describeBypasses(bypasses)).toContain(`locations update: 2 write(s) on 1 row(s), e.g. ${loc.id} (×2)`);
    // Reported once: the next check starts from here.
    expect(census().take().bypasses).toEqual([]);
  });

  it('when rows are inserted or deleted with raw SQL, then each is a bypass', () => {
    const loc = addLocation('RAW2');
    const id = newId();
    t.host.sqlite
      .prepare(
        "INSERT INTO locations (id, org_id, code, name, lat, lon, created_at, updated_at, version) VALUES (?, ?, 'RAW3', 'Raw', 0, 0, 0, 0, 1)",
      )
      .run(id, orgId);
    t.host.sqlite.prepare('DELETE FROM locations WHERE id = ?').run(loc.id);

    expect(census().take().bypasses).toEqual(
      expect.arrayContaining([
        { table: 'locations', op: 'insert', rowId: id, count: 1 },
        { table: 'locations', op: 'delete', rowId: loc.id, count: 1 },
      ]),
    );
  });

  it('when a row changes through Writer.update and Writer.setLocal, then nothing is reported', () => {
    const loc = addLocation('OK1');
    mutate(ctx(), 'location.update', (w) => w.update(locations, loc.id, { name: 'Renamed through the writer' }));
    // A second update of a row that was already logged is counted against its own change row.
    mutate(ctx(), 'location.update', (w) => w.update(locations, loc.id, { name: 'And again' }));
    const device = mutate(ctx(), 'device.create', (w) =>
      w.insert(telemetryDevices, { name: 'Tank probe', protocol: 'nmea', serial: { baudRate: 9600 }, modbus: null }),
    );
    mutate(ctx(), 'device.port', (w) => w.setLocal(telemetryDevices, device.id, { path: '/dev/ttyUSB7' }));
    // Raw writes of columns that never travel, or of a travelling one to its own value, are not writes the log misses.
    t.host.sqlite.prepare('UPDATE locations SET version = version + 1, name = name WHERE id = ?').run(loc.id);

    expect(census().take().bypasses).toEqual([]);
  });

  it('when a raw UPDATE follows writer updates of the same row, then the one extra write is reported', () => {
    const loc = addLocation('MIX1');
    mutate(ctx(), 'location.update', (w) => w.update(locations, loc.id, { notes: 'logged' }));
    t.host.sqlite.prepare("UPDATE locations SET notes = 'not logged' WHERE id = ?").run(loc.id);

    expect(census().take().bypasses).toEqual([{ table: 'locations', op: 'update', rowId: loc.id, count: 1 }]);
  });

  it('when rows are written under the sync apply marker, then they count as received, not as bypasses', () => {
    const loc = addLocation('SYNC1');
    census().take();
    t.host.sqlite.exec(SYNC_MARKER_DDL);
    t.host.commits.run(() => {
      t.host.sqlite.prepare("INSERT INTO temp.sync_applying (reason) VALUES ('test')").run();
      t.host.sqlite.prepare('UPDATE locations SET name = ? WHERE id = ?').run('Renamed by the hub', loc.id);
      t.host.sqlite.prepare('DELETE FROM temp.sync_applying').run();
    });
    expect(census().take().bypasses).toEqual([]);
    expect(census().remoteWrites().locations).toBeGreaterThanOrEqual(1);
  });

  it('when a change row is written under the marker, or the marker is left behind, then each is a finding', () => {
    const loc = addLocation('SYNC2');
    census().take();
    t.host.sqlite.exec(SYNC_MARKER_DDL);
    t.host.commits.run(() => {
      t.host.sqlite.prepare("INSERT INTO temp.sync_applying (reason) VALUES ('forgotten')").run();
      // A received row must never enter our own log: this mutation, made under the marker, is a finding.
      mutate(ctx(), 'location.update', (w) => w.update(locations, loc.id, { name: 'Logged during an apply' }));
    });
    const { bypasses } = census().take();
    t.host.sqlite.prepare('DELETE FROM temp.sync_applying').run();
    expect(bypasses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'locations', op: 'logged during a sync apply', rowId: loc.id }),
        expect.objectContaining({ table: 'sync_applying', op: 'marker left outside its apply transaction', rowId: 'forgotten' }),
      ]),
    );
  });
});

describe('the write census on a bare connection', () => {
  const dirs: string[] = [];
  const open = (): Sqlite => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-census-'));
    dirs.push(dir);
    const { sqlite } = openDatabase(path.join(dir, 'census.sqlite'));
    // Rows below are written without their parents: the census reads ids, not relations.
    sqlite.pragma('foreign_keys = OFF');
    return sqlite;
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const audit = (sqlite: Sqlite, orgId: string) =>
    appendAudit(sqlite, {
      id: newId(),
      orgId,
      actorId: null,
      action: 'test.audit',
      entity: 'test',
      entityId: 'x',
      before: null,
      after: null,
      requestId: null,
      at: 0,
    });
  const header = (sqlite: Sqlite, orgId: string, from: number, to: number) =>
    sqlite
      .prepare("INSERT INTO mutations (id, org_id, epoch, hlc, action, audit_from, audit_to, at) VALUES (?, ?, 1, 'h', 'test', ?, ?, 0)")
      .run(newId(), orgId, from, to);
  const reading = (sqlite: Sqlite, id: number) =>
    sqlite
      .prepare(
        "INSERT INTO telemetry_readings (id, org_id, device_id, metric, value, at, received_at) VALUES (?, 'o', 'd', 'temp', 1, 0, 0)",
      )
      .run(id);
  const range = (sqlite: Sqlite, seq: number, from: number, to: number) =>
    sqlite
      .prepare("INSERT INTO changes (mutation_seq, n, table_name, row_id, op, fields) VALUES (?, 0, 'telemetry_readings', ?, 'insert', ?)")
      .run(seq, `${from}`, JSON.stringify({ from, to, count: to - from + 1 }));

  it('when audit rows fall in a mutation header audit range, then they are covered, and one outside every range is a bypass', () => {
    const sqlite = open();
    const census = installWriteCensus(sqlite);
    const a = audit(sqlite, 'org-a');
    const b = audit(sqlite, 'org-a');
    header(sqlite, 'org-a', a.seq, b.seq);
    // Another org's range does not cover this org's row with the same seq.
    header(sqlite, 'org-b', 1, 10);
    const stray = audit(sqlite, 'org-a');

    expect(census.take().bypasses).toEqual([{ table: 'audit_log', op: 'insert', rowId: stray.id, count: 1 }]);
    sqlite.close();
  });

  it('when batch readings are covered by a logged id range, then only a reading outside it is a bypass', () => {
    const sqlite = open();
    const census = installWriteCensus(sqlite);
    for (const id of [1, 2, 3, 4]) reading(sqlite, id);
    range(sqlite, 1, 1, 3);

    expect(census.take()).toEqual({ bypasses: [{ table: 'telemetry_readings', op: 'insert', rowId: '4', count: 1 }], known: [] });
    sqlite.close();
  });

  it('when a batch table has never logged a range on the connection, then its writes are bypasses (telemetry logs its ranges now)', () => {
    expect(KNOWN_BYPASS_TABLES.has('telemetry_readings')).toBe(false);
    const sqlite = open();
    const census = installWriteCensus(sqlite);
    reading(sqlite, 1);

    expect(census.take()).toEqual({ bypasses: [{ table: 'telemetry_readings', op: 'insert', rowId: '1', count: 1 }], known: [] });
    sqlite.close();
  });
});

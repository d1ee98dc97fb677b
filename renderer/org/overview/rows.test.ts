import { describe, expect, it } from 'vitest';
import type { OrgOverview } from '../../../server/org-view/contract';
import { combinedRow, depotRows, sortRows, syncIsStale } from './rows';

const ratio = (numerator: number, denominator: number) => ({ numerator, denominator, value: denominator ? numerator / denominator : null });
const summary = (created: number, onTime: [number, number]) => ({
  created,
  completed: 0,
  cancelled: 0,
  backlog: 0,
  backlogAgeMeanH: null,
  backlogAgeMaxH: null,
  onTime: ratio(...onTime),
  slaResponse: ratio(0, 0),
  slaResolution: ratio(0, 0),
  mttrRespondH: null,
  mttrRepairH: null,
  firstTimeFix: ratio(0, 0),
  overdue: 0,
  plannedMin: 0,
  actualMin: 0,
  utilisation: ratio(0, 0),
});
const depot = (id: string, name: string, created: number, onTime: [number, number], push: string | null, pull: string | null) => ({
  id,
  code: id.toUpperCase(),
  name,
  timeZone: 'Europe/London',
  lat: null,
  lon: null,
  lastPushAt: push,
  lastPullAt: pull,
  openNow: created,
  overdueNow: 0,
  summary: summary(created, onTime),
});

const overview: OrgOverview = {
  org: { name: 'Avonvale', timeZone: 'Europe/London' },
  period: { from: '2026-04-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
  replica: { version: 10, hubVersion: 10, caughtUpAt: '2026-05-10T12:00:00Z' },
  depots: [
    depot('n', 'North', 5, [1, 2], '2026-05-10T11:00:00Z', '2026-05-10T11:58:00Z'),
    depot('s', 'South', 9, [0, 0], null, null),
    depot('e', 'East', 7, [3, 4], '2026-05-10T11:59:00Z', null),
  ],
  unassignedOpenNow: 0,
  combined: { ...summary(21, [4, 6]), openNow: 21, overdueNow: 0 },
  computeMs: 3,
};

describe('the overview table', () => {
  it('when the hub lists depots, then each row shows its latest sync, push or pull', () => {
    const rows = depotRows(overview);
    expect(rows.map((r) => [r.name, r.lastSyncAt])).toEqual([
      ['North', '2026-05-10T11:58:00Z'],
      ['South', null],
      ['East', '2026-05-10T11:59:00Z'],
    ]);
  });

  it('when the combined line is made, then it carries the organization totals and is marked as such', () => {
    expect(combinedRow(overview)).toMatchObject({ id: 'all', name: 'All depots', openNow: 21, combined: true, summary: { created: 21 } });
  });

  it('when sorted by a ratio, then depots with nothing measured go last in both directions', () => {
    const rows = depotRows(overview);
    expect(sortRows(rows, { key: 'onTime', desc: true }).map((r) => r.name)).toEqual(['East', 'North', 'South']);
    expect(sortRows(rows, { key: 'onTime', desc: false }).map((r) => r.name)).toEqual(['North', 'East', 'South']);
    expect(sortRows(rows, { key: 'name', desc: false }).map((r) => r.name)).toEqual(['East', 'North', 'South']);
    expect(sortRows(rows, { key: 'created', desc: true }).map((r) => r.name)).toEqual(['South', 'East', 'North']);
  });

  it('when a depot has not synced for over an hour, then it is flagged; no sync of its own, or the combined line, is not', () => {
    const now = Date.parse('2026-05-10T12:30:00Z');
    const [north, south, east] = depotRows(overview);
    expect(syncIsStale(north!, now)).toBe(false);
    // Kept by another depot's host: its syncs are that host's.
    expect(syncIsStale(south!, now)).toBe(false);
    expect(syncIsStale(east!, Date.parse('2026-05-10T13:30:00Z'))).toBe(true);
    expect(syncIsStale(combinedRow(overview), now)).toBe(false);
  });
});

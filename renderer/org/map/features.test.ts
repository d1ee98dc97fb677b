import { describe, expect, it } from 'vitest';
import type { OpenWorkItem, OrgDepot } from '../../../server/org-view/contract';
import { dataBounds, depotFeatures, openWorkFeatures } from './features';

const item = (id: string, lat: number, lon: number, overdue = false): OpenWorkItem => ({
  id,
  number: `WO-${id}`,
  title: `Job ${id}`,
  status: 'DISPATCHED',
  priority: 'high',
  depotId: 'd1',
  lat,
  lon,
  resolutionDueAt: overdue ? '2026-05-01T10:00:00Z' : null,
  overdue,
});

const depot = (id: string, lat: number | null, lon: number | null): OrgDepot => ({
  id,
  code: id.toUpperCase(),
  name: `Depot ${id}`,
  timeZone: 'Europe/London',
  lat,
  lon,
  lastPushAt: null,
  lastPullAt: null,
  openNow: 4,
  overdueNow: 1,
  summary: {} as OrgDepot['summary'],
});

describe('open work on the managers map', () => {
  it('when work comes in, then each item is a point carrying what its popup and colour need', () => {
    const fc = openWorkFeatures([item('1', 51.45, -2.58, true), item('2', 51.5, -2.6)]);
    expect(fc.features.map((f) => f.properties)).toEqual([
      {
        id: '1',
        number: 'WO-1',
        title: 'Job 1',
        status: 'DISPATCHED',
        priority: 'high',
        due: '2026-05-01T10:00:00Z',
        overdue: true,
        overdueN: 1,
      },
      { id: '2', number: 'WO-2', title: 'Job 2', status: 'DISPATCHED', priority: 'high', due: '', overdue: false, overdueN: 0 },
    ]);
    expect(fc.features[0]!.geometry.coordinates).toEqual([-2.58, 51.45]);
  });

  it('when several jobs share a site, then the first stays on it and the others fan out a few metres, all apart', () => {
    const fc = openWorkFeatures([item('1', 51.45, -2.58), item('2', 51.45, -2.58), item('3', 51.45, -2.58)]);
    const coords = fc.features.map((f) => f.geometry.coordinates.join(','));
    expect(coords[0]).toBe('-2.58,51.45');
    expect(new Set(coords).size).toBe(3);
    for (const f of fc.features) {
      const [lon, lat] = f.geometry.coordinates as [number, number];
      expect(Math.abs(lat - 51.45) * 111_320).toBeLessThan(20);
      expect(Math.abs(lon + 2.58) * 111_320 * Math.cos((51.45 * Math.PI) / 180)).toBeLessThan(20);
    }
  });

  it('when depots have no position, then they are counted rather than drawn at 0,0', () => {
    const { fc, unplaced } = depotFeatures([depot('a', 51.4, -2.5), depot('b', null, null)]);
    expect(fc.features.map((f) => f.properties?.name)).toEqual(['Depot a']);
    expect(unplaced).toBe(1);
  });

  it('when bounds are fitted, then they hold every point, and a single site gets a street-wide box', () => {
    const work = openWorkFeatures([item('1', 51.45, -2.58), item('2', 51.6, -2.4)]);
    const depots = depotFeatures([depot('a', 51.3, -2.7)]).fc;
    expect(dataBounds(work, depots)).toEqual([-2.7, 51.3, -2.4, 51.6]);
    const [w, s, e, n] = dataBounds(openWorkFeatures([item('1', 51.45, -2.58)]))!;
    expect(e - w).toBeCloseTo(0.01);
    expect(n - s).toBeCloseTo(0.01);
    expect(dataBounds(openWorkFeatures([]))).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { ALL_DEPOTS, parseRoute, routeHref, type Route } from './route';

describe('places in the managers console', () => {
  it('when the address has no hash, then the overview for the last 30 days opens', () => {
    expect(parseRoute('')).toEqual({ view: 'overview', depotId: null, period: { preset: 'last30' } });
    expect(parseRoute('#/nowhere')).toEqual({ view: 'overview', depotId: null, period: { preset: 'last30' } });
  });

  it('when a link names a depot and a period, then the depot view opens on that period', () => {
    expect(parseRoute('#/depot/0190aa?period=lastMonth')).toEqual({ view: 'depot', depotId: '0190aa', period: { preset: 'lastMonth' } });
    expect(parseRoute('#/depot/')).toMatchObject({ view: 'depot', depotId: ALL_DEPOTS });
    expect(parseRoute('#/depot/%E0%A4%A')).toMatchObject({ view: 'depot', depotId: ALL_DEPOTS });
  });

  it('when routes are written and read back, then they are the same place', () => {
    const routes: Route[] = [
      { view: 'overview', depotId: null, period: { preset: 'last7' } },
      { view: 'depot', depotId: 'a b/c', period: { preset: 'custom', first: '2026-01-01', last: '2026-01-31' } },
      { view: 'depot', depotId: ALL_DEPOTS, period: { preset: 'last30' } },
      { view: 'map', depotId: 'd1', period: { preset: 'thisMonth' } },
      { view: 'map', depotId: null, period: { preset: 'last30' } },
      { view: 'accounts', depotId: null, period: { preset: 'last30' } },
    ];
    for (const r of routes) expect(parseRoute(routeHref(r))).toEqual(r);
    expect(routeHref(routes[4]!)).toBe('#/map');
  });
});

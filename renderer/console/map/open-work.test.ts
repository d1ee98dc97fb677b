import { describe, expect, it } from 'vitest';
import type { OpenWorkDto } from '../../../server/map/contract';
import { applyUpdate, shareRows, snapshotOf, type OpenWorkSnapshot } from './open-work';
import { WorkOrderPlacer } from './work-order-features';

/** A payload of work orders `ids`, all at one site unless `lon` says otherwise; sla code 2 = ok. */
function payload(ids: string[], over: Partial<Record<string, { sla?: number; lon?: number | null }>> = {}): OpenWorkDto {
  return {
    at: '2026-12-07T09:00:00.000Z',
    truncated: false,
    id: ids,
    number: ids.map((id) => `AVM-${id}`),
    title: ids.map((id) => `Job ${id}`),
    lon: ids.map((id) => (over[id]?.lon === undefined ? -2.6 : over[id]!.lon!)),
    lat: ids.map((id) => (over[id]?.lon === null ? null : 51.45)),
    sla: ids.map((id) => over[id]?.sla ?? 2),
    status: ids.map(() => 0),
    priority: ids.map(() => 3),
    assignee: ids.map(() => -1),
    assignees: [],
  };
}

describe('the map’s open work, live', () => {
  it('when one work order changes, then only its row and its feature are new; the others keep their spot', () => {
    const placer = new WorkOrderPlacer();
    const first = snapshotOf(payload(['a', 'b', 'c', 'd']));
    const before = placer.place(first).features;
    // b breached, c left the filters (cancelled), e is new at the same site.
    const next = applyUpdate(first, ['b', 'c', 'e'], payload(['b', 'e'], { b: { sla: 4 } }));
    const after = placer.place(next).features;
    expect([...after.keys()].sort()).toEqual(['a', 'b', 'd', 'e']);
    expect(after.get('a')).toBe(before.get('a'));
    expect(after.get('d')).toBe(before.get('d'));
    expect(after.get('b')).not.toBe(before.get('b'));
    expect(after.get('b')!.properties.sla).toBe('breached');
    expect(after.get('b')!.geometry).toEqual(before.get('b')!.geometry);
    // The newcomer takes the free slot c had (the spiral's third place), not a new one.
    expect(after.get('e')!.geometry).toEqual(before.get('c')!.geometry);
  });

  it('when a full refetch brings the same rows, then the old snapshot is kept; a work order without a place is counted, not drawn', () => {
    const old = snapshotOf(payload(['a', 'b', 'x'], { x: { lon: null } }));
    expect(shareRows(old, snapshotOf(payload(['a', 'b', 'x'], { x: { lon: null } })))).toBe(old);
    const changed = shareRows(old, snapshotOf(payload(['a', 'b', 'x'], { a: { sla: 3 }, x: { lon: null } }))) as OpenWorkSnapshot;
    expect(changed).not.toBe(old);
    expect(changed.rows.get('b')).toBe(old.rows.get('b'));
    expect(changed.rows.get('a')!.slaState).toBe('at_risk');
    const placed = new WorkOrderPlacer().place(old);
    expect(placed.features.size).toBe(2);
    expect(placed.unplaced).toBe(1);
  });
});

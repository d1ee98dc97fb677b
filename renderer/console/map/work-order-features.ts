import type { MapWorkOrder, OpenWorkSnapshot } from './open-work';

/** Worse is higher; a cluster shows the worst state inside it (clusterProperties "worst" in layers.ts). */
export const SLA_RANK: Record<string, number> = { none: 0, met: 1, ok: 2, at_risk: 3, breached: 4 };

export type WorkOrderFeature = GeoJSON.Feature<GeoJSON.Point, WorkOrderProps>;
export interface WorkOrderProps {
  id: string;
  number: string;
  title: string;
  sla: string;
  rank: number;
  priority: string;
  status: string;
  critical: boolean;
}

export interface PlacedWorkOrders {
  /** By work-order id; an unchanged work order keeps its feature object from one update to the next. */
  features: ReadonlyMap<string, WorkOrderFeature>;
  unplaced: number;
}

/**
 * Work orders at their location. Many jobs share one site (a pumping station with six open jobs):
 * they are fanned out on a small golden-angle spiral (a few metres each) so every one stays
 * visible and clickable once the clusters break apart. The offset is a display device only.
 *
 * Each job keeps its spiral slot while it stays at its site, and a new one takes the lowest free
 * slot, so a live change moves no other point and the map is sent only the features that changed.
 */
export class WorkOrderPlacer {
  private slotOf = new Map<string, { site: string; slot: number }>();
  private taken = new Map<string, Set<number>>();
  private built = new Map<MapWorkOrder, WorkOrderFeature>();

  place(snapshot: OpenWorkSnapshot): PlacedWorkOrders {
    const { rows } = snapshot;
    // Free the slots of jobs that left or moved site first, so newcomers can reuse them.
    for (const [id, at] of this.slotOf) {
      const r = rows.get(id);
      if (!r || siteOf(r) !== at.site) this.free(id);
    }
    const features = new Map<string, WorkOrderFeature>();
    const built = new Map<MapWorkOrder, WorkOrderFeature>();
    let unplaced = 0;
    for (const r of rows.values()) {
      const site = siteOf(r);
      if (site === null) {
        unplaced += 1;
        continue;
      }
      let feature = this.built.get(r);
      if (!feature) {
        const slot = this.slotOf.get(r.id)?.slot ?? this.take(r.id, site);
        feature = toFeature(r, slot);
      }
      built.set(r, feature);
      features.set(r.id, feature);
    }
    this.built = built;
    return { features, unplaced };
  }

  private take(id: string, site: string): number {
    const taken = this.taken.get(site) ?? new Set<number>();
    this.taken.set(site, taken);
    let slot = 0;
    while (taken.has(slot)) slot += 1;
    taken.add(slot);
    this.slotOf.set(id, { site, slot });
    return slot;
  }

  private free(id: string): void {
    const at = this.slotOf.get(id);
    if (!at) return;
    this.taken.get(at.site)?.delete(at.slot);
    this.slotOf.delete(id);
  }
}

const siteOf = (r: MapWorkOrder) => (r.lon === null || r.lat === null ? null : `${r.lon},${r.lat}`);

function toFeature(w: MapWorkOrder, slot: number): WorkOrderFeature {
  const lon0 = w.lon!;
  const lat0 = w.lat!;
  const r = slot === 0 ? 0 : 9 * Math.sqrt(slot); // metres
  const a = slot * 2.39996; // golden angle, radians
  const lat = lat0 + (r * Math.sin(a)) / 111_320;
  const lon = lon0 + (r * Math.cos(a)) / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties: {
      id: w.id,
      number: w.number,
      title: w.title,
      sla: w.slaState,
      rank: SLA_RANK[w.slaState] ?? 0,
      priority: w.priority,
      status: w.status,
      critical: w.priority === 'critical',
    },
  };
}

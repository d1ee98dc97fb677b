import { OPEN_WORK_PRIORITY, OPEN_WORK_SLA, OPEN_WORK_STATUS, type OpenWorkDto } from '../../../server/map/contract';

/** One work order as the map draws it, decoded from the host's columnar payload (GET /map/open-work). */
export interface MapWorkOrder {
  id: string;
  number: string;
  title: string;
  /** The location's position; null when the work order has none (counted, not drawn). */
  lon: number | null;
  lat: number | null;
  slaState: (typeof OPEN_WORK_SLA)[number];
  status: (typeof OPEN_WORK_STATUS)[number];
  priority: (typeof OPEN_WORK_PRIORITY)[number];
  assigneeId: string | null;
}

/**
 * The map's open work: rows by id in the host's order (by location, oldest first). Treated as
 * immutable: a live update makes a new snapshot that keeps every unchanged row object, so the layer
 * can tell what changed by identity and send maplibre only that (MapCanvas pushWorkOrders).
 */
export interface OpenWorkSnapshot {
  rows: ReadonlyMap<string, MapWorkOrder>;
  truncated: boolean;
}

export function decodeRows(p: OpenWorkDto): MapWorkOrder[] {
  const rows: MapWorkOrder[] = new Array<MapWorkOrder>(p.id.length);
  for (let i = 0; i < p.id.length; i++) {
    const a = p.assignee[i]!;
    rows[i] = {
      id: p.id[i]!,
      number: p.number[i]!,
      title: p.title[i]!,
      lon: p.lon[i] ?? null,
      lat: p.lat[i] ?? null,
      slaState: OPEN_WORK_SLA[p.sla[i]!] ?? 'none',
      status: OPEN_WORK_STATUS[p.status[i]!] ?? 'NEW',
      priority: OPEN_WORK_PRIORITY[p.priority[i]!] ?? 'low',
      assigneeId: a >= 0 ? (p.assignees[a] ?? null) : null,
    };
  }
  return rows;
}

export function snapshotOf(p: OpenWorkDto): OpenWorkSnapshot {
  return { rows: new Map(decodeRows(p).map((r) => [r.id, r])), truncated: p.truncated };
}

const same = (a: MapWorkOrder, b: MapWorkOrder) =>
  a.number === b.number &&
  a.title === b.title &&
  a.lon === b.lon &&
  a.lat === b.lat &&
  a.slaState === b.slaState &&
  a.status === b.status &&
  a.priority === b.priority &&
  a.assigneeId === b.assigneeId;

/**
 * A live update: `asked` ids were re-read with the map's filters; those in `p` are (re)placed, the
 * rest left the filters (cancelled, closed, reassigned away) and go. A row that did not really
 * change keeps its object, so nothing is redrawn for it.
 */
export function applyUpdate(prev: OpenWorkSnapshot, asked: readonly string[], p: OpenWorkDto): OpenWorkSnapshot {
  const rows = new Map(prev.rows);
  for (const id of asked) rows.delete(id);
  for (const r of decodeRows(p)) {
    const old = prev.rows.get(r.id);
    rows.set(r.id, old && same(old, r) ? old : r);
  }
  return { rows, truncated: prev.truncated };
}

/**
 * A full refetch (back on the map, a reconnect) keeps the row objects that did not change, and the
 * whole old snapshot when nothing did: React Query's structural sharing, for Maps of rows.
 */
export function shareRows(old: unknown, next: unknown): unknown {
  const prev = old as OpenWorkSnapshot | undefined;
  const now = next as OpenWorkSnapshot;
  if (!prev?.rows || !now?.rows) return next;
  let changed = prev.rows.size !== now.rows.size || prev.truncated !== now.truncated;
  const rows = new Map<string, MapWorkOrder>();
  for (const [id, r] of now.rows) {
    const o = prev.rows.get(id);
    const keep = o && same(o, r);
    if (!keep) changed = true;
    rows.set(id, keep ? o : r);
  }
  return changed ? { rows, truncated: now.truncated } : prev;
}

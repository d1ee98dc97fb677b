import type { Sqlite } from '../../../db/client.js';
import { storedFile } from '../../attachments/storage.js';

/**
 * Everything a jobcard shows, read in one go from a connection (the host's, or the report worker's
 * read-only one). The caller has already checked that the work order is visible to the reader.
 */

export interface JobcardData {
  wo: {
    id: string;
    number: string;
    title: string;
    description: string | null;
    status: string;
    priority: string;
    type: string;
    createdAt: number;
    plannedStart: number | null;
    plannedEnd: number | null;
    durationMin: number;
    responseDueAt: number | null;
    resolutionDueAt: number | null;
    respondedAt: number | null;
    completedAt: number | null;
    closedAt: number | null;
    cancelledAt: number | null;
    onHoldSince: number | null;
    slaPausedMs: number;
    holdReason: string | null;
    heldFromStatus: string | null;
    responseAtRiskAt: number | null;
    resolutionAtRiskAt: number | null;
    checklist: string;
    depot: string | null;
    zone: string;
    /** The depot's own locale tag, null for its zone's default (format.ts whereOf). */
    locale: string | null;
    location: string | null;
    locationCode: string | null;
    address: string | null;
    lat: number | null;
    lon: number | null;
    asset: string | null;
    assetTag: string | null;
    team: string | null;
    assignee: string | null;
  };
  orgName: string;
  events: { at: number; type: string; fromStatus: string | null; toStatus: string | null; actor: string | null; data: string | null }[];
  checklist: {
    id: string;
    label: string;
    kind: string;
    unit?: string;
    answer: unknown;
    note: string | null;
    by: string | null;
    at: number | null;
  }[];
  photos: { file: string; caption: string }[];
  signature: { file: string; signer: string | null; at: number } | null;
  approvals: { requestedAt: number; decision: string; decidedBy: string | null; decidedAt: number | null; comment: string | null }[];
  materials: { sku: string; name: string; quantity: number; unit: string; at: number; by: string | null }[];
  attendance: { kind: string; at: number; user: string | null; fence: string }[];
}

export function loadJobcard(sqlite: Sqlite, dataDir: string, orgId: string, workOrderId: string): JobcardData | null {
  const wo = sqlite
    .prepare(
      `SELECT w.id, w.number, w.title, w.description, w.status, w.priority, w.type, w.created_at AS createdAt, w.planned_start AS plannedStart,
              w.planned_end AS plannedEnd, w.duration_min AS durationMin, w.response_due_at AS responseDueAt, w.resolution_due_at AS resolutionDueAt,
              w.responded_at AS respondedAt, w.completed_at AS completedAt, w.closed_at AS closedAt, w.cancelled_at AS cancelledAt,
              w.on_hold_since AS onHoldSince, w.sla_paused_ms AS slaPausedMs, w.hold_reason AS holdReason, w.held_from_status AS heldFromStatus,
              w.response_at_risk_at AS responseAtRiskAt, w.resolution_at_risk_at AS resolutionAtRiskAt, w.checklist,
              d.name AS depot, coalesce(d.time_zone, o.time_zone) AS zone, d.locale AS locale, l.name AS location, l.code AS locationCode, l.address, l.lat, l.lon,
              a.name AS asset, a.tag AS assetTag, t.name AS team, u.name AS assignee, o.name AS orgName
         FROM work_orders w JOIN organizations o ON o.id = w.org_id
         LEFT JOIN depots d ON d.id = w.depot_id LEFT JOIN locations l ON l.id = w.location_id LEFT JOIN assets a ON a.id = w.asset_id
         LEFT JOIN teams t ON t.id = w.team_id LEFT JOIN users u ON u.id = w.assignee_id
        WHERE w.id = ? AND w.org_id = ?`,
    )
    .get(workOrderId, orgId) as (JobcardData['wo'] & { orgName: string }) | undefined;
  if (!wo) return null;
  const all = <T>(sql: string) => sqlite.prepare(sql).all(workOrderId, orgId) as T[];
  const events = all<JobcardData['events'][number]>(
    `SELECT e.at, e.type, e.from_status AS fromStatus, e.to_status AS toStatus, u.name AS actor, e.data FROM work_order_events e
      LEFT JOIN users u ON u.id = e.actor_id WHERE e.work_order_id = ? AND e.org_id = ? ORDER BY e.at, e.id`,
  );
  const answers = new Map(
    all<{ itemId: string; value: string | null; note: string | null; by: string | null; at: number }>(
      `SELECT r.item_id AS itemId, r.value, r.note, u.name AS by, r.answered_at AS at FROM checklist_results r
        LEFT JOIN users u ON u.id = r.answered_by WHERE r.work_order_id = ? AND r.org_id = ?`,
    ).map((a) => [a.itemId, a]),
  );
  const items = parseJson<{ id: string; label: string; kind: string; unit?: string }[]>(wo.checklist) ?? [];
  const checklist = items.map((i) => {
    const a = answers.get(i.id);
    return { ...i, answer: a ? parseJson(a.value) : undefined, note: a?.note ?? null, by: a?.by ?? null, at: a?.at ?? null };
  });
  const files = all<{
    kind: string;
    storageKey: string;
    displayKey: string | null;
    thumbnailKey: string | null;
    fileName: string;
    meta: string | null;
    createdAt: number;
    by: string | null;
  }>(
    `SELECT a.kind, a.storage_key AS storageKey, a.display_key AS displayKey, a.thumbnail_key AS thumbnailKey, a.file_name AS fileName, a.meta, a.created_at AS createdAt, u.name AS by
       FROM attachments a LEFT JOIN users u ON u.id = a.uploaded_by WHERE a.work_order_id = ? AND a.org_id = ? ORDER BY a.created_at, a.id`,
  );
  const photos: JobcardData['photos'] = [];
  let signature: JobcardData['signature'] = null;
  for (const f of files) {
    if (f.kind === 'photo' && (f.displayKey ?? f.thumbnailKey)) {
      // The watermarked display copy (number, time, place in the band), scaled down on the page: the
      // card shows what people see, never the raw original. The plain thumbnail has no watermark and
      // is only the fallback for photos stored before display copies existed.
      const file = storedFile(dataDir, (f.displayKey ?? f.thumbnailKey)!);
      if (file) photos.push({ file, caption: f.by ?? f.fileName });
    } else if (f.kind === 'signature') {
      const file = storedFile(dataDir, f.storageKey);
      const meta = parseJson<{ signerName?: string | null }>(f.meta);
      if (file) signature = { file, signer: meta?.signerName ?? null, at: f.createdAt };
    }
  }
  const approvals = all<JobcardData['approvals'][number]>(
    `SELECT c.requested_at AS requestedAt, c.decision, u.name AS decidedBy, c.decided_at AS decidedAt, c.comment FROM closure_approvals c
      LEFT JOIN users u ON u.id = c.decided_by WHERE c.work_order_id = ? AND c.org_id = ? ORDER BY c.requested_at, c.id`,
  );
  const materials = all<JobcardData['materials'][number]>(
    `SELECT s.sku, s.name, m.quantity, s.unit, m.used_at AS at, u.name AS by FROM material_usages m JOIN stock_items s ON s.id = m.item_id
      LEFT JOIN users u ON u.id = m.used_by WHERE m.work_order_id = ? AND m.org_id = ? ORDER BY m.used_at, m.id`,
  );
  const attendance = all<JobcardData['attendance'][number]>(
    `SELECT a.kind, a.at, u.name AS user, a.fence FROM attendance a LEFT JOIN users u ON u.id = a.user_id
      WHERE a.work_order_id = ? AND a.org_id = ? ORDER BY a.at, a.id`,
  );
  const { orgName, ...rest } = wo;
  return { wo: rest, orgName, events, checklist, photos, signature, approvals, materials, attendance };
}

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/**
 * Minutes on site: the time the work order spent in ON_SITE between arriving and completing, so
 * holds (ON_SITE → ON_HOLD → ON_SITE) are not counted. Null when it never reached ON_SITE.
 */
export function timeOnSiteMin(events: { at: number; type: string; toStatus: string | null }[], now: number): number | null {
  let since: number | null = null;
  let total = 0;
  let seen = false;
  for (const e of events) {
    if (e.type !== 'status_changed' || !e.toStatus) continue;
    if (since !== null) {
      total += e.at - since;
      since = null;
    }
    if (e.toStatus === 'ON_SITE') {
      since = e.at;
      seen = true;
    }
  }
  if (since !== null) total += now - since;
  return seen ? total / 60_000 : null;
}

/** How timeline events read in print and on the public status page, and which ones a customer may see. */

export interface TimelineEvent {
  at: number;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: string | null;
  /** The event's JSON data as stored (text). */
  data: string | null;
}

const STATUS: Record<string, string> = {
  NEW: 'New',
  SCHEDULED: 'Scheduled',
  DISPATCHED: 'Dispatched',
  EN_ROUTE: 'On the way',
  ON_SITE: 'On site',
  ON_HOLD: 'On hold',
  COMPLETED: 'Completed',
  CLOSED: 'Closed',
  CANCELLED: 'Cancelled',
};
export const statusLabel = (s: string | null) => (s ? (STATUS[s] ?? s) : '—');

function data(e: TimelineEvent): Record<string, unknown> {
  if (!e.data) return {};
  try {
    const v = JSON.parse(e.data) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** What an 'assigned' event changed (server/work-orders/service.ts assignedEventData); older events have no `change`. */
const ASSIGNED_LABEL: Record<string, string> = {
  assigned: 'Assigned',
  unassigned: 'Unassigned',
  reassigned: 'Reassigned',
  rescheduled: 'Rescheduled',
  assigned_rescheduled: 'Assigned and planned',
  reassigned_rescheduled: 'Reassigned and rescheduled',
  unchanged: 'Assignment confirmed',
};

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/**
 * Events a customer may see on a share link: the lifecycle and what was done on site. Internal
 * notes, the crew ↔ office message thread, edits, attendance reviews and telemetry stay inside.
 */
const PUBLIC_TYPES = new Set(['created', 'status_changed', 'note', 'attachment_added', 'checklist_answered']);
export function isPublicEvent(e: TimelineEvent): boolean {
  if (!PUBLIC_TYPES.has(e.type)) return false;
  if (e.type === 'note') return data(e).internal === false;
  return true;
}

export function describeEvent(e: TimelineEvent, opts: { forCustomer?: boolean } = {}): string {
  const d = data(e);
  switch (e.type) {
    case 'created':
      return 'Work order created';
    case 'status_changed': {
      const why = str(d.reason) || str(d.holdReason) || str(d.comment);
      return `${statusLabel(e.fromStatus)} → ${statusLabel(e.toStatus)}${why && !opts.forCustomer ? ` (${why})` : ''}`;
    }
    case 'note':
      return `${d.internal === true ? 'Internal note' : 'Note'}: ${str(d.body)}`;
    case 'message':
      return `Message: ${str(d.body)}`;
    case 'assigned':
      return ASSIGNED_LABEL[str(d.change)] ?? 'Assigned / planned';
    case 'checklist_answered':
      return `Checklist: ${str(d.label) || str(d.itemId)}${d.value !== undefined ? ` = ${typeof d.value === 'boolean' ? (d.value ? 'yes' : 'no') : str(d.value)}` : ''}`;
    case 'attachment_added':
      return `${str(d.kind) === 'signature' ? 'Signature' : str(d.kind) === 'photo' ? 'Photo' : 'File'} added`;
    case 'material_used':
      return `Material used: ${str(d.quantity)} × ${str(d.sku)}`;
    case 'attendance':
      return `${str(d.kind) === 'check_out' ? 'Checked out' : 'Checked in'}${str(d.fence) === 'outside' ? ' (outside the site fence)' : ''}`;
    case 'updated':
      return 'Details edited';
    default:
      return e.type.replace(/_/g, ' ');
  }
}

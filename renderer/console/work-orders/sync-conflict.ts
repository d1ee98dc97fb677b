import { STATUS_LABEL } from '../../shared/work-orders/labels';

/**
 * A `sync_conflict` event's data as the hub writes it (server/hub/sync/merge.ts): the field, the
 * move or value that lost, the value the hub kept, and the losing mutation. It arrives by sync
 * from the hub, so it is read defensively: an older or newer hub may add or leave out keys.
 */
export interface SyncConflictText {
  /** "Status change to On site was not applied" */
  lost: string;
  /** "the work order was already Cancelled" */
  because: string;
  /** The losing mutation, for support and the Sync page. */
  mutationId: string | null;
}

const FIELD_LABEL: Record<string, string> = { status: 'Status', priority: 'Priority', assignee_id: 'Assignee', team_id: 'Team' };

function valueText(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return 'empty';
  if (field === 'status' && typeof v === 'string') return STATUS_LABEL[v] ?? v;
  if (typeof v === 'object') return JSON.stringify(v).slice(0, 60);
  return String(v).slice(0, 60);
}

export function syncConflictText(data: unknown): SyncConflictText {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const field = typeof d.field === 'string' ? d.field : 'status';
  const label = FIELD_LABEL[field] ?? field.replace(/_/g, ' ');
  // A status intent loses as {from, to}; a plain field as the value itself.
  const losing = d.losing && typeof d.losing === 'object' && 'to' in d.losing ? (d.losing as { to: unknown }).to : d.losing;
  const lost = losing === undefined ? `${label} change was not applied` : `${label} change to ${valueText(field, losing)} was not applied`;
  const kept = valueText(field, d.kept);
  const because =
    d.kept === undefined || d.kept === null
      ? 'the work order had already changed at the hub'
      : field === 'status'
        ? `the work order was already ${kept} when the change reached the hub`
        : `the hub kept ${kept}, set by a later change`;
  return { lost, because, mutationId: typeof d.mutationId === 'string' ? d.mutationId : null };
}

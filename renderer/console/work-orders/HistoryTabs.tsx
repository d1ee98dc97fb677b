import { useQuery } from '@tanstack/react-query';
import { useLookups } from '../../shared/catalog/queries';
import { STATUS_LABEL } from '../../shared/work-orders/labels';
import { workOrderQueries, type WorkOrderDto, type WorkOrderEventDto } from '../../shared/work-orders/queries';
import { syncConflictText } from './sync-conflict';
import { useDepotFormat } from '../../shared/locale/context';
import type { DepotFormat } from '../../shared/locale/format';

type Lookups = ReturnType<typeof useLookups>;

function timeOf(v: unknown, fmt: DepotFormat): string {
  return typeof v === 'number' ? fmt.dateTime(v) : typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? fmt.dateTime(v) : '';
}

/** A short plain sentence for each kind of event. */
function describe(e: WorkOrderEventDto, lookups: Lookups, fmt: DepotFormat): React.ReactNode {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const person = (id: unknown) => (typeof id === 'string' ? (lookups.users.get(id)?.name ?? '…') : 'nobody');
  const team = (id: unknown) => (typeof id === 'string' ? (lookups.teams.get(id)?.name ?? '…') : 'no team');
  switch (e.type) {
    case 'created':
      return <>Created {d.number ? <b>{String(d.number)}</b> : null}</>;
    case 'status_changed':
      return (
        <>
          <span className="wo-status-pill">{STATUS_LABEL[e.fromStatus ?? ''] ?? e.fromStatus}</span> →{' '}
          <span className="wo-status-pill">{STATUS_LABEL[e.toStatus ?? ''] ?? e.toStatus}</span>
          {typeof d.reason === 'string' && <span className="muted"> — {d.reason}</span>}
          {typeof d.note === 'string' && <span className="muted"> — {d.note}</span>}
        </>
      );
    case 'assigned': {
      const previous = (d.previous ?? {}) as Record<string, unknown>;
      // A time move says so (older events carry no `change` and read as before).
      if (d.change === 'rescheduled')
        return (
          <>
            Rescheduled{' '}
            <span className="muted">
              {previous.plannedStart ? `from ${timeOf(previous.plannedStart, fmt)} ` : ''}to{' '}
              {d.plannedStart ? timeOf(d.plannedStart, fmt) : 'no time'}
              {d.plannedEnd ? `–${timeOf(d.plannedEnd, fmt)}` : ''}
            </span>
          </>
        );
      return (
        <>
          {d.change === 'reassigned' || d.change === 'reassigned_rescheduled' ? 'Reassigned' : 'Assigned'} to <b>{person(d.assigneeId)}</b>{' '}
          ({team(d.teamId)})
          {d.plannedStart ? (
            <span className="muted">
              {' '}
              · planned {timeOf(d.plannedStart, fmt)}
              {d.plannedEnd ? `–${timeOf(d.plannedEnd, fmt)}` : ''}
            </span>
          ) : null}
        </>
      );
    }
    case 'updated': {
      const changed = Object.keys((d.changed ?? {}) as object);
      return <>Edited {changed.join(', ')}</>;
    }
    case 'checklist_answered':
      return (
        <>
          Checklist “{String(d.label ?? d.itemId)}”: <b>{d.value === true ? 'yes' : d.value === false ? 'no' : String(d.value)}</b>
        </>
      );
    case 'material_used':
      return (
        <>
          Used {String(d.quantity)} × {String(d.sku)}
        </>
      );
    case 'closure_approved':
      return <>Closure approved{typeof d.comment === 'string' && d.comment ? <span className="muted"> — {d.comment}</span> : null}</>;
    case 'closure_rejected':
      return (
        <>
          Closure rejected<span className="muted"> — {String(d.comment ?? '')}</span>
        </>
      );
    case 'sync_conflict': {
      // Written by the hub when a move made at some depot no longer applied: the lost move is shown,
      // never silently dropped (docs/sync.md, merge rules).
      const c = syncConflictText(e.data);
      return (
        <span title={c.mutationId ? `Change ${c.mutationId}` : undefined} data-testid="wo-sync-conflict">
          <span className="wo-conflict-tag">Sync conflict</span> {c.lost}: {c.because}.
        </span>
      );
    }
    default:
      return <>{e.type.replace(/_/g, ' ')}</>;
  }
}

export function TimelineTab({ wo }: { wo: WorkOrderDto }) {
  const fmt = useDepotFormat();
  const lookups = useLookups();
  const events = useQuery(workOrderQueries.events(wo.id));
  const items = [...(events.data?.items ?? [])].reverse();
  return (
    <div className="wo-tab" data-testid="wo-timeline">
      <ol className="wo-timeline">
        {items.map((e) => (
          <li key={e.id} className={`ev-${e.type}`} data-testid="wo-event">
            <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>
            <span className="wo-ev-text">{describe(e, lookups, fmt)}</span>
            <span className="muted small">{e.actorName ?? 'system'}</span>
          </li>
        ))}
      </ol>
      {events.data && !items.length && <div className="muted">Nothing yet.</div>}
    </div>
  );
}

const HIDDEN_FIELDS = new Set(['id', 'orgId', 'version', 'updatedAt', 'createdAt', 'priorityRank', 'seq', 'hlc']);

function show(v: unknown, fmt: DepotFormat): string {
  if (v === null || v === undefined || v === '') return '∅';
  if (typeof v === 'object') return JSON.stringify(v).slice(0, 80);
  const t = timeOf(v, fmt);
  return t && typeof v === 'number' && v > 1e12 ? t : String(v).slice(0, 80);
}

const ENTITY_LABEL: Record<string, string> = {
  work_orders: 'Work order',
  closure_approvals: 'Closure approval',
  checklist_results: 'Checklist answer',
  material_usages: 'Material use',
  attachments: 'Attachment',
};
const VERB: Record<string, string> = { insert: 'created', update: 'changed', delete: 'removed' };

/** "work_orders.update" → "Work order changed". */
function actionText(entity: string, action: string): string {
  const verb = action.split('.').at(-1) ?? action;
  return `${ENTITY_LABEL[entity] ?? entity.replace(/_/g, ' ')} ${VERB[verb] ?? verb.replace(/_/g, ' ')}`;
}

/** Field-by-field before → after of each audit record (only what changed). */
export function AuditTab({ wo }: { wo: WorkOrderDto }) {
  const fmt = useDepotFormat();
  const lookups = useLookups();
  const audit = useQuery(workOrderQueries.audit(wo.id));
  const items = [...(audit.data?.items ?? [])].reverse();
  const nameOf = (key: string, v: unknown) =>
    typeof v === 'string' && /Id$|By$/.test(key)
      ? (lookups.users.get(v)?.name ?? lookups.teams.get(v)?.name ?? lookups.locations.get(v)?.name ?? show(v, fmt))
      : show(v, fmt);
  return (
    <div className="wo-tab" data-testid="wo-audit">
      {items.map((a) => {
        const before = (a.before ?? {}) as Record<string, unknown>;
        const after = (a.after ?? {}) as Record<string, unknown>;
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
          (k) => !HIDDEN_FIELDS.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
        );
        const created = !a.before;
        return (
          <div key={a.id} className="wo-audit" data-testid="wo-audit-entry">
            <div className="wo-audit-head">
              <b title={a.action}>{actionText(a.entity, a.action)}</b>
              <span className="spacer" />
              <span className="muted small">
                {a.actorName ?? 'system'} · {fmt.dateTime(a.at)}
              </span>
            </div>
            {!created && keys.length > 0 && (
              <table className="wo-diff">
                <tbody>
                  {keys.slice(0, 12).map((k) => (
                    <tr key={k}>
                      <th>{k}</th>
                      <td className="before">{nameOf(k, before[k])}</td>
                      <td className="arrow">→</td>
                      <td className="after">{nameOf(k, after[k])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {created && (
              <div className="wo-audit-created">
                {Object.entries(after)
                  .filter(([k, v]) => !HIDDEN_FIELDS.has(k) && !/^(workOrderId|orgId)$/.test(k) && v !== null && v !== '')
                  .slice(0, 5)
                  .map(([k, v]) => `${k}: ${nameOf(k, v)}`)
                  .join(' · ')}
              </div>
            )}
          </div>
        );
      })}
      {audit.data && !items.length && <div className="muted">No audit records.</div>}
    </div>
  );
}

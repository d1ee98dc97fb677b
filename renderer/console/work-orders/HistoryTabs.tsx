import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useLookups } from '../catalog/queries';
import { formatTime, STATUS_LABEL } from './labels';
import { workOrderQueries, type AttachmentDto, type WorkOrderDto, type WorkOrderEventDto } from './queries';
import { useEscapeToClose } from '../../ui/useEscape';

type Lookups = ReturnType<typeof useLookups>;

function timeOf(v: unknown): string {
  return typeof v === 'number' ? formatTime(new Date(v).toISOString()) : typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? formatTime(v) : '';
}

/** A short plain sentence for each kind of event. */
function describe(e: WorkOrderEventDto, lookups: Lookups): React.ReactNode {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const person = (id: unknown) => (typeof id === 'string' ? (lookups.users.get(id)?.name ?? '…') : 'nobody');
  const team = (id: unknown) => (typeof id === 'string' ? (lookups.teams.get(id)?.name ?? '…') : 'no team');
  switch (e.type) {
    case 'created':
      return <>Created {d.number ? <b>{String(d.number)}</b> : null}</>;
    case 'status_changed':
      return (
        <>
          <span className="wo-status-pill">{STATUS_LABEL[e.fromStatus ?? ''] ?? e.fromStatus}</span> → <span className="wo-status-pill">{STATUS_LABEL[e.toStatus ?? ''] ?? e.toStatus}</span>
          {typeof d.reason === 'string' && <span className="muted"> — {d.reason}</span>}
          {typeof d.note === 'string' && <span className="muted"> — {d.note}</span>}
        </>
      );
    case 'assigned':
      return (
        <>
          Assigned to <b>{person(d.assigneeId)}</b> ({team(d.teamId)})
          {d.plannedStart ? <span className="muted"> · planned {timeOf(d.plannedStart)}{d.plannedEnd ? `–${timeOf(d.plannedEnd)}` : ''}</span> : null}
        </>
      );
    case 'updated': {
      const changed = Object.keys((d.changed ?? {}) as object);
      return <>Edited {changed.join(', ')}</>;
    }
    case 'checklist_answered':
      return <>Checklist “{String(d.label ?? d.itemId)}”: <b>{d.value === true ? 'yes' : d.value === false ? 'no' : String(d.value)}</b></>;
    case 'material_used':
      return <>Used {String(d.quantity)} × {String(d.sku)}</>;
    case 'closure_approved':
      return <>Closure approved{typeof d.comment === 'string' && d.comment ? <span className="muted"> — {d.comment}</span> : null}</>;
    case 'closure_rejected':
      return <>Closure rejected<span className="muted"> — {String(d.comment ?? '')}</span></>;
    default:
      return <>{e.type.replace(/_/g, ' ')}</>;
  }
}

export function TimelineTab({ wo }: { wo: WorkOrderDto }) {
  const lookups = useLookups();
  const events = useQuery(workOrderQueries.events(wo.id));
  const items = [...(events.data?.items ?? [])].reverse();
  return (
    <div className="wo-tab" data-testid="wo-timeline">
      <ol className="wo-timeline">
        {items.map((e) => (
          <li key={e.id} className={`ev-${e.type}`} data-testid="wo-event">
            <time dateTime={e.at}>{formatTime(e.at)}</time>
            <span className="wo-ev-text">{describe(e, lookups)}</span>
            <span className="muted small">{e.actorName ?? 'system'}</span>
          </li>
        ))}
      </ol>
      {events.data && !items.length && <div className="muted">Nothing yet.</div>}
    </div>
  );
}

const HIDDEN_FIELDS = new Set(['id', 'orgId', 'version', 'updatedAt', 'createdAt', 'priorityRank', 'seq', 'hlc']);

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '∅';
  if (typeof v === 'object') return JSON.stringify(v).slice(0, 80);
  const t = timeOf(v);
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
  const lookups = useLookups();
  const audit = useQuery(workOrderQueries.audit(wo.id));
  const items = [...(audit.data?.items ?? [])].reverse();
  const nameOf = (key: string, v: unknown) =>
    typeof v === 'string' && /Id$|By$/.test(key) ? (lookups.users.get(v)?.name ?? lookups.teams.get(v)?.name ?? lookups.locations.get(v)?.name ?? show(v)) : show(v);
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
              <span className="muted small">{a.actorName ?? 'system'} · {formatTime(a.at)}</span>
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

function Thumb({ a, onOpen }: { a: AttachmentDto; onOpen(): void }) {
  const thumb = useQuery({ ...workOrderQueries.file(a.id, 'thumbnail'), enabled: a.hasThumbnail });
  return (
    <button type="button" className="wo-thumb" onClick={onOpen} title={`${a.fileName} · ${(a.sizeBytes / 1024).toFixed(0)} KB`} data-testid="wo-attachment">
      {a.hasThumbnail && thumb.data ? <img src={thumb.data} alt={a.fileName} /> : <span className="wo-file-icon">{a.kind === 'signature' ? '✍' : a.mimeType.split('/')[1]?.slice(0, 4).toUpperCase() ?? 'FILE'}</span>}
      <span className="wo-thumb-name">{a.fileName}</span>
    </button>
  );
}

function Lightbox({ a, onClose }: { a: AttachmentDto; onClose(): void }) {
  const file = useQuery(workOrderQueries.file(a.id, 'content'));
  useEscapeToClose(onClose);
  const image = a.mimeType.startsWith('image/');
  return (
    <div className="wo-lightbox" role="dialog" aria-label={a.fileName} onClick={onClose} data-testid="wo-lightbox">
      <div className="wo-lightbox-body" onClick={(e) => e.stopPropagation()}>
        {file.isError && <div className="form-error">{file.error.message}</div>}
        {file.data && image && <img src={file.data} alt={a.fileName} />}
        {file.data && !image && (
          <a href={file.data} download={a.fileName}>Download {a.fileName}</a>
        )}
        <div className="wo-lightbox-cap">
          <span>{a.fileName}</span>
          <span className="muted">{a.uploadedByName ?? ''} · {formatTime(a.createdAt)}</span>
          <button onClick={onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}

export function AttachmentsTab({ wo }: { wo: WorkOrderDto }) {
  const attachments = useQuery(workOrderQueries.attachments(wo.id));
  const [open, setOpen] = useState<AttachmentDto | null>(null);
  const items = attachments.data?.items ?? [];
  return (
    <div className="wo-tab" data-testid="wo-attachments">
      {attachments.data && !items.length && <div className="muted">No photos or documents yet. Crews add them from the field.</div>}
      <div className="wo-thumbs">
        {items.map((a) => <Thumb key={a.id} a={a} onOpen={() => setOpen(a)} />)}
      </div>
      {open && <Lightbox a={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

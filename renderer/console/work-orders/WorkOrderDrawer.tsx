import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { onLiveMessage } from '../../shared/api/live';
import { useSession } from '../../shared/api/session';
import { useLookups } from '../../shared/catalog/queries';
import { DetailsTab, useLastActor } from './DetailsTab';
import { ChecklistTab, MaterialsTab } from './FieldTabs';
import { isTyping } from './form-utils';
import { AuditTab, TimelineTab } from './HistoryTabs';
import { Gallery } from './Gallery';
import { MessagesTab } from './MessagesTab';
import { FieldLogTab } from './FieldLogTab';
import { fieldQueries } from '../../shared/work-orders/field-queries';
import { SLA_LABEL, STATUS_LABEL } from '../../shared/work-orders/labels';
import { workOrderQueries } from '../../shared/work-orders/queries';
import { SlaClocks } from './SlaClocks';
import { CrewSuggestions } from './CrewSuggestions';
import { ClosurePanel, StatusActions } from './StatusActions';
import { ShareButton } from '../share/ShareDialog';
import './work-orders.css';

type Tab = 'details' | 'checklist' | 'materials' | 'files' | 'messages' | 'field' | 'timeline' | 'audit';

/**
 * The audit log is not among the tables a change message names, so a message that touches this
 * work order (its row, answers, approvals, materials) refreshes the audit trail here.
 */
function useAuditRefresh(id: string) {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      onLiveMessage((m) => {
        if (
          m.data.changes?.some((c) => c.id === id) ||
          (m.data.tables ?? []).some((t) => ['checklist_results', 'closure_approvals', 'material_usages', 'attachments'].includes(t))
        ) {
          void queryClient.invalidateQueries({ queryKey: workOrderQueries.audit(id).queryKey });
        }
      }),
    [id, queryClient],
  );
}

/** The work order over any view (route "?wo=<id>"): facts, SLA clocks, actions and history. */
export function WorkOrderDrawer({ id, onClose }: { id: string; onClose(): void }) {
  const session = useSession();
  const lookups = useLookups();
  const detail = useQuery(workOrderQueries.detail(id));
  const checklist = useQuery(workOrderQueries.checklist(id));
  const attachments = useQuery(workOrderQueries.attachments(id));
  const messages = useQuery(fieldQueries.messages(id));
  const lastActor = useLastActor(id);
  const [tab, setTab] = useState<Tab>('details');
  const [editing, setEditing] = useState(false);
  const [shownId, setShownId] = useState(id);
  if (shownId !== id) {
    // Another work order opened in the same drawer: start fresh.
    setShownId(id);
    setEditing(false);
    setTab('details');
  }
  useAuditRefresh(id);
  const wo = detail.data;
  const canEdit = session.can('workorder:update');

  // "e" edits, when not typing.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'e' && canEdit && wo && !['CLOSED', 'CANCELLED'].includes(wo.status)) {
        e.preventDefault();
        setTab('details');
        setEditing(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canEdit, wo]);

  const tabs: { id: Tab; label: string; count?: number | string }[] = [
    { id: 'details', label: 'Details' },
    {
      id: 'checklist',
      label: 'Checklist',
      count: checklist.data?.items.length
        ? `${checklist.data.items.filter((r) => r.answer).length}/${checklist.data.items.length}`
        : undefined,
    },
    { id: 'materials', label: 'Materials' },
    { id: 'files', label: 'Files', count: attachments.data?.items.length || undefined },
    { id: 'messages', label: 'Messages', count: messages.data?.items.length || undefined },
    { id: 'field', label: 'Notes' },
    { id: 'timeline', label: 'Timeline' },
    ...(session.can('audit:read') ? [{ id: 'audit' as const, label: 'Audit' }] : []),
  ];

  return (
    <aside
      className="drawer wo-drawer"
      data-testid="wo-drawer"
      data-id={id}
      data-state={wo ? 'ready' : detail.isError ? 'error' : 'loading'}
      aria-label="Work order"
    >
      {detail.isError && (
        <div className="pad">
          <div className="wo-drawer-top">
            <span className="spacer" />
            <button className="wo-close" onClick={onClose} aria-label="Close">
              ×
            </button>
          </div>
          <div className="form-error">{detail.error.message}</div>
        </div>
      )}
      {!wo && !detail.isError && <div className="pad muted">Loading…</div>}
      {wo && (
        <>
          <header className="wo-head">
            <div className="wo-drawer-top">
              <span className="wo-number" data-testid="wo-number">
                {wo.number}
              </span>
              <span className={`badge wo-status wo-status-${wo.status}`} data-testid="wo-status">
                {STATUS_LABEL[wo.status]}
              </span>
              <span className={`badge prio-${wo.priority}`}>{wo.priority}</span>
              {wo.slaState && (
                <span className={`badge sla-${wo.slaState}`} data-testid="wo-sla">
                  {SLA_LABEL[wo.slaState]}
                </span>
              )}
              <span className="spacer" />
              <ShareButton wo={wo} />
              <span className="muted small" title="Version (ETag)">
                v{wo.version}
              </span>
              <button className="wo-close" onClick={onClose} aria-label="Close (Esc)" title="Close (Esc)">
                ×
              </button>
            </div>
            <h2 className="wo-title" data-testid="wo-title">
              {wo.title}
            </h2>
            <div className="wo-sub muted">
              <span className="cap">{wo.type}</span>
              {wo.locationId && <> · {lookups.locations.get(wo.locationId)?.name ?? '…'}</>}
              {' · '}
              {wo.assigneeId ? (lookups.users.get(wo.assigneeId)?.name ?? '…') : 'Unassigned'}
              {wo.teamId && <> ({lookups.teams.get(wo.teamId)?.name ?? '…'})</>}
            </div>
            <StatusActions wo={wo} />
            <ClosurePanel wo={wo} />
          </header>
          <SlaClocks wo={wo} />
          {(wo.status === 'NEW' || wo.status === 'SCHEDULED') && session.can('workorder:assign') && <CrewSuggestions wo={wo} />}
          <nav className="wo-tabs" role="tablist">
            {tabs.map((t) => (
              <button
                key={t.id}
                role="tab"
                aria-selected={tab === t.id}
                className={tab === t.id ? 'active' : ''}
                onClick={() => setTab(t.id)}
                data-testid={`wo-tab-${t.id}`}
              >
                {t.label}
                {t.count !== undefined && <span className="wo-tab-count">{t.count}</span>}
              </button>
            ))}
          </nav>
          {tab === 'details' && <DetailsTab wo={wo} editing={editing} setEditing={setEditing} lastActor={lastActor} />}
          {tab === 'checklist' && <ChecklistTab wo={wo} />}
          {tab === 'materials' && <MaterialsTab wo={wo} />}
          {tab === 'files' && <Gallery wo={wo} />}
          {tab === 'messages' && <MessagesTab wo={wo} />}
          {tab === 'field' && <FieldLogTab wo={wo} />}
          {tab === 'timeline' && <TimelineTab wo={wo} />}
          {tab === 'audit' && <AuditTab wo={wo} />}
        </>
      )}
    </aside>
  );
}

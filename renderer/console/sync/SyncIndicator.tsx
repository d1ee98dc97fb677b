import { useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../../shared/api/session';
import { onLiveMessage } from '../../shared/api/live';

import { useNow } from '../../ui/useNow';
import { routeHref } from '../shell/router';
import { applyLiveSyncStatus, syncKeys, syncQueries, type SyncStatusDto } from './queries';
import { ago, issuesText, retryOverdue, syncBadge, transportText } from './status-label';
import './sync.css';
import { useDepotFormat } from '../../shared/locale/context';

/**
 * The header's sync badge: whether this depot's work is reaching the organization's hub, at a
 * glance, with the details one click away. Hidden from non-admins while the depot is not enrolled
 * (nothing to say to them); muted "Not synced" for admins, who can act on it.
 */
export function SyncIndicator() {
  const session = useSession();
  const qc = useQueryClient();
  useEffect(() => onLiveMessage((m) => applyLiveSyncStatus(qc, m)), [qc]);
  const status = useQuery({ ...syncQueries.status(), enabled: session.can('workorder:read') });
  const admin = session.can('sync:manage');
  const s = status.data;
  if (!s || (!s.enrolled && !admin)) return null;
  return <Badge s={s} admin={admin} />;
}

function Badge({ s, admin }: { s: SyncStatusDto; admin: boolean }) {
  const fmt = useDepotFormat();
  const qc = useQueryClient();
  // A retry countdown ticks by the second; "2 min ago" needs only a slow clock.
  const now = useNow(s.phase === 'offline' && s.nextAttemptAt ? 1000 : 15_000);
  const badge = syncBadge(s, now);
  // While a retry is overdue (it may be waiting on a slow hub), ask again every 2 s, not every tick.
  const overdueSlot = retryOverdue(s, now) ? Math.floor(now / 2000) : null;
  useEffect(() => {
    if (overdueSlot !== null) void qc.invalidateQueries({ queryKey: syncKeys.status });
  }, [overdueSlot, qc]);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        // The popover is the topmost layer: Esc closes it and not the work order drawer below.
        e.stopPropagation();
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey, true);
    };
  }, [open]);
  const issues = issuesText(s);
  const pending = `${fmt.number(badge.pending)} change${badge.pending === 1 ? '' : 's'} waiting for the hub`;
  return (
    <div className="sync-ind" ref={root}>
      <button
        type="button"
        className={`sync-badge sync-${badge.tone}`}
        aria-expanded={open}
        aria-controls="sync-popover"
        aria-label={`Sync: ${badge.label}${badge.pending ? `, ${pending}` : ''}${issues ? `, ${issues}` : ''}`}
        title={[badge.label, badge.pending ? pending : '', issues].filter(Boolean).join(' · ')}
        onClick={() => setOpen((o) => !o)}
        data-testid="sync-indicator"
        data-phase={s.phase}
        data-tone={badge.tone}
      >
        <span className="sync-dot" aria-hidden />
        <span data-testid="sync-label" data-label={badge.label}>
          {badge.short}
        </span>
        {/* Counts as bare numbers: the top bar is full at desktop width; the name and popover say what they count. */}
        {badge.pending > 0 && (
          <span className="sync-count" data-testid="sync-pending" data-count={badge.pending}>
            ↑{fmt.number(badge.pending)}
          </span>
        )}
        {badge.issues > 0 && (
          <span className="sync-count sync-count-issue" data-testid="sync-issues" data-text={issues}>
            ⚠ {badge.issues}
          </span>
        )}
      </button>
      {open && (
        <div id="sync-popover" className="sync-pop" role="dialog" aria-labelledby="sync-pop-title" data-testid="sync-popover">
          <h2 id="sync-pop-title" className={`sync-pop-title sync-${badge.tone}`} data-testid="sync-pop-title">
            <span className="sync-dot" aria-hidden />
            {badge.label}
          </h2>
          <SyncFacts s={s} now={now} />
          {admin && (
            <a
              className="sync-pop-link"
              href={routeHref({ view: 'settings', tab: 'sync' })}
              onClick={() => setOpen(false)}
              data-testid="sync-open-page"
            >
              {s.enrolled ? 'Open Sync settings' : 'Join the organization’s hub…'}
            </a>
          )}
        </div>
      )}
    </div>
  );
}

/** Where and when: shared by the popover and the Sync page (which adds its own rows as children). */
export function SyncFacts({ s, now, children }: { s: SyncStatusDto; now: number; children?: React.ReactNode }) {
  const fmt = useDepotFormat();
  const when = (iso: string | null) => (iso ? `${fmt.dateTime(iso)} (${ago(iso, now)})` : 'never');
  if (!s.enrolled)
    return (
      <p className="sync-facts-none" data-testid="sync-facts">
        This depot works on its own: nothing is sent to or received from an organization hub.
      </p>
    );
  return (
    <dl className="sync-facts" data-testid="sync-facts">
      <dt>Hub</dt>
      <dd>
        <code data-testid="sync-hub-url">{s.hubUrl}</code>
      </dd>
      <dt>Last push</dt>
      <dd data-testid="sync-last-push">{when(s.lastPushAt)}</dd>
      <dt>Last pull</dt>
      <dd data-testid="sync-last-pull">{when(s.lastPullAt)}</dd>
      <dt>Connection</dt>
      <dd data-testid="sync-transport">{transportText(s)}</dd>
      <dt>Pending</dt>
      <dd>{s.pending === 0 ? 'Nothing waiting' : `${fmt.number(s.pending)} change${s.pending === 1 ? '' : 's'} waiting for the hub`}</dd>
      {(s.refusals > 0 || s.conflicts > 0) && (
        <>
          <dt>To review</dt>
          <dd>{issuesText(s)}</dd>
        </>
      )}
      {s.lastError && (
        <>
          <dt>Last error</dt>
          <dd className="sync-error" data-testid="sync-last-error">
            {s.lastError}
          </dd>
        </>
      )}
      {children}
    </dl>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

import { useNow } from '../../ui/useNow';
import { FormError, SidePanel } from '../admin/forms';
import { useToasts } from '../shell/toasts';
import { EnrolForm } from './EnrolForm';
import { syncActions, syncQueries, type SyncStatusDto } from './queries';
import { SyncFacts } from './SyncIndicator';
import { SyncRefusals } from './SyncRefusals';
import { driftText, heldText, inTime, syncBadge } from './status-label';
import './sync.css';
import { useDepotFormat } from '../../shared/locale/context';
import type { DepotFormat } from '../../shared/locale/format';

type Confirm = 'resnapshot' | 'leave';

/**
 * Settings → Sync (admins): join the organization's hub, or, once joined, see how sync is doing
 * and steer it (sync now, pause, re-snapshot, leave) and clear what the hub refused.
 */
export function SyncTab({ toolbar }: { toolbar: ReactNode }) {
  const status = useQuery(syncQueries.status());
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const s = status.data;
  return (
    <div
      className="adm-view"
      data-testid="admin-settings"
      data-tab="sync"
      data-state={status.isPending ? 'loading' : 'ready'}
      data-enrolled={s ? String(s.enrolled) : undefined}
    >
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        {s?.enrolled && <Actions s={s} onConfirm={setConfirm} />}
      </div>
      <div className="adm-body">
        <div className="sync-page">
          <FormError error={status.error} />
          {s && !s.enrolled && <EnrolForm />}
          {s?.enrolled && <Enrolled s={s} />}
          {s && (s.enrolled || s.refusals + s.conflicts > 0) && <SyncRefusals />}
        </div>
        {confirm && s?.enrolled && <ConfirmPanel key={confirm} kind={confirm} s={s} onClose={() => setConfirm(null)} />}
      </div>
    </div>
  );
}

function Enrolled({ s }: { s: SyncStatusDto }) {
  const fmt = useDepotFormat();
  const now = useNow(s.phase === 'offline' ? 1000 : 15_000);
  const badge = syncBadge(s, now);
  return (
    <section className="sync-status" aria-labelledby="sync-status-title" data-testid="sync-status" data-phase={s.phase}>
      <h3 id="sync-status-title">
        <span className={`sync-badge sync-${badge.tone} sync-badge-static`} data-testid="sync-page-label">
          <span className="sync-dot" aria-hidden />
          {badge.label}
        </span>
      </h3>
      <SyncFacts s={s} now={now}>
        <dt>Hub org</dt>
        <dd>
          <code>{s.hubOrgId ?? '—'}</code>
        </dd>
        <dt>Hub version</dt>
        <dd title="How far this depot has applied the organization's changes">{fmt.number(s.pullCursor)}</dd>
        {s.phase === 'offline' && (
          <>
            <dt>Next attempt</dt>
            <dd>{s.nextAttemptAt ? `${fmt.dateTime(s.nextAttemptAt)} (${inTime(s.nextAttemptAt, now)})` : 'soon'}</dd>
          </>
        )}
      </SyncFacts>
      {s.drift && (
        <p className={s.drift.mismatched.length ? 'sync-held' : 'sync-drift'} data-testid="sync-drift">
          Drift check {fmt.dateTime(s.drift.checkedAt)}: {driftText(s.drift, fmt.number)}
        </p>
      )}
      {s.held.entries > 0 && (
        <p className="sync-held" role="status" data-testid="sync-held">
          {heldText(s.held, fmt.number)}
        </p>
      )}
      {s.phase === 'revoked' && (
        <p className="form-error" role="alert" data-testid="sync-revoked">
          The hub no longer accepts this depot’s credential (it was revoked, or the depot was removed from the organization). Leave the hub,
          then join again with a new enrolment code.
        </p>
      )}
    </section>
  );
}

function Actions({ s, onConfirm }: { s: SyncStatusDto; onConfirm(kind: Confirm): void }) {
  const qc = useQueryClient();
  const toasts = useToasts();
  const run = useMutation({
    mutationFn: (act: 'now' | 'drift' | 'pause' | 'resume') => syncActions[act](qc),
    onSuccess: (next, act) => {
      if (act === 'now')
        toasts.push(
          next.lastError
            ? { kind: 'error', text: `Sync did not complete: ${next.lastError}` }
            : { kind: 'success', text: 'Synced with the hub' },
        );
    },
    onError: toasts.error,
  });
  const busy = run.isPending;
  return (
    <>
      <button
        className="primary"
        disabled={busy || s.paused || s.phase === 'revoked'}
        onClick={() => run.mutate('now')}
        data-testid="sync-now"
        title={s.paused ? 'Resume sync first' : 'Push and pull once now'}
      >
        {busy && run.variables === 'now' ? 'Syncing…' : 'Sync now'}
      </button>
      <button
        disabled={busy || s.paused || s.phase === 'revoked'}
        onClick={() => run.mutate('drift')}
        data-testid="sync-drift-check"
        title="Compare this depot's rows with the hub's now and fetch any that are missing here (runs hourly on its own)"
      >
        {busy && run.variables === 'drift' ? 'Checking…' : 'Check rows'}
      </button>
      {s.paused ? (
        <button disabled={busy} onClick={() => run.mutate('resume')} data-testid="sync-resume">
          Resume
        </button>
      ) : (
        <button disabled={busy} onClick={() => run.mutate('pause')} data-testid="sync-pause">
          Pause
        </button>
      )}
      <button disabled={busy} onClick={() => onConfirm('resnapshot')} data-testid="sync-resnapshot">
        Re-snapshot…
      </button>
      <button disabled={busy} onClick={() => onConfirm('leave')} data-testid="sync-leave">
        Leave hub…
      </button>
    </>
  );
}

const CONFIRM: Record<Confirm, { title: string; button: string; body(s: SyncStatusDto, fmt: DepotFormat): ReactNode }> = {
  resnapshot: {
    title: 'Download a fresh copy from the hub?',
    button: 'Re-snapshot',
    body: () => (
      <>
        <p>
          The depot downloads the organization’s current data from the hub again from the start, and applies it over its copy of the synced
          data. Use it when this depot looks out of step with the others.
        </p>
        <p>
          Nothing this depot has not sent yet is lost: its pending changes stay and are still sent. The depot keeps working while the copy
          downloads; on a large organization this can take a few minutes.
        </p>
      </>
    ),
  },
  leave: {
    title: 'Leave the organization’s hub?',
    button: 'Leave hub',
    body: (s, fmt) => (
      <>
        <p>
          The depot <b>keeps all its data</b> and keeps working on its own. It <b>stops syncing</b>: its changes no longer go to the hub and
          other depots’ changes no longer arrive here.
        </p>
        {s.pending > 0 && (
          <p data-testid="sync-leave-pending">
            <b>{fmt.number(s.pending)}</b> change{s.pending === 1 ? '' : 's'} of this depot never reached the hub and will not unless it
            joins again.
          </p>
        )}
        <p>The hub stops accepting this depot’s credential. Joining again needs a new enrolment code from a hub admin.</p>
      </>
    ),
  },
};

function ConfirmPanel({ kind, s, onClose }: { kind: Confirm; s: SyncStatusDto; onClose(): void }) {
  const fmt = useDepotFormat();
  const qc = useQueryClient();
  const toasts = useToasts();
  const text = CONFIRM[kind];
  const act = useMutation({
    mutationFn: () => (kind === 'leave' ? syncActions.leave(qc) : syncActions.resnapshot(qc)),
    onSuccess: () => {
      toasts.push({ kind: 'success', text: kind === 'leave' ? 'This depot left the hub' : 'A fresh copy is on its way from the hub' });
      onClose();
    },
  });
  return (
    <SidePanel
      title={text.title}
      onClose={onClose}
      testId={`sync-confirm-${kind}`}
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={act.isPending} onClick={() => act.mutate()} data-testid="sync-confirm-button">
            {text.button}
          </button>
        </>
      }
    >
      <div className="adm-audit">{text.body(s, fmt)}</div>
      <FormError error={act.error} />
    </SidePanel>
  );
}

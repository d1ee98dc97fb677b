import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { onLiveMessage } from '../../shared/api/live';
import { useDepotFormat } from '../../shared/locale/context';
import { useToasts } from '../shell/toasts';
import { FormError } from './forms';
import { jobQueries, useRedrive, type JobDto } from './jobs-queries';

/**
 * Settings → Jobs (admins): background jobs of this depot that need a person. Dead ones ran out of
 * attempts and wait here with their last error until re-driven; failing ones are still being retried
 * and show when they try next.
 */
export function JobsTab({ toolbar }: { toolbar: ReactNode }) {
  const qc = useQueryClient();
  const dead = useQuery(jobQueries.list('dead'));
  const failing = useQuery(jobQueries.list('failed'));
  const pending = dead.isPending || failing.isPending;

  useEffect(
    () =>
      onLiveMessage((m) => {
        if ((m.data.tables ?? []).includes('jobs')) void qc.invalidateQueries({ queryKey: jobQueries.all() });
      }),
    [qc],
  );

  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="jobs" data-state={pending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        <span className="muted" data-testid="jobs-counts">
          {dead.data?.items.length ?? 0} dead · {failing.data?.items.length ?? 0} retrying
        </span>
      </div>
      <div className="adm-body">
        <div className="table-wrap adm-jobs">
          <FormError error={dead.error ?? failing.error} shown={[]} />
          <h3>Dead-lettered</h3>
          <p className="muted">
            These jobs ran out of attempts and will not run again on their own. Fix what the error names (a mail relay, a full disk), then
            re-drive them.
          </p>
          <JobTable rows={dead.data?.items ?? []} testid="jobs-dead" empty="No dead jobs." redrive />
          <h3>Retrying</h3>
          <JobTable rows={failing.data?.items ?? []} testid="jobs-failed" empty="Nothing is being retried." />
        </div>
      </div>
    </div>
  );
}

function JobTable({ rows, testid, empty, redrive = false }: { rows: JobDto[]; testid: string; empty: string; redrive?: boolean }) {
  const fmt = useDepotFormat();
  const toasts = useToasts();
  const send = useRedrive();
  return (
    <table className="grid" data-testid={testid}>
      <thead>
        <tr>
          <th>Kind</th>
          <th>Error</th>
          <th>Attempts</th>
          <th>{redrive ? 'Gave up' : 'Next try'}</th>
          {redrive && <th />}
        </tr>
      </thead>
      <tbody>
        {rows.map((job) => (
          <tr key={job.id} data-testid="job-row" data-id={job.id} data-state={job.state}>
            <td title={job.key}>
              <b>{job.kind}</b>
            </td>
            <td className="adm-field-error" data-testid="job-error">
              {job.lastError ?? '—'}
            </td>
            <td className="num">
              {job.attempts} / {job.maxAttempts}
            </td>
            <td>{fmt.dateTime(redrive ? (job.finishedAt ?? job.updatedAt) : job.runAt)}</td>
            {redrive && (
              <td className="num">
                <button
                  disabled={send.isPending && send.variables === job.id}
                  data-testid="job-redrive"
                  onClick={() =>
                    send.mutate(job.id, {
                      onSuccess: () => toasts.push({ kind: 'success', text: `${job.kind} job queued again` }),
                      onError: toasts.error,
                    })
                  }
                >
                  {send.isPending && send.variables === job.id ? 'Re-driving…' : 'Re-drive'}
                </button>
              </td>
            )}
          </tr>
        ))}
        {rows.length === 0 && (
          <tr>
            <td colSpan={redrive ? 5 : 4} className="muted" data-testid={`${testid}-empty`}>
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

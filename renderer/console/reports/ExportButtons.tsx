import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getBlob } from '../../shared/api/client';
import { onLiveMessage } from '../../shared/api/live';
import { useToasts } from '../shell/toasts';
import { cancelJob, reportQueries, startJob, type KpiParams } from './queries';
import { saveWithPlatform } from './save';

const KINDS = [
  { kind: 'kpi-pdf', label: 'PDF report' },
  { kind: 'workbook', label: 'Excel workbook' },
] as const;

/** Starts an export job for the shown period and filters; shows its progress, Cancel, then the download. */
export function ExportButtons({ params }: { params: KpiParams }) {
  const toasts = useToasts();
  const [jobId, setJobId] = useState<string | null>(null);
  const start = async (kind: (typeof KINDS)[number]['kind']) => {
    try {
      setJobId((await startJob(kind, params)).id);
    } catch (err) {
      toasts.error(err);
    }
  };
  return (
    <div className="rep-export">
      {KINDS.map((k) => (
        <button key={k.kind} onClick={() => void start(k.kind)} data-testid={`export-${k.kind}`}>
          {k.label}
        </button>
      ))}
      {jobId && <JobProgress id={jobId} onDismiss={() => setJobId(null)} />}
    </div>
  );
}

function JobProgress({ id, onDismiss }: { id: string; onDismiss(): void }) {
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const job = useQuery(reportQueries.job(id));
  useEffect(
    () =>
      onLiveMessage((m) => {
        if (m.type === 'report_job' && m.data.id === id) void queryClient.invalidateQueries({ queryKey: ['report_runs', id] });
      }),
    [id, queryClient],
  );
  const j = job.data;
  const download = async () => {
    try {
      await saveWithPlatform(getBlob(`/reports/jobs/${id}/file`), j?.fileName ?? 'report');
    } catch (err) {
      toasts.error(err);
    }
  };
  if (!j) return <span className="muted small">Starting…</span>;
  const running = j.state === 'queued' || j.state === 'running';
  return (
    <span className="rep-job" data-testid="export-job" data-state={j.state}>
      {running && (
        <>
          <progress max={1} value={j.progress} />
          <span className="small muted">{j.message ?? j.state}</span>
          <button className="link" onClick={() => void cancelJob(id).catch(toasts.error)}>
            Cancel
          </button>
        </>
      )}
      {j.state === 'done' && (
        <button className="link" onClick={() => void download()} data-testid="export-download">
          Download {j.fileName}
        </button>
      )}
      {(j.state === 'failed' || j.state === 'cancelled') && (
        <span className={j.state === 'failed' ? 'rep-bad small' : 'muted small'}>
          {j.state === 'failed' ? `Failed: ${j.message ?? ''}` : 'Cancelled'}
        </span>
      )}
      {!running && (
        <button className="link small" onClick={onDismiss} aria-label="Dismiss">
          ✕
        </button>
      )}
    </span>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useToasts } from '../shell/toasts';

import { FormError, SidePanel } from './forms';
import { backUpNow, backupQueries, restoreBackup, waitForRestart, type BackupItemDto } from './backup-queries';
import { useDepotFormat } from '../../shared/locale/context';
import type { DepotFormat } from '../../shared/locale/format';
import { TableNote } from '../../ui/TableNote';

const KIND: Record<BackupItemDto['kind'], string> = { daily: 'Daily', weekly: 'Weekly', quit: 'On quit', manual: 'Manual' };

// Seconds shown: two backups in the same minute (nightly, then "Back up now") must be told apart.
const stamp = (fmt: DepotFormat, iso: string) => `${fmt.date(iso)}, ${fmt.time(iso, true)}`;

function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * Settings → Backups (admins): the backup sets in the backup folder, "Back up now", and a restore
 * that replaces the depot's data with a set and restarts the host; the console then reloads and
 * the restored sessions decide whether the admin must sign in again.
 */
export function BackupsTab({ toolbar }: { toolbar: ReactNode }) {
  const fmt = useDepotFormat();
  const qc = useQueryClient();
  const toasts = useToasts();
  const list = useQuery(backupQueries.list());
  const [confirming, setConfirming] = useState<BackupItemDto | null>(null);
  const now = useMutation({
    mutationFn: backUpNow,
    onSuccess: (b) => {
      toasts.push({
        kind: b.integrity.ok ? 'success' : 'error',
        text: b.integrity.ok ? `Backup ${b.id} written and checked` : `Backup ${b.id} failed its integrity check`,
      });
      void qc.invalidateQueries({ queryKey: ['backups'] });
    },
    onError: () => void qc.invalidateQueries({ queryKey: ['backups'] }),
  });
  const status = list.data?.status;
  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="backups" data-state={list.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        <button className="primary" disabled={now.isPending || status?.running} onClick={() => now.mutate()} data-testid="backup-now">
          {now.isPending || status?.running ? 'Backing up…' : 'Back up now'}
        </button>
      </div>
      <div className="adm-body">
        <div className="adm-backups">
          {status && (
            <dl className="adm-backup-status" data-testid="backup-status">
              <dt>Backup folder</dt>
              <dd>
                <code data-testid="backup-dir">{status.dir}</code>
              </dd>
              <dt>Schedule</dt>
              <dd>
                {status.scheduled
                  ? `Nightly at 02:00 and when DepotDesk quits; next ${fmt.dateTime(status.nextNightlyAt)}. Kept: 7 daily, 4 weekly.`
                  : 'Off (started with --no-backups): only manual backups.'}
              </dd>
              <dt>Node epoch</dt>
              <dd data-testid="backup-epoch" data-epoch={status.epoch}>
                {status.epoch}
                {status.lastRestore && (
                  <span className="muted">
                    {' '}
                    · restored {fmt.dateTime(status.lastRestore.at)} from {status.lastRestore.from}
                  </span>
                )}
              </dd>
              <dt>Node id</dt>
              <dd>
                <code data-testid="backup-node-id">{status.nodeId}</code>
              </dd>
              {status.lastError && (
                <>
                  <dt>Last error</dt>
                  <dd className="adm-backup-error" role="alert" data-testid="backup-error">
                    {fmt.dateTime(status.lastError.at)}: {status.lastError.message}
                  </dd>
                </>
              )}
            </dl>
          )}
          <FormError error={now.error ?? list.error} shown={[]} />
          <div className="table-wrap">
            <table className="grid" data-testid="backups-table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Kind</th>
                  <th className="num">Size</th>
                  <th className="num">Attachments</th>
                  <th>Integrity</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {(list.data?.items ?? []).map((b) => (
                  <tr key={b.id} data-testid="backup-row" data-id={b.id}>
                    <td>{stamp(fmt, b.createdAt)}</td>
                    <td>{KIND[b.kind]}</td>
                    <td className="num">{size(b.sizeBytes)}</td>
                    <td className="num">{fmt.number(b.attachmentFiles)}</td>
                    <td>
                      <span
                        className={`badge ${b.integrity.ok ? 'sla-ok' : 'sla-breached'}`}
                        title={b.integrity.messages.join('\n')}
                        data-testid="backup-integrity"
                      >
                        {b.integrity.ok ? 'ok' : 'failed'}
                      </span>
                    </td>
                    <td>
                      <button disabled={!b.integrity.ok} onClick={() => setConfirming(b)} data-testid="backup-restore">
                        Restore…
                      </button>
                    </td>
                  </tr>
                ))}
                {list.data?.items.length === 0 && <TableNote span={6}>No backups in this folder yet.</TableNote>}
              </tbody>
            </table>
          </div>
        </div>
        {confirming && (
          <ConfirmRestore key={confirming.id} backup={confirming} bootId={status?.bootId ?? ''} onClose={() => setConfirming(null)} />
        )}
      </div>
    </div>
  );
}

function ConfirmRestore({ backup, bootId, onClose }: { backup: BackupItemDto; bootId: string; onClose(): void }) {
  const fmt = useDepotFormat();
  const [phase, setPhase] = useState<'ask' | 'restarting'>('ask');
  const restore = useMutation({
    mutationFn: async () => {
      await restoreBackup(backup.id);
      setPhase('restarting');
      await waitForRestart(bootId);
      // A fresh page: every query, the live socket and the session start over against the restored data.
      location.reload();
    },
  });
  return (
    <SidePanel
      title="Restore this backup?"
      onClose={onClose}
      testId="restore-confirm"
      footer={
        phase === 'ask' && (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={restore.isPending} onClick={() => restore.mutate()} data-testid="restore-confirm-button">
              Restore and restart
            </button>
          </>
        )
      }
    >
      {phase === 'ask' ? (
        <div className="adm-audit">
          <p>
            The depot's data goes back to the <b>{KIND[backup.kind].toLowerCase()}</b> backup of <b>{stamp(fmt, backup.createdAt)}</b>.
          </p>
          <p>
            Everything written since then leaves the live depot: the current database and attachments are kept aside in the data folder
            (renamed, not deleted). The host restarts; crews and dispatchers reconnect, and anyone whose sign-in is newer than the backup
            signs in again.
          </p>
        </div>
      ) : (
        <p className="adm-audit" data-testid="restore-progress" role="status">
          Restoring… the depot host is restarting. This page reloads when it is back.
        </p>
      )}
      <FormError error={restore.error} shown={[]} />
    </SidePanel>
  );
}

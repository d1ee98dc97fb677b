import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { BackupItem, BackupList, RestoreAccepted } from '../../../server/backups/contract';
import { api, ApiError } from '../../shared/api/client';

export type BackupItemDto = z.infer<typeof BackupItem>;
export type BackupListDto = z.infer<typeof BackupList>;

export const backupQueries = {
  /** Not a table the socket announces: refreshed after each action and every minute (the nightly run). */
  list: () => queryOptions({ queryKey: ['backups', 'list'], queryFn: () => api.get<BackupListDto>('/backups'), refetchInterval: 60_000 }),
};

export const backUpNow = () => api.post<BackupItemDto>('/backups');

export const restoreBackup = (id: string) =>
  api.post<z.infer<typeof RestoreAccepted>>(`/backups/${encodeURIComponent(id)}/restore`, { confirm: true });

/**
 * Resolves once the host answers again after a restore's restart: a new boot id, or 401 when the
 * restored sessions do not know this token (then the console signs in again). Connection errors
 * while it restarts are expected and waited out.
 */
export async function waitForRestart(
  oldBootId: string,
  opts: { intervalMs?: number; timeoutMs?: number } = {},
): Promise<'restarted' | 'signed-out'> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    try {
      const list = await api.get<BackupListDto>('/backups');
      if (list.status.bootId !== oldBootId) return 'restarted';
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return 'signed-out';
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
  throw new Error('The depot host did not come back within two minutes. Check that it is running.');
}

import path from 'node:path';
import { z } from 'zod';
import type { Host } from '../core/context.js';
import { AppError } from '../errors.js';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import { BackupId, BackupItem, BackupList, RestoreAccepted, RestoreRequest } from './contract.js';
import { inspectDepotDatabase, NotRestorableError } from './inspect.js';
import type { Manifest } from './layout.js';
import { SET_DB } from './layout.js';
import { startBackups, type BackupService } from './service.js';
import type { Services } from '../services.js';
import type { Config } from '../config.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function toItem(m: Manifest): z.infer<typeof BackupItem> {
  return {
    id: m.id,
    kind: m.kind,
    createdAt: iso(m.createdAt),
    sizeBytes: m.dbBytes + m.attachmentBytes,
    durationMs: m.durationMs,
    attachmentFiles: m.attachmentFiles,
    integrity: m.integrity,
    epoch: m.epoch,
  };
}

/**
 * The host's backup service; an app built without server/start.ts (tests, tools) gets one on first
 * use with no schedule and no restart hook, so manual backups work wherever the API does.
 */
function service(services: Services, host: Host, config: Config): BackupService {
  return (services.backups ??= startBackups(host, { dir: config.backupDir ?? null, scheduled: false }));
}

export const backupRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/backups',
    tag: 'Backups',
    access: 'backup:manage',
    summary: 'Backup sets in the backup folder (newest first), the folder, the schedule and the last error',
    response: BackupList,
    handler: ({ host, config, services }) => {
      const s = service(services, host, config);
      const next = s.nextNightlyAt();
      const restore = s.lastRestore();
      return {
        status: {
          dir: s.dir,
          scheduled: s.settings.scheduled,
          running: s.running,
          nextNightlyAt: next === null ? null : iso(next),
          lastError: s.lastError ? { at: iso(s.lastError.at), message: s.lastError.message } : null,
          epoch: host.epoch,
          nodeId: host.depotId,
          bootId: s.bootId,
          lastRestore: restore ? { ...restore, at: iso(restore.at) } : null,
        },
        items: s.list().map(toItem),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/backups',
    tag: 'Backups',
    access: 'backup:manage',
    summary: 'Back up now: an online copy of the database and the attachments, checked with integrity_check',
    response: BackupItem,
    errors: [503],
    handler: async ({ host, config, services }) => {
      try {
        return toItem(await service(services, host, config).backUp('manual'));
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new AppError(503, 'backup_failed', (err as Error).message);
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/backups/:id/restore',
    tag: 'Backups',
    access: 'backup:manage',
    summary:
      'Restore a backup set: the host answers 202, closes the database, swaps in the backup (the current one is kept aside) and restarts on the same port',
    params: z.object({ id: BackupId }),
    body: RestoreRequest,
    status: 202,
    response: RestoreAccepted,
    errors: [409, 422],
    // Replaying a stored answer after the database was swapped would be meaningless: never stored.
    idempotent: false,
    handler: ({ host, config, services, params, res }) => {
      const s = service(services, host, config);
      if (!s.canRestore)
        throw new AppError(
          409,
          'restore_unavailable',
          'This host cannot restart itself; stop it and run `npm run restore -- --from <backup folder>`.',
        );
      const dir = s.setDir(params.id);
      if (!dir) throw new AppError(404, 'not_found', `There is no backup ${params.id} in ${s.dir}.`);
      try {
        // Checked before answering, so a damaged set is refused here and the host keeps running.
        inspectDepotDatabase(path.join(dir, SET_DB));
      } catch (err) {
        if (err instanceof NotRestorableError) throw new AppError(422, 'backup_not_restorable', err.message);
        throw err;
      }
      // After the 202 is on the wire: the restart closes every connection, this one included.
      res.once('finish', () => s.requestRestore(dir));
      return new Reply(202, { restoring: params.id, restarting: true as const, bootId: s.bootId });
    },
  }),
];

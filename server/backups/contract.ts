import { z } from 'zod';

export const BackupKind = z.enum(['daily', 'weekly', 'quit', 'manual']).meta({ id: 'BackupKind' });

export const BackupId = z
  .string()
  .regex(/^\d{8}-\d{6}(?:-\d{1,3})?-(?:daily|weekly|quit|manual)$/, 'not a backup id')
  .meta({ example: '20261116-020000-daily' });

export const BackupItem = z
  .object({
    id: BackupId,
    kind: BackupKind,
    createdAt: z.iso.datetime(),
    /** Database copy plus attachments, in bytes. */
    sizeBytes: z.number().int().nonnegative(),
    durationMs: z.number().int().nonnegative(),
    attachmentFiles: z.number().int().nonnegative(),
    /** PRAGMA integrity_check on the written copy: ok, or SQLite's first complaints. */
    integrity: z.object({ ok: z.boolean(), messages: z.array(z.string()) }),
    epoch: z.number().int().positive(),
  })
  .meta({ id: 'BackupItem' });

export const BackupStatus = z
  .object({
    /** Where backup sets are written (a folder, a USB drive, a network share). */
    dir: z.string(),
    /** Nightly and on-quit backups on; manual backups work either way. */
    scheduled: z.boolean(),
    running: z.boolean(),
    nextNightlyAt: z.iso.datetime().nullable(),
    lastError: z.object({ at: z.iso.datetime(), message: z.string() }).nullable(),
    /** The database's node epoch; a restore, a database put back by hand or a copied data dir starts a new one. */
    epoch: z.number().int().positive(),
    /** This depot's node id in the change log (a copied data dir gets a new one: server/core/node-state.ts). */
    nodeId: z.string(),
    /** Changes on every start of the host: the console watches it to know a restore's restart finished. */
    bootId: z.string(),
    lastRestore: z.object({ at: z.iso.datetime(), from: z.string(), epoch: z.number().int() }).nullable(),
  })
  .meta({ id: 'BackupStatus' });

export const BackupList = z.object({ status: BackupStatus, items: z.array(BackupItem) }).meta({ id: 'BackupList' });

export const RestoreRequest = z.object({
  /** The console asks "are you sure?" first; the API insists on it too, so a stray POST cannot replace the depot's data. */
  confirm: z.literal(true),
});

export const RestoreAccepted = z.object({ restoring: BackupId, restarting: z.literal(true), bootId: z.string() });

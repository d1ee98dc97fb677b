import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Host } from '../core/context.js';
import { LIVE_DB, LAST_RESTORE_KEY } from './restore.js';
import { listSets, removePartials, type BackupKindName, type Manifest } from './layout.js';
import { nightlyKind, setsToDelete } from './rotation.js';
import { writeBackupSet } from './write.js';

export interface BackupSettings {
  /** Where sets go; null means the default `<dataDir>/backups`. */
  dir: string | null;
  /** Nightly and on-quit backups (manual ones always work). */
  scheduled: boolean;
  /** Local hour of the nightly backup, in the depot's time zone. */
  nightlyHour?: number;
}

export interface BackupHooks {
  /** Set by the process that can restart the host (server/backups/supervise.ts); without it, restores are refused. */
  onRestore?: (setDir: string) => void;
  /** Test seam passed to writeBackupSet. */
  beforeCheck?: (file: string) => void;
}

const CHECK_EVERY_MS = 60_000;
/** After a failed scheduled backup (drive unplugged), wait this long before trying again, not every minute. */
const RETRY_AFTER_FAILURE_MS = 15 * 60_000;

export function defaultBackupDir(dataDir: string): string {
  return path.join(dataDir, 'backups');
}

/**
 * Scheduled and manual backups of one host. Backups run one at a time; a failure is logged, kept
 * as `lastError` for the admin screen and never thrown out of the scheduler (a missing USB drive
 * must not take the depot down).
 */
export class BackupService {
  readonly bootId = randomUUID();
  readonly dir: string;
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private runningNow = 0;
  private lastFailureAt: number | null = null;
  lastError: { at: number; message: string } | null = null;

  constructor(
    private readonly host: Host,
    readonly settings: BackupSettings,
    private readonly hooks: BackupHooks = {},
  ) {
    this.dir = settings.dir ?? defaultBackupDir(host.dataDir);
    this.startedAt = host.clock.now();
  }

  get canRestore(): boolean {
    return Boolean(this.hooks.onRestore);
  }

  get running(): boolean {
    return this.runningNow > 0;
  }

  start(): this {
    const removed = removePartials(this.dir);
    if (removed.length) this.host.log.warn({ dir: this.dir, removed }, 'removed unfinished backup sets left by an interrupted backup');
    if (this.settings.scheduled) {
      void this.tick();
      this.timer = setInterval(() => void this.tick(), CHECK_EVERY_MS);
      this.timer.unref();
    }
    return this;
  }

  list(): Manifest[] {
    return listSets(this.dir);
  }

  /** Runs the nightly backup when one is due (also catches up a night the desk PC was switched off). */
  tick(): Promise<Manifest | null> {
    const now = this.host.clock.now();
    if (!this.settings.scheduled || this.running) return Promise.resolve(null);
    if (this.lastFailureAt !== null && now - this.lastFailureAt < RETRY_AFTER_FAILURE_MS) return Promise.resolve(null);
    if (lastBoundary(now, this.zone(), this.hour) <= this.anchor()) return Promise.resolve(null);
    return this.backUp(nightlyKind(this.list(), now)).catch(() => null);
  }

  /** When the next nightly backup will run (now, when one is overdue). */
  nextNightlyAt(): number | null {
    if (!this.settings.scheduled) return null;
    const now = this.host.clock.now();
    const last = lastBoundary(now, this.zone(), this.hour);
    return last > this.anchor() ? now : DateTime.fromMillis(last, { zone: this.zone() }).plus({ days: 1 }).toMillis();
  }

  /** Writes a set now (queued behind a running one), then rotates. Rejects with a readable message. */
  backUp(kind: BackupKindName): Promise<Manifest> {
    this.runningNow += 1;
    const run = this.chain.then(async () => {
      try {
        const manifest = await writeBackupSet({
          dbFile: path.join(this.host.dataDir, LIVE_DB),
          dataDir: this.host.dataDir,
          backupDir: this.dir,
          createParents: this.settings.dir === null,
          kind,
          now: () => this.host.clock.now(),
          beforeCheck: this.hooks.beforeCheck,
        });
        if (manifest.integrity.ok) {
          this.lastError = null;
          this.lastFailureAt = null;
          this.host.log.info(
            { id: manifest.id, dir: this.dir, ms: manifest.durationMs, bytes: manifest.dbBytes + manifest.attachmentBytes },
            'backup written and checked',
          );
        } else {
          this.recordError(`Backup ${manifest.id} failed its integrity check: ${manifest.integrity.messages.slice(0, 3).join('; ')}`);
        }
        this.rotate();
        return manifest;
      } catch (err) {
        this.recordError(`Backup to ${this.dir} failed: ${(err as Error).message}`);
        throw err;
      } finally {
        this.runningNow -= 1;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  recordError(message: string): void {
    const at = this.host.clock.now();
    this.lastError = { at, message };
    this.lastFailureAt = at;
    this.host.log.error({ dir: this.dir }, message);
  }

  /** The restore the host's last start recorded (a restore writes it into the restored database). */
  lastRestore(): { at: number; from: string; epoch: number } | null {
    const raw = this.host.sqlite.prepare('SELECT value FROM host_settings WHERE key = ?').pluck().get(LAST_RESTORE_KEY) as
      string | undefined;
    if (!raw) return null;
    const v = JSON.parse(raw) as { at?: unknown; from?: unknown; epoch?: unknown };
    return typeof v.at === 'number' && typeof v.from === 'string' && typeof v.epoch === 'number'
      ? { at: v.at, from: v.from, epoch: v.epoch }
      : null;
  }

  /** The folder of a listed set, or null. The id was validated by the route's schema (no path tricks). */
  setDir(id: string): string | null {
    const dir = path.join(this.dir, id);
    return this.list().some((m) => m.id === id) && fs.existsSync(dir) ? dir : null;
  }

  /** Hands the restore to the restarting process; call after the 202 has been sent. */
  requestRestore(setDir: string): void {
    if (!this.hooks.onRestore) throw new Error('this host cannot restart itself');
    this.host.log.warn({ from: setDir }, 'restore requested from the console: the host restarts');
    this.hooks.onRestore(setDir);
  }

  /** Stops the schedule; waits for a running backup, then writes the on-quit set when scheduled. */
  async close(opts: { quitBackup: boolean }): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
    if (opts.quitBackup && this.settings.scheduled) await this.backUp('quit').catch(() => undefined);
  }

  private get hour(): number {
    return this.settings.nightlyHour ?? 2;
  }

  private rotate(): void {
    for (const id of setsToDelete(this.list())) {
      try {
        fs.rmSync(path.join(this.dir, id), { recursive: true, force: true });
        this.host.log.info({ id }, 'old backup set removed (rotation)');
      } catch (err) {
        this.host.log.warn({ err, id }, 'could not remove an old backup set');
      }
    }
  }

  /** The newest nightly set, else the newest of any kind, else this start: what "already backed up tonight" is measured from. */
  private anchor(): number {
    const sets = this.list();
    const nightly = sets.find((s) => s.kind === 'daily' || s.kind === 'weekly');
    return (nightly ?? sets[0])?.createdAt ?? this.startedAt;
  }

  /** "02:00" is the depot's 02:00: the organization's time zone, else this PC's. */
  private zone(): string {
    const tz = this.host.sqlite.prepare('SELECT time_zone FROM organizations ORDER BY created_at LIMIT 1').pluck().get() as
      string | undefined;
    return tz && DateTime.local().setZone(tz).isValid ? tz : DateTime.local().zoneName;
  }
}

/** The latest `hour`:00 local time at or before `now`. */
export function lastBoundary(now: number, zone: string, hour: number): number {
  let d = DateTime.fromMillis(now, { zone }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  if (d.toMillis() > now) d = d.minus({ days: 1 });
  return d.toMillis();
}

/** Starts the host's backups (server/start.ts keeps them on its services object for the routes). */
export function startBackups(host: Host, settings: BackupSettings, hooks: BackupHooks = {}): BackupService {
  return new BackupService(host, settings, hooks).start();
}

import { EventEmitter } from 'node:events';
import type { Config } from '../config.js';
import type { RunningHost, StartOptions } from '../start.js';
import { restoreBackup, type RestoreReport } from './restore.js';

type StartFn = (config: Config, opts: StartOptions) => Promise<RunningHost>;

export interface SupervisedHost {
  /** The host now serving; a new object after each restore. */
  readonly current: RunningHost;
  /** `restored` (report) or `restore-failed` (error, host restarted on its old data) after each restart; `restart-failed` if it could not start again. */
  readonly events: EventEmitter<{ restored: [RestoreReport]; 'restore-failed': [Error]; 'restart-failed': [Error] }>;
  stop(opts?: { quitBackup?: boolean }): Promise<void>;
}

/**
 * Runs the host so that a restore from the console can restart it in this same process: stop
 * (HTTP, sockets, database closed), swap in the backup, start again on the same port. The console
 * then finds a host with a new boot id and signs in against the restored sessions. Used by
 * server/start.ts main() for the headless host and Electron's utility process alike.
 */
export async function superviseHost(config: Config, start: StartFn, opts: StartOptions = {}): Promise<SupervisedHost> {
  const events: SupervisedHost['events'] = new EventEmitter();
  let restarting = false;
  const startOpts: StartOptions = { ...opts, onRestore: (from) => void restart(from) };
  let current = await start(config, startOpts);

  async function restart(from: string): Promise<void> {
    if (restarting) return;
    restarting = true;
    const old = current;
    const log = old.host.log;
    try {
      await old.stop({ quitBackup: false });
      let report: RestoreReport | null = null;
      let failure: Error | null = null;
      try {
        report = await restoreBackup({ dataDir: config.dataDir, from, now: () => old.host.clock.now() });
      } catch (err) {
        failure = err as Error;
      }
      // Port 0 (tests) must come back on the port clients already know.
      current = await start({ ...config, port: old.port }, startOpts);
      if (report) {
        current.host.log.warn({ ...report }, `restored ${report.from}; node epoch is now ${report.epoch.now}`);
        events.emit('restored', report);
      } else {
        const message = `Restore from ${from} failed; the host restarted on its previous data: ${failure?.message}`;
        current.services.backups?.recordError(message);
        events.emit('restore-failed', failure ?? new Error(message));
      }
    } catch (err) {
      log.fatal({ err }, 'the host could not start again after a restore');
      events.emit('restart-failed', err as Error);
    } finally {
      restarting = false;
    }
  }

  return {
    get current() {
      return current;
    },
    events,
    stop: (o) => current.stop(o),
  };
}

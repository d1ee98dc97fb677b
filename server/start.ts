import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type pino from 'pino';
import type { DestinationStream } from 'pino';
import { createLogger } from './core/logger.js';
import { buildApp } from './app.js';
import { deskHostAllowed, deskHostNames, deskOriginAllowed, guardHost } from './http/host-guard.js';
import { loadConfig, type Config } from './config.js';
import { createHost } from './host.js';
import { attachRealtime } from './realtime/hub.js';
import type { Clock } from './core/clock.js';
import { pruneExpired } from './http/idempotency.js';
import { pruneFinishedJobs } from './jobs/service.js';
import { compactAll } from './sync/compaction.js';
import { answerClientError } from './http/client-error.js';
import { ensureCertificate } from './lan/certificate.js';
import { startLanListener, type LanListener } from './lan/listener.js';
import { setupCodeFor } from './auth/setup-code.js';
import { ReportScheduler } from './reports/schedules/scheduler.js';
import { MaintenanceGenerator } from './maintenance/generator.js';
import { createServices, type Services } from './services.js';
import { SyncRuntime } from './sync/runtime.js';
import { startBackups } from './backups/service.js';
import { superviseHost } from './backups/supervise.js';
import { idleSource, startTelemetry, type TelemetryService } from './telemetry/runtime.js';
import type { TelemetrySource } from './telemetry/types.js';

export interface RunningHost {
  url: string;
  port: number;
  host: ReturnType<typeof createHost>;
  config: Config;
  /** The crew HTTPS listener; null with --no-lan or when its port could not be opened (logged). */
  lan: (LanListener & { fingerprint: string }) | null;
  /** Why the crew port is not served, for the start-up banner; null when it is. */
  lanProblem: string | null;
  /** The one-time first-run setup code while the depot is not set up (server/auth/setup-code.ts). */
  setupCode: string | null;
  telemetry: TelemetryService;
  /** What the routes are given (server/services.ts); the restore supervisor records errors on its backups. */
  services: Services;
  /** `quitBackup: false` skips the on-quit backup (a restore's restart: the database is about to be replaced anyway). */
  stop(opts?: { quitBackup?: boolean }): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  quiet?: boolean;
  /** The serial side (device manager); ignored with --no-serial. */
  telemetrySource?: TelemetrySource;
  /** Restarts the host on a backup (server/backups/supervise.ts); without it the restore route refuses. */
  onRestore?: (setDir: string) => void;
  /** Where log lines go (default stdout); tests capture the log text here. */
  logDestination?: DestinationStream;
}

/** Starts the depot host: database, HTTP API, WebSocket hub. Used headless and by Electron's utility process. */
export async function startHost(config: Config, opts: StartOptions = {}): Promise<RunningHost> {
  const startedAt = performance.now();
  // Secrets (share, pairing and setup codes, tokens) are masked in every line: server/core/redact.ts.
  const log = createLogger({
    level: opts.quiet ? 'silent' : config.logLevel,
    ...(opts.logDestination ? { destination: opts.logDestination } : {}),
  });
  const host = createHost({
    dataDir: config.dataDir,
    log,
    hlcMaxDriftMs: config.hlcMaxDriftMs,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const source = config.serial ? (opts.telemetrySource ?? (await serialSource(log))) : idleSource();
  // Made before telemetry so meter plans hear of stored readings; started (first run) with the scheduler below.
  const maintenance = new MaintenanceGenerator(host);
  const telemetry = startTelemetry(host, source, { serial: config.serial }, maintenance);
  const services = createServices(host);
  services.telemetry = telemetry;
  services.maintenance = maintenance;
  const app = buildApp(host, config, services);
  const allowHost = deskHostAllowed(deskHostNames(config.host));
  const server = http.createServer(guardHost(allowHost, app));
  server.on('clientError', answerClientError);
  const realtime = attachRealtime(server, host, { allowHost, allowOrigin: deskOriginAllowed(allowHost) });
  // Sync with the organization's hub, if this depot joined one; idle (and cheap) otherwise. After a
  // restore it first asks the hub which requests the restore lost, before any phone can resend one.
  const sync = new SyncRuntime(host, { log });
  await sync.reconcileBeforeServing();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  let lan: RunningHost['lan'] = null;
  let lanProblem: string | null = config.lan ? null : 'crew LAN access off (--no-lan)';
  if (config.lan) {
    // The desk keeps working without the crew port (e.g. 4443 already taken), so a failure here is
    // logged and shown in the banner instead of stopping the host.
    try {
      const tls = await ensureCertificate(config.dataDir);
      for (const action of tls.actions) log.info({ dir: tls.dir }, `TLS: ${action}`);
      lan = { ...(await startLanListener({ app, host, tls, port: config.lanPort })), fingerprint: tls.fingerprint };
    } catch (err) {
      lanProblem = `crew LAN port ${config.lanPort} not served: ${err instanceof Error ? err.message : String(err)}`;
      log.error({ err }, lanProblem);
    }
  }
  services.lan = { crewUrl: lan?.crewUrl ?? null, origins: lan?.origins ?? [], fingerprint: lan?.fingerprint ?? null, problem: lanProblem };
  // Hourly: stored idempotent answers past 24 h, done jobs past 30 days, and change rows the hub acknowledged (mutation
  // headers stay for the replay horizon, so a crew action sent again after days is still recognised).
  let stopping = false;
  let housekeepingRun: Promise<void> | null = null;
  const housekeep = async () => {
    try {
      pruneExpired(host);
      pruneFinishedJobs(host);
      const pruned = await compactAll(host, { replayHorizonDays: config.replayHorizonDays, stopped: () => stopping });
      if (pruned.changes + pruned.mutations > 0) log.info(pruned, 'compacted acknowledged mutations');
    } catch (err) {
      log.error({ err }, 'housekeeping failed; it runs again in an hour');
    }
  };
  const housekeeping = setInterval(() => {
    housekeepingRun ??= housekeep().finally(() => (housekeepingRun = null));
  }, 3_600_000);
  housekeeping.unref();
  // Durable jobs: picks up what a previous run left (queued, or running when it was killed) at once.
  services.jobs.start();
  // Scheduled reports: catches up periods missed while the host was off, then checks every minute.
  services.scheduler = new ReportScheduler(host, () => services.reportJobs).start();
  // Preventive maintenance: generates work orders up to each plan's horizon now, then every 15 minutes.
  maintenance.start();
  // Nightly (catching up a night the PC was off) and on-quit backups, rotated; see server/backups/.
  const backups = (services.backups = startBackups(
    host,
    { dir: config.backupDir ?? null, scheduled: config.backups },
    opts.onRestore ? { onRestore: opts.onRestore } : {},
  ));
  services.sync = sync.start();
  log.info({ url, dataDir: config.dataDir, startupMs: Math.round(performance.now() - startedAt) }, 'depot host ready');
  return {
    url,
    port,
    host,
    config,
    lan,
    lanProblem,
    setupCode: setupCodeFor(host),
    telemetry,
    services,
    async stop(stopOpts = {}) {
      clearInterval(housekeeping);
      stopping = true;
      await housekeepingRun;
      await lan?.close();
      realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // After HTTP stops (no new config changes), before the database closes (queued frames are written).
      await telemetry.close();
      services.telemetry = null;
      // The scheduler, then the report job pool and the KPI worker.
      await services.close();
      // The last batch is committed first, so the on-quit backup holds every acknowledged write.
      host.commits.flush();
      await backups.close({ quitBackup: stopOpts.quitBackup ?? true });
      host.close();
    },
  };
}

/**
 * The serial side: sensors and GPS receivers on this PC's ports. Loaded lazily so a native module
 * that fails to load (a wrong ABI after an upgrade) costs the depot its sensors, not its host.
 */
async function serialSource(log: pino.Logger): Promise<TelemetrySource> {
  try {
    const [{ SerialPort }, { DeviceManager }] = await Promise.all([import('serialport'), import('./telemetry/io/device-manager.js')]);
    return new DeviceManager({ portClass: SerialPort, onListenerError: (err) => log.error({ err }, 'telemetry listener failed') });
  } catch (err) {
    log.error({ err }, 'serial ports unavailable: telemetry devices will not be read');
    return idleSource();
  }
}

/** Tells a parent (Electron utilityProcess or a forked test) that the host is listening. */
function signalReady(message: { type: 'ready'; url: string; port: number; setupCode?: string }): void {
  const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void } }).parentPort;
  parentPort?.postMessage(message);
  process.send?.(message);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  // A restore from the console restarts the host in this process, on the same port (supervise.ts).
  const supervised = await superviseHost(config, startHost);
  supervised.events.on('restart-failed', () => process.exit(1));
  const running = supervised.current;
  const lan = running.lan
    ? `crew LAN: ${running.lan.crewUrl}  (certificate SHA-256 ${running.lan.fingerprint})`
    : (running.lanProblem ?? 'crew LAN not served');
  // The setup code goes to this terminal (whoever started the host is at the desk) and to the parent
  // process, never into the JSON log: it makes whoever holds it the depot's admin.
  const consoleUrl = running.setupCode ? `${running.url}/#setup=${running.setupCode}` : `${running.url}/`;
  const firstRun = running.setupCode
    ? '\n  first run: open the console address above to set up this depot (its one-time setup code works only from this machine)'
    : '';
  console.log(
    `DepotDesk depot host listening on ${running.url}\n  console:  ${consoleUrl}\n  API docs: ${running.url}/api/docs\n  data:     ${config.dataDir}\n  ${lan}${firstRun}`,
  );
  signalReady({ type: 'ready', url: running.url, port: running.port, ...(running.setupCode ? { setupCode: running.setupCode } : {}) });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    supervised.current.host.log.info({ signal }, 'stopping');
    await supervised.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

// In a bundle every module shares the bundle's import.meta.url, so scripts/build-host.mjs replaces
// DEPOTDESK_BUNDLE_ENTRY with the bundle's name at build time; from source, compare with argv[1].
const bundledAs = process.env.DEPOTDESK_BUNDLE_ENTRY;
const isEntry = bundledAs
  ? bundledAs === 'start'
  : Boolean(process.argv[1]) && import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
const isHostProcess = process.env.DEPOTDESK_HOST_ENTRY === '1';
if (isEntry || isHostProcess) {
  main().catch((err: unknown) => {
    console.error('DepotDesk host failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

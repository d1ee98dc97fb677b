// Supervises the depot host (STYLE 2): never on Electron's main thread, but in a utilityProcess
// running the same dist/host/start.js as the headless host. Config goes in by environment; the host
// answers `{ type: 'ready', url, port, setupCode? }` (server/start.ts signalReady) once it listens. A crash is
// restarted with exponential backoff; too many crashes in a short window stop the retries and say so.
import { z } from 'zod';
import { redactSecrets } from './trusted-url.js';

/** The parts of an Electron UtilityProcess used here (a fake in tests). */
export interface ChildLike {
  readonly pid?: number | undefined;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
  stdout?: { on(event: 'data', listener: (chunk: Buffer | string) => void): unknown } | null;
  stderr?: { on(event: 'data', listener: (chunk: Buffer | string) => void): unknown } | null;
}

export interface ForkLike {
  fork(modulePath: string, args: string[], options: { env: Record<string, string>; stdio: 'pipe'; serviceName: string }): ChildLike;
}

export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realScheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

export interface HostOptions {
  /** dist/host/start.js (inside app.asar when packaged). */
  entry: string;
  /** userData/depot: the database, certificates and reports. */
  dataDir: string;
  /** A fixed port keeps the console's origin (and so its stored sign-in) the same across launches. */
  port: number;
  lan: boolean;
  /** Where resources/basemap was put when packaged (process.resourcesPath); unset in development. */
  resourcesDir?: string;
  /** Extra environment (PATH, HOME…); DEPOTDESK_* from here win. */
  baseEnv?: Record<string, string | undefined>;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  backoff?: { initialMs: number; factor: number; maxMs: number };
  /** More than `maxCrashes` crashes within `windowMs` → stop retrying and report `failed`. */
  giveUp?: { maxCrashes: number; windowMs: number };
}

export type HostStatus =
  | { state: 'starting'; attempt: number }
  | { state: 'ready'; url: string; port: number; lan: LanStatus }
  | { state: 'restarting'; inMs: number; crashes: number; reason: string }
  | { state: 'failed'; message: string }
  | { state: 'stopped' };

/** What the host printed about the crew port (its banner); the tray shows it. */
export interface LanStatus {
  enabled: boolean;
  crewUrl: string | null;
  problem: string | null;
}

/** The first-run setup code's shape (server/auth/setup-code.ts makes 24 base64url characters). */
export const SetupCode = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/);

/**
 * The host's ready message. A malformed setup code is dropped rather than failing the message: the
 * host is up either way, and the dispatcher can still type the code the host printed.
 */
export const ReadyMessage = z.object({
  type: z.literal('ready'),
  url: z.string().url(),
  port: z.number().int().min(1).max(65535),
  setupCode: SetupCode.optional().catch(undefined),
});

/** The env the host is started with: the same DEPOTDESK_* variables server/config.ts reads. */
export function hostEnv(opts: HostOptions, port: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.baseEnv ?? {})) if (v !== undefined && !k.startsWith('DEPOTDESK_')) env[k] = v;
  env.DEPOTDESK_DATA_DIR = opts.dataDir;
  env.DEPOTDESK_PORT = String(port);
  // The console is served on loopback only; crews reach the separate HTTPS LAN port (STYLE 4).
  env.DEPOTDESK_HOST = '127.0.0.1';
  env.DEPOTDESK_LAN = opts.lan ? '1' : '0';
  env.DEPOTDESK_HOST_ENTRY = '1';
  if (opts.resourcesDir) env.DEPOTDESK_RESOURCES_DIR = opts.resourcesDir;
  return env;
}

/** Reads the crew-LAN line of the host's start-up banner (server/start.ts): the tray's LAN address. */
export function parseLanBanner(text: string): Pick<LanStatus, 'crewUrl' | 'problem'> | null {
  const served = /crew LAN: (https:\/\/\S+)/.exec(text);
  if (served) return { crewUrl: served[1] ?? null, problem: null };
  const off = /^\s*(crew LAN (?:access off|port \d+ not served|not served)[^\n]*)$/m.exec(text);
  if (off) return { crewUrl: null, problem: off[1]?.trim() ?? null };
  return null;
}

export class HostSupervisor {
  private child: ChildLike | null = null;
  private statusNow: HostStatus = { state: 'stopped' };
  private listeners = new Set<(s: HostStatus) => void>();
  private crashTimes: number[] = [];
  private timer: unknown = null;
  private stopping = false;
  private attempt = 0;
  private everReady = false;
  private portNow: number;
  private lan: LanStatus;
  /** From the latest ready message; kept out of HostStatus so no status listener can log it. */
  private setupCodeNow: string | null = null;
  private readyWaiters: { resolve: (s: HostStatus & { state: 'ready' }) => void; reject: (e: Error) => void }[] = [];
  private readonly o: Required<Pick<HostOptions, 'readyTimeoutMs' | 'stopTimeoutMs' | 'backoff' | 'giveUp'>> & HostOptions;

  constructor(
    private readonly utility: ForkLike,
    options: HostOptions,
    private readonly scheduler: Scheduler = realScheduler,
    private readonly forceKill: (pid: number) => void = (pid) => process.kill(pid, 'SIGKILL'),
    private readonly log: (line: string) => void = () => {},
  ) {
    this.o = {
      // The first start after an upgrade migrates, backs up and chains older audit rows (~75 s per
      // million rows here), all before the host listens; a stuck host is still caught.
      readyTimeoutMs: 180_000,
      // Stopping writes the on-quit backup (server/backups/): ~1.5 s for the demo depot's 88 MB, so a
      // database of a few GB needs far longer than the 5 s this once was before SIGKILL cuts it short.
      stopTimeoutMs: 120_000,
      backoff: { initialMs: 1_000, factor: 2, maxMs: 30_000 },
      giveUp: { maxCrashes: 5, windowMs: 120_000 },
      ...options,
    };
    this.portNow = options.port;
    this.lan = { enabled: options.lan, crewUrl: null, problem: null };
  }

  get status(): HostStatus {
    return this.statusNow;
  }

  /** The running host's process id (for logs and the packaged-host test), if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * The running host's one-time first-run setup code, or null once the depot is set up. Only the
   * console window's URL fragment may carry it (main/windows.ts): never a log line or the tray.
   */
  get setupCode(): string | null {
    return this.setupCodeNow;
  }

  get lanEnabled(): boolean {
    return this.o.lan;
  }

  onStatus(listener: (s: HostStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the host; resolves once it is ready (after any restarts), rejects if it gives up or is stopped. */
  start(): Promise<HostStatus & { state: 'ready' }> {
    this.stopping = false;
    const ready = this.waitReady();
    if (!this.child && this.timer === null) this.spawn();
    return ready;
  }

  /** Stops the host, then starts it again with new options (e.g. crew LAN on/off). */
  async restart(change: Partial<Pick<HostOptions, 'lan' | 'port'>> = {}): Promise<HostStatus & { state: 'ready' }> {
    await this.stop();
    Object.assign(this.o, change);
    if (change.port !== undefined) this.portNow = change.port;
    this.lan = { enabled: this.o.lan, crewUrl: null, problem: null };
    this.crashTimes = [];
    return this.start();
  }

  /** SIGTERM (the host closes its database cleanly), then SIGKILL after `stopTimeoutMs`. */
  stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) {
      this.scheduler.clearTimeout(this.timer);
      this.timer = null;
    }
    const child = this.child;
    const done = () => {
      this.rejectWaiters(new Error('the depot host was stopped'));
      this.setStatus({ state: 'stopped' });
    };
    if (!child) {
      done();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const killTimer = this.scheduler.setTimeout(() => {
        this.log(`depot host did not stop within ${this.o.stopTimeoutMs} ms; killing it`);
        if (child.pid !== undefined) this.forceKill(child.pid);
      }, this.o.stopTimeoutMs);
      child.on('exit', () => {
        this.scheduler.clearTimeout(killTimer);
        done();
        resolve();
      });
      child.kill();
    });
  }

  private waitReady(): Promise<HostStatus & { state: 'ready' }> {
    if (this.statusNow.state === 'ready' && this.child) return Promise.resolve(this.statusNow);
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private rejectWaiters(err: Error): void {
    for (const w of this.readyWaiters.splice(0)) w.reject(err);
  }

  private setStatus(s: HostStatus): void {
    this.statusNow = s;
    for (const l of this.listeners) l(s);
  }

  private spawn(): void {
    this.timer = null;
    this.attempt += 1;
    this.setStatus({ state: 'starting', attempt: this.attempt });
    const child = this.utility.fork(this.o.entry, [], {
      env: hostEnv(this.o, this.portNow),
      stdio: 'pipe',
      serviceName: 'DepotDesk depot host',
    });
    this.child = child;
    let ready = false;
    let exited = false;
    const readyTimer = this.scheduler.setTimeout(() => {
      if (ready || exited) return;
      this.log(`depot host not ready within ${this.o.readyTimeoutMs} ms; stopping it`);
      child.kill();
      if (child.pid !== undefined) this.forceKill(child.pid);
    }, this.o.readyTimeoutMs);
    let banner = '';
    const onOutput = (chunk: Buffer | string) => {
      const text = chunk.toString();
      // The host prints its console address with `#setup=<code>` on first run: relayed masked.
      for (const line of text.split('\n'))
        if (line.trim()) this.log(`[host] ${redactSecrets(line, this.setupCodeNow ? [this.setupCodeNow] : [])}`);
      if (banner.length < 8192) banner += text;
      const lan = parseLanBanner(banner);
      if (lan && (lan.crewUrl !== this.lan.crewUrl || lan.problem !== this.lan.problem)) {
        this.lan = { enabled: this.o.lan, ...lan };
        if (this.statusNow.state === 'ready' && this.child === child) this.setStatus({ ...this.statusNow, lan: this.lan });
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.on('message', (message) => {
      const parsed = ReadyMessage.safeParse(message);
      if (!parsed.success || ready || this.child !== child) return;
      ready = true;
      this.everReady = true;
      this.setupCodeNow = parsed.data.setupCode ?? null;
      this.scheduler.clearTimeout(readyTimer);
      const status = { state: 'ready' as const, url: parsed.data.url, port: parsed.data.port, lan: this.lan };
      this.setStatus(status);
      for (const w of this.readyWaiters.splice(0)) w.resolve(status);
    });
    child.on('exit', (code) => {
      exited = true;
      this.scheduler.clearTimeout(readyTimer);
      if (this.child === child) this.child = null;
      if (this.stopping) return;
      this.crashed(ready ? `the depot host exited (code ${code})` : `the depot host stopped before it was ready (code ${code})`, ready);
    });
  }

  private crashed(reason: string, wasReady: boolean): void {
    const now = this.scheduler.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < this.o.giveUp.windowMs), now];
    const crashes = this.crashTimes.length;
    // The fixed port may be taken by another program: the console still works on any free port
    // (it is signed out once, because the origin changes).
    if (!wasReady && !this.everReady && this.portNow !== 0) {
      this.log(`${reason}; retrying on a free port instead of ${this.portNow}`);
      this.portNow = 0;
    }
    if (crashes > this.o.giveUp.maxCrashes) {
      const message = `The depot host crashed ${crashes} times within ${Math.round(this.o.giveUp.windowMs / 1000)} s and was not restarted again. Last: ${reason}.`;
      this.setStatus({ state: 'failed', message });
      this.rejectWaiters(new Error(message));
      return;
    }
    const { initialMs, factor, maxMs } = this.o.backoff;
    const inMs = Math.min(maxMs, Math.round(initialMs * factor ** (crashes - 1)));
    this.log(`${reason}; restarting in ${inMs} ms (crash ${crashes})`);
    this.setStatus({ state: 'restarting', inMs, crashes, reason });
    this.timer = this.scheduler.setTimeout(() => this.spawn(), inMs);
  }
}

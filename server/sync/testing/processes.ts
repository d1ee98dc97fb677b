import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { repoRoot } from '../../child-host/spawn.js';
import { createAppLogin } from '../../hub/db/app-login.js';
import { migrateHub } from '../../hub/db/migrate.js';

/**
 * Depot hosts and hubs as real child processes (the built bundles or the sources through tsx, see
 * entryArgs; port 0),
 * for the sync fault tests: a SIGKILL is a real kill -9, a restart reopens the same SQLite file or
 * PostgreSQL database, and nothing is shared with the test process but the wire and the disk.
 *
 * Every child is registered here; `killAll()` (call it in afterAll) SIGKILLs whatever is still
 * running, and an exit hook does the same if the test process itself dies first.
 */

const START_TIMEOUT_MS = 45_000;
/** Output kept per child for failure messages (the tail is what tells why a child died). */
const KEEP_OUTPUT = 16_000;

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const dirs = new Set<string>();

/** SIGKILLs every child still running, then deletes the data directories tempDir() made. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((c) => signalAndWait(c, 'SIGKILL')));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function signalAndWait(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 10_000): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
    child.kill(signal);
  });
}

export interface ChildHandle {
  child: ChildProcess;
  /** The tail of stdout and stderr together. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output so far or later; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

const BUNDLES: Record<string, string> = { 'server/start.ts': 'dist/host/start.js', 'server/org-view/hub-cli.ts': 'dist/host/hub.js' };

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'testing') newest = Math.max(newest, newestMtime(p));
    }
    // Tests and test helpers are not in the bundles; other files of server/ and db/ may be.
    else if ((e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) || e.name.endsWith('.sql'))
      newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

let sourcesChangedAt: number | null = null;

/**
 * What runs an entry: its bundle in dist/host when that is newer than every source file (vitest's
 * global setup has just built it, as for the end-to-end tests; it starts in a third of the time),
 * else the source through tsx. DEPOTDESK_FAULT_FROM_SOURCE=1 always takes the source.
 */
function entryArgs(entry: string): string[] {
  const root = repoRoot();
  const bundle = BUNDLES[entry] ? path.join(root, BUNDLES[entry]) : null;
  if (bundle && process.env.DEPOTDESK_FAULT_FROM_SOURCE !== '1' && fs.existsSync(bundle)) {
    sourcesChangedAt ??= Math.max(newestMtime(path.join(root, 'server')), newestMtime(path.join(root, 'db')));
    if (fs.statSync(bundle).mtimeMs >= sourcesChangedAt) return [bundle];
  }
  // `node --import tsx` rather than `npx tsx`: npx would add its own start-up and hide the pid we kill.
  return ['--import', 'tsx', path.join(root, entry)];
}

/** Spawns the entry (bundle or source, entryArgs) from the repository root with output captured. */
function spawnEntry(entry: string, args: string[], env: Record<string, string | undefined>): ChildHandle {
  const root = repoRoot();
  const child = spawn(process.execPath, [...entryArgs(entry), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > KEEP_OUTPUT * 2) out = out.slice(-KEEP_OUTPUT);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    child,
    output: () => out.slice(-KEEP_OUTPUT),
    waitFor(pattern, timeoutMs = START_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
          fn();
        };
        const check = () => {
          const m = pattern.exec(out);
          if (m) done(() => resolve(m));
        };
        const onExit = (code: number | null, signal: string | null) =>
          done(() => reject(new Error(`${entry} exited (${code ?? signal}) before printing ${pattern}:\n${out.slice(-4000)}`)));
        const timer = setTimeout(
          () => done(() => reject(new Error(`${entry} did not print ${pattern} within ${timeoutMs} ms:\n${out.slice(-4000)}`))),
          timeoutMs,
        );
        listeners.add(check);
        child.once('exit', onExit);
        check();
        if (exited(child)) onExit(child.exitCode, child.signalCode);
      });
    },
  };
}

/** Polls `probe` until it returns a value other than undefined; the message names what never happened. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `depotdesk-fault-${prefix}-`));
  dirs.add(dir);
  return dir;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  // Answers are checked field by field in the tests; each route's contract is their shape.
  body: T & Record<string, unknown>;
}

async function call<T>(
  base: string,
  method: string,
  p: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + p, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { text };
  }
  return { status: res.status, body: body as T & Record<string, unknown> };
}

export interface DepotProcessOptions {
  dataDir?: string;
  /** Extra environment (e.g. LD_PRELOAD + FAKETIME for a depot whose clock is off). */
  env?: Record<string, string>;
  label?: string;
}

/** A depot host process on its own data directory; `restart()` starts a new process on the same one. */
export class DepotProcess {
  url = '';
  /** The one-time setup code from the banner while the depot is new. */
  setupCode: string | null = null;
  /** The admin's session token once `setup()` or `join()` ran (sessions survive restarts: they are rows). */
  token = '';
  orgId = '';
  private handle: ChildHandle | null = null;

  private constructor(
    readonly dataDir: string,
    readonly label: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(opts: DepotProcessOptions = {}): Promise<DepotProcess> {
    const label = opts.label ?? 'depot';
    const d = new DepotProcess(opts.dataDir ?? tempDir(label), label, opts.env ?? {});
    await d.launch();
    return d;
  }

  get pid(): number {
    return this.handle?.child.pid ?? -1;
  }

  output(): string {
    return this.handle?.output() ?? '';
  }

  private async launch(): Promise<void> {
    const h = spawnEntry('server/start.ts', ['--data-dir', this.dataDir, '--port', '0', '--no-lan', '--log-level', 'warn'], {
      DEPOTDESK_DATA_DIR: this.dataDir,
      ...this.env,
    });
    this.handle = h;
    try {
      const m = await h.waitFor(/console:\s+(http:\/\/[^/\s]+)\/(?:#setup=([\w-]+))?/);
      this.url = m[1]!;
      this.setupCode = m[2] ?? null;
    } catch (err) {
      h.child.kill('SIGKILL');
      throw err;
    }
  }

  api<T = Record<string, unknown>>(method: string, p: string, body?: unknown, token: string | null = this.token): Promise<Answer<T>> {
    return call<T>(this.url, method, p, { ...(token ? { token } : {}), body });
  }

  /** A POST as a phone's outbox sends it: with the Idempotency-Key it keeps for every resend. */
  keyedPost<T = Record<string, unknown>>(p: string, body: unknown, key: string): Promise<Answer<T>> {
    return call<T>(this.url, 'POST', p, { token: this.token, body, headers: { 'idempotency-key': key } });
  }

  /** First-run setup as a new organization, or joining the hub's organization with `join`. */
  async setup(opts: { name: string; code: string; join?: { hubUrl: string; code: string } }): Promise<void> {
    if (!this.setupCode) throw new Error(`${this.label} printed no setup code: it is set up already`);
    const res = await this.api('POST', '/api/v1/setup', {
      setupCode: this.setupCode,
      organization: { name: `${opts.name} org`, timeZone: 'UTC' },
      depot: { name: opts.name, code: opts.code },
      admin: { name: `Admin of ${opts.name}`, email: `admin@${opts.code.toLowerCase()}.test`, password: 'a long enough depot password' },
      ...(opts.join ? { join: opts.join } : {}),
    });
    if (res.status !== 201) throw new Error(`setup of ${this.label}: ${res.status} ${JSON.stringify(res.body)}`);
    this.token = res.body.token as string;
    this.orgId = (res.body.user as { orgId: string }).orgId;
    this.setupCode = null;
  }

  async enrol(hubUrl: string, code: string): Promise<Answer> {
    return this.api('POST', '/api/v1/sync/enrol', { hubUrl, code });
  }

  /** One push-then-pull cycle; the answer is the sync status. */
  async syncNow(): Promise<SyncStatus> {
    const res = await this.api<SyncStatus>('POST', '/api/v1/sync/now');
    if (res.status !== 200) throw new Error(`sync/now on ${this.label}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Runs cycles until one ends with nothing pending and no error (a fault may fail the first few). */
  async syncUntilClean(timeoutMs = 20_000): Promise<SyncStatus> {
    let last: SyncStatus | null = null;
    return waitUntil(
      `${this.label} to sync with nothing pending and no error`,
      async () => {
        const s = (last = await this.syncNow());
        return s.pending === 0 && s.lastError === null ? s : undefined;
      },
      timeoutMs,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last status ${JSON.stringify(last)}`);
    });
  }

  async createWorkOrder(title: string, extra: Record<string, unknown> = {}): Promise<{ id: string; number: string; version: number }> {
    const res = await this.api<{ id: string; number: string; version: number }>('POST', '/api/v1/work-orders', {
      title,
      type: 'corrective',
      priority: 'medium',
      ...extra,
    });
    if (res.status !== 201) throw new Error(`create on ${this.label}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async workOrder(id: string): Promise<Answer> {
    return this.api('GET', `/api/v1/work-orders/${id}`);
  }

  /**
   * Restores backup `id` as an admin does (POST restore; the host restarts itself on the same port)
   * and waits for the new boot. False when the host refused the restore.
   */
  async restoreBackup(id: string): Promise<boolean> {
    const bootId = async () => {
      const now = await this.api<{ status: { bootId: string } }>('GET', '/api/v1/backups').catch((err: Error) => err);
      return now instanceof Error
        ? now
        : now.status === 200
          ? now.body.status.bootId
          : new Error(`${now.status} ${JSON.stringify(now.body).slice(0, 200)}`);
    };
    const before = await bootId();
    const res = await this.api('POST', `/api/v1/backups/${id}/restore`, { confirm: true }).catch(() => null);
    if (before instanceof Error || res?.status !== 202) return false;
    let last = '';
    await waitUntil(
      `${this.label} to come back from its restore`,
      async () => {
        const now = await bootId();
        last = now instanceof Error ? now.message : now;
        return !(now instanceof Error) && now !== before ? true : undefined;
      },
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last answer: ${last}; host output: ${this.output().slice(-1500)}`);
    });
    return true;
  }

  /** kill -9: no shutdown hook runs, SQLite is left as the last committed transaction. */
  async kill(): Promise<void> {
    if (this.handle) await signalAndWait(this.handle.child, 'SIGKILL');
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    if (!this.handle) return;
    if (!(await signalAndWait(this.handle.child, 'SIGTERM', 10_000))) await signalAndWait(this.handle.child, 'SIGKILL');
  }
}

export interface SyncStatus {
  pending: number;
  phase: string;
  refusals: number;
  conflicts: number;
  lastError: string | null;
  pullCursor: number;
}

/** The hub (server/hub/cli.ts) as a process on a PostgreSQL database; `restart()` reopens the same database. */
export class HubProcess {
  url = '';
  private handle: ChildHandle | null = null;

  private constructor(
    readonly databaseUrl: string,
    /** The login the hub serves through, which owns nothing (db/app-login.ts), as every hub test does. */
    private readonly appDatabaseUrl: string,
  ) {}

  static async start(databaseUrl: string): Promise<HubProcess> {
    // The app role the login is granted comes with the migrations; the hub would run them anyway.
    await migrateHub(databaseUrl);
    // Roles are cluster-wide: one fixed name and password, so concurrent test files set the same ones.
    const appUrl = await createAppLogin(databaseUrl, { name: 'depotdesk_hub_web_test', password: 'test' });
    const h = new HubProcess(databaseUrl, appUrl);
    await h.launch();
    return h;
  }

  get pid(): number {
    return this.handle?.child.pid ?? -1;
  }

  output(): string {
    return this.handle?.output() ?? '';
  }

  private async launch(): Promise<void> {
    const h = spawnEntry(
      'server/org-view/hub-cli.ts',
      ['--database-url', this.databaseUrl, '--app-database-url', this.appDatabaseUrl, '--port', '0'],
      {},
    );
    this.handle = h;
    try {
      // cli.ts prints the address it listens on, the real port when asked for port 0.
      this.url = (await h.waitFor(/hub listening on (http:\/\/\S+)/))[1]!;
    } catch (err) {
      h.child.kill('SIGKILL');
      throw err;
    }
  }

  api<T = Record<string, unknown>>(method: string, p: string, body?: unknown, token?: string): Promise<Answer<T>> {
    return call<T>(this.url, method, p, { ...(token ? { token } : {}), body });
  }

  /** An org and its first hub admin through `cli.ts create-org`, signed in. */
  async createOrg(name: string): Promise<HubOrg> {
    const email = `hub-admin-${randomBytes(3).toString('hex')}@example.test`;
    const password = `hub-admin-${randomBytes(8).toString('hex')}`;
    const h = spawnEntry(
      'server/org-view/hub-cli.ts',
      ['create-org', '--database-url', this.databaseUrl, '--name', name, '--admin-email', email],
      {
        DEPOTDESK_HUB_ADMIN_PASSWORD: password,
      },
    );
    const m = await h.waitFor(/\{"orgId":"([0-9a-f-]+)"/);
    await new Promise<void>((resolve) => (exited(h.child) ? resolve() : h.child.once('exit', () => resolve())));
    const login = await this.api<{ token: string }>('POST', '/hub/v1/auth/login', { email, password });
    if (login.status !== 200) throw new Error(`hub sign-in: ${login.status} ${JSON.stringify(login.body)}`);
    return { orgId: m[1]!, token: login.body.token };
  }

  async enrolmentCode(org: HubOrg): Promise<string> {
    const res = await this.api<{ code: string }>('POST', '/hub/v1/enrolment-codes', {}, org.token);
    if (res.status !== 201 && res.status !== 200) throw new Error(`enrolment code: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.code;
  }

  async kill(): Promise<void> {
    if (this.handle) await signalAndWait(this.handle.child, 'SIGKILL');
  }

  /** A new process on the same database; the port is new too (a proxy in front hides that from depots). */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }
}

export interface HubOrg {
  orgId: string;
  token: string;
}

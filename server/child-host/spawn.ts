import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The depot host as a child process, the way `npm run serve` runs it, so its start-up and memory are its own. */

export interface HostCommand {
  cmd: string;
  args: string[];
  label: string;
}

function isRepoRoot(dir: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'depotdesk';
  } catch {
    return false;
  }
}

/**
 * The repository root: the nearest folder above this file whose package.json is DepotDesk's
 * (dist/host/ has a package.json of its own that only marks the bundles as ES modules).
 */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!isRepoRoot(dir)) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/**
 * The built host when the bench itself runs built (`npm run bench` builds both, so they match);
 * from source, the source host through tsx, since dist/ may be stale (start-up then includes transpiling).
 */
export function hostCommand(root = repoRoot()): HostCommand {
  const built = path.join(root, 'dist', 'host', 'start.js');
  const runningBuilt = !import.meta.url.endsWith('.ts');
  if (runningBuilt && fs.existsSync(built)) return { cmd: process.execPath, args: [built], label: 'node dist/host/start.js' };
  // `node --import tsx` rather than `npx tsx`: npx would add its own start-up and hide the host's pid.
  return {
    cmd: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'server', 'start.ts')],
    label: 'node --import tsx server/start.ts',
  };
}

export interface RunningChild {
  url: string;
  /** The one-time setup code a new depot prints on its console line; null once set up. */
  setupCode: string | null;
  pid: number;
  /** Spawn → "listening on" printed → first 200 from /healthz. */
  startupMs: number;
  rssMb(): number;
  /** SIGTERM, then SIGKILL after `graceMs` (a profiled host needs longer: it writes its profile on exit). */
  stop(graceMs?: number): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startChild(
  command: HostCommand,
  dataDir: string,
  logLevel: string,
  /** Node flags for the host process (e.g. `--cpu-prof`), placed before the script. */
  nodeArgs: string[] = [],
): Promise<RunningChild> {
  const started = performance.now();
  const child = spawn(
    command.cmd,
    [...nodeArgs, ...command.args, '--data-dir', dataDir, '--port', '0', '--no-lan', '--log-level', logLevel],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: repoRoot(),
      env: { ...process.env, DEPOTDESK_DATA_DIR: dataDir },
    },
  );
  let output = '';
  const giveUp = async (err: Error): Promise<never> => {
    child.kill('SIGKILL');
    await waitForExit(child, 5_000);
    throw err;
  };
  const { url, setupCode } = await new Promise<{ url: string; setupCode: string | null }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the host did not say it was listening within ${START_TIMEOUT_MS / 1000} s:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // The banner's console line: the address, with #setup=<code> while the depot is new.
      const match = /console:\s+(http:\/\/[^/\s]+)\/(?:#setup=([\w-]+))?/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], setupCode: match[2] ?? null });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with code ${code} before listening:\n${output}`));
    });
  }).catch(giveUp);
  // Keep draining the pipes so a chatty child never blocks on a full pipe.
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  child.stderr?.resume();
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() - started > START_TIMEOUT_MS) await giveUp(new Error('the host never answered /healthz'));
    await new Promise((r) => setTimeout(r, 5));
  }
  const startupMs = performance.now() - started;
  const pid = child.pid as number;
  return {
    url,
    setupCode,
    pid,
    startupMs,
    rssMb() {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
      return kb / 1024;
    },
    async stop(graceMs = 5_000) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, graceMs))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    },
  };
}

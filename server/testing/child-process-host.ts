import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The real host as a child process, for tests that kill it (no shared memory with the test, so
 * nothing can be "remembered" for it across the crash). Started from source (server/start.ts through
 * tsx, no build needed); resolved on the banner's console line.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildHost {
  child: ChildProcess;
  url: string;
  /** The first-run setup code while the depot is new. */
  setupCode: string | null;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class ChildHosts {
  private readonly children: ChildProcess[] = [];
  private readonly dirs: string[] = [];

  /** A data directory removed by cleanup(). */
  tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  start(dataDir: string): Promise<ChildHost> {
    const env: NodeJS.ProcessEnv = { ...process.env, DEPOTDESK_LOG_LEVEL: 'warn' };
    // Run as production does: without vitest's flags (they switch on response-contract checks).
    for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts', '--data-dir', dataDir, '--port', '0', '--no-lan'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        // The banner's console line: the address, with #setup=<code> while the depot is new.
        const match = /console:\s+(http:\/\/[^/\s]+)\/(?:#setup=([\w-]+))?/.exec(line);
        if (match) resolve({ child, url: match[1]!, setupCode: match[2] ?? null, exited });
      });
      void exited.then(({ code, signal }) =>
        reject(new Error(`host exited before listening (code ${code}, signal ${signal}):\n${stderr}`)),
      );
    });
  }

  /** Kills what is still running and removes the data directories (afterEach). */
  async cleanup(): Promise<void> {
    for (const child of this.children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await gone;
      }
    }
    for (const dir of this.dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

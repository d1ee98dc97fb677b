import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** A socat pseudo-terminal pair (two linked virtual serial ports), for tests and the bench. */

export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export interface PtyPair {
  a: string;
  b: string;
  process: ChildProcess;
  /** Kills socat (the "unplug") and waits for it to exit. */
  kill(): Promise<void>;
}

export async function startPtyPair(a: string, b: string, timeoutMs = 5000): Promise<PtyPair> {
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = Date.now() + timeoutMs;
  // socat logs "starting data transfer loop" once both ends exist.
  while (!(fs.existsSync(a) && fs.existsSync(b) && stderr.includes('starting data transfer loop'))) {
    if (child.exitCode !== null || Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`socat did not start: ${stderr.trim().split('\n').at(-1) ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    a,
    b,
    process: child,
    async kill() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

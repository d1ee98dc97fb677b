#!/usr/bin/env node
// `npm start`: the desktop console when Electron can run here, otherwise the headless depot host,
// saying why. Arguments after `--` go to whichever starts (e.g. `npm start -- --port 4401`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHost, buildShell, OUT_DIR } from './build-host.mjs';
import { decideStart, expectedConsoleUrl, exitCodeFor, explainHeadless } from './start-decision.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

// Both ways need the host bundle and the console; the desktop way also main/ and preload/ (~2 s).
const { built } = await buildHost({ quiet: true });
if (!built.includes('start')) {
  console.error('The depot host could not be built: server/start.ts is missing.');
  process.exit(1);
}
await buildShell({ quiet: true });
{
  // The console the host serves at "/" (Vite; ~1 s).
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

const decision = decideStart({
  root,
  platform: process.platform,
  env: process.env,
  exists: (file) => fs.existsSync(file),
  readText: (file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  },
});

/** @type {[string, string[]]} */
let command;
if (decision.mode === 'electron') {
  console.log('Starting the DepotDesk desktop console (Electron)…');
  command = [decision.electronBinary, [decision.mainEntry, ...args]];
} else {
  console.log(explainHeadless(decision.reason, expectedConsoleUrl(args, process.env)));
  command = [process.execPath, ['--enable-source-maps', path.join(OUT_DIR, 'start.js'), ...args]];
}

const child = spawn(command[0], command[1], { stdio: 'inherit', cwd: root });
// Ctrl-C reaches the whole process group anyway; forwarding covers `kill <pid of npm start>` too.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('error', (err) => {
  console.error(`Could not start ${command[0]}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(exitCodeFor(code, signal, os.constants.signals)));

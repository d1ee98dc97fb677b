// The production bundles as the packaged app lays them out (app.asar/dist/{main,preload,host,renderer}
// plus resources/basemap beside it), built into a private folder, and the depot host started from
// them by main/host-process.ts's own supervisor and environment. Electron's utilityProcess is stood in
// for by child_process.fork: both give the child an IPC channel for the ready message (server/start.ts
// signalReady posts to process.parentPort and process.send). The Electron window itself cannot run here.
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostSupervisor, type ChildLike, type ForkLike, type HostStatus } from '../main/host-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Inside dist/ (ignored by lint and git) so the bundles resolve node_modules like the real ones do.
// Not a dot-folder: the host's res.sendFile refuses paths with a dot segment (Express dotfiles
// 'ignore'), which an AppImage's /tmp/.mount_* folder has — see docs/desktop.md, "Known gaps".
// A dot folder on purpose: an AppImage runs from /tmp/.mount_*, and Electron's userData on Linux is
// under ~/.config; Express refuses such paths unless told otherwise.
const appDir = fs.mkdtempSync(path.join(root, 'dist', '.packaged-e2e-'));
const distDir = path.join(appDir, 'dist');
const resourcesDir = path.join(appDir, 'resources');
const userData = path.join(appDir, 'userData');

/** utilityProcess.fork, played by Node's fork: same entry, env and IPC ready message. */
const nodeFork: ForkLike = {
  fork: (modulePath, args, options) =>
    fork(modulePath, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }) as unknown as ChildLike,
};

beforeAll(async () => {
  const build = (await import(pathToFileURL(path.join(root, 'scripts', 'build-host.mjs')).href)) as {
    buildHost(o: { quiet: boolean; outDir: string }): Promise<{ built: string[] }>;
    buildShell(o: { quiet: boolean; distDir: string }): Promise<{ built: string[] }>;
  };
  const [host, shell] = await Promise.all([
    build.buildHost({ quiet: true, outDir: path.join(distDir, 'host') }),
    build.buildShell({ quiet: true, distDir }),
  ]);
  expect(host.built).toContain('start');
  expect(shell.built).toEqual(['main', 'preload']);
  // vitest sets NODE_ENV=test; the packaged console is the production build.
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'error',
      '--outDir',
      path.join(distDir, 'renderer'),
      '--emptyOutDir',
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  // electron-builder's extraResources puts resources/basemap at <resourcesPath>/basemap.
  fs.mkdirSync(resourcesDir, { recursive: true });
  fs.cpSync(path.join(root, 'resources', 'basemap'), path.join(resourcesDir, 'basemap'), { recursive: true });
}, 180_000);

afterAll(() => fs.rmSync(appDir, { recursive: true, force: true }));

describe('the packaged app layout', () => {
  it('when the shell bundles are built, then preload is one CommonJS file needing only electron, and main needs only electron and Node', () => {
    const preload = fs.readFileSync(path.join(distDir, 'preload', 'index.js'), 'utf8');
    const requires = (code: string) => [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))];
    expect(requires(preload)).toEqual(['electron']);
    expect(preload).toMatch(/exposeInMainWorld\("depotdesk"/);
    expect(preload).not.toMatch(/^import /m);
    const main = fs.readFileSync(path.join(distDir, 'main', 'index.js'), 'utf8');
    expect(requires(main).filter((m) => m !== 'electron' && !m!.startsWith('node:'))).toEqual([]);
    expect(JSON.parse(fs.readFileSync(path.join(distDir, 'main', 'package.json'), 'utf8'))).toMatchObject({
      type: 'commonjs',
      productName: 'DepotDesk',
    });
    expect(fs.existsSync(path.join(distDir, 'renderer', 'console', 'index.html'))).toBe(true);
    expect(fs.existsSync(path.join(distDir, 'host', 'migrations'))).toBe(true);
  });

  it('when main/host-process.ts starts the built host as the app would, then it signals ready (handing over its setup code, masked in the log), serves the console and the basemap, survives a crash and stops cleanly', async () => {
    const statuses: HostStatus[] = [];
    const logs: string[] = [];
    const sup = new HostSupervisor(
      nodeFork,
      {
        entry: path.join(distDir, 'host', 'start.js'),
        dataDir: path.join(userData, 'depot'),
        port: 0,
        lan: false,
        resourcesDir,
        baseEnv: { ...process.env, DEPOTDESK_LOG_LEVEL: undefined },
        readyTimeoutMs: 20_000,
        backoff: { initialMs: 100, factor: 2, maxMs: 1_000 },
      },
      undefined,
      undefined,
      (line) => logs.push(line),
    );
    sup.onStatus((s) => statuses.push(s));
    try {
      const ready = await sup.start();
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const health = await fetch(`${ready.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
      const page = await fetch(`${ready.url}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/<div id="root"><\/div>/);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeTruthy();
      expect((await fetch(`${ready.url}${script}`)).status).toBe(200);
      // Served from DEPOTDESK_RESOURCES_DIR, as from process.resourcesPath in the installed app.
      expect((await fetch(`${ready.url}/resources/basemap/world-land.geojson`)).status).toBe(200);
      // The database went where the desktop app keeps it: the OS user-data folder.
      expect(fs.readdirSync(path.join(userData, 'depot')).some((f) => f.endsWith('.sqlite') || f.endsWith('.db'))).toBe(true);
      // The banner said crew LAN is off; the tray would show that.
      await expect.poll(() => (sup.status.state === 'ready' ? sup.status.lan.problem : null)).toMatch(/crew LAN access off/);
      // A fresh data dir: the host hands its one-time setup code to the shell (for the window's URL
      // fragment), and prints it in its banner, which the shell relays to its own log masked.
      const firstCode = sup.setupCode;
      expect(firstCode).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
      expect(logs.some((l) => l.includes('#setup=[redacted]'))).toBe(true);

      // A real crash (SIGKILL): the supervisor restarts the host and it is ready again.
      const crashedPid = sup.pid!;
      const again = new Promise<HostStatus>((resolve) => {
        const off = sup.onStatus((s) => {
          if (s.state === 'ready') {
            off();
            resolve(s);
          }
        });
      });
      process.kill(crashedPid, 'SIGKILL');
      const back = await again;
      expect(statuses.map((s) => s.state)).toEqual(['starting', 'ready', 'restarting', 'starting', 'ready']);
      expect(back.state === 'ready' && (await fetch(`${back.url}/healthz`)).status).toBe(200);
      // Still not set up, so the new host process made a new code; neither is in any line main logged.
      expect(sup.setupCode).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
      expect(logs.filter((l) => l.includes(firstCode!) || l.includes(sup.setupCode!))).toEqual([]);
      const lastPid = sup.pid!;

      // Clean stop: SIGTERM, the host closes its database and exits by itself.
      await sup.stop();
      expect(sup.status.state).toBe('stopped');
      expect(() => process.kill(lastPid, 0)).toThrow();
    } finally {
      await sup.stop();
    }
  }, 60_000);
});

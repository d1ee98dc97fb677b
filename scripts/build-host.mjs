#!/usr/bin/env node
// Bundles the depot host's command-line entries into dist/host/ with esbuild (well under 2 s).
// Packages in node_modules stay external: better-sqlite3 is native, pino loads workers by path,
// swagger-ui-dist is served from its folder; bundling only our own TypeScript keeps this simple.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(root, 'dist', 'host');

/** name → source entry. The bundle is dist/host/<name>.js. */
export const ENTRIES = {
  start: 'server/start.ts',
  seed: 'server/seed/cli.ts',
  restore: 'server/backups/cli.ts',
  bench: 'bench/run.ts',
  // The bench's bare node:http reference for the transition route (never part of the product).
  'bare-host': 'bench/bare-host.ts',
  simulate: 'server/telemetry/simulator/cli.ts',
  // The organization's hub (PostgreSQL), `npm run hub`; its migrations go to dist/host/hub-migrations.
  hub: 'server/org-view/hub-cli.ts',
  // A hub and two depots on one machine, `npm run demo:sync`.
  'demo-sync': 'server/demo-sync/cli.ts',
  // The report worker thread (server/reports/jobs/spawn.ts loads it from beside the host bundle).
  'report-worker': 'server/reports/jobs/worker.ts',
  // The plan optimiser's worker thread (server/optimise/spawn.ts loads it from beside the host bundle).
  'optimise-worker': 'server/optimise/worker.ts',
};

/**
 * Builds every entry whose source exists; a missing one is skipped with a message (so a half-written
 * tree still serves) and is reported in the result. `outDir` (default dist/host) lets
 * e2e/packaged-host.e2e.test.ts build a private copy without touching the shared dist/.
 * @param {{ quiet?: boolean; outDir?: string }} [opts]
 * @returns {Promise<{ built: string[]; skipped: string[]; ms: number }>}
 */
export async function buildHost(opts = {}) {
  const started = performance.now();
  const say = opts.quiet ? () => {} : (/** @type {string} */ line) => console.error(line);
  const outDir = opts.outDir ?? OUT_DIR;
  const built = [];
  const skipped = [];
  fs.mkdirSync(outDir, { recursive: true });
  const jobs = [];
  for (const [name, source] of Object.entries(ENTRIES)) {
    if (!fs.existsSync(path.join(root, source))) {
      skipped.push(name);
      say(`build-host: skipping dist/host/${name}.js — ${source} does not exist yet`);
      continue;
    }
    built.push(name);
    // One build per entry: `define` names the entry, because inside a bundle every module shares the
    // bundle's import.meta.url, so "am I the entry file?" checks cannot tell modules apart.
    jobs.push(
      build({
        absWorkingDir: root,
        entryPoints: [source],
        outfile: path.join(outDir, `${name}.js`),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: true,
        packages: 'external',
        define: { 'process.env.DEPOTDESK_BUNDLE_ENTRY': JSON.stringify(name) },
        logLevel: 'warning',
      }),
    );
  }
  await Promise.all(jobs);
  // db/client.ts looks for `migrations` beside the bundle (dist/host/migrations) when no env says otherwise.
  const migrationsOut = path.join(outDir, 'migrations');
  fs.rmSync(migrationsOut, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'db', 'migrations'), migrationsOut, { recursive: true });
  // server/hub/db/migrate.ts looks for the hub's PostgreSQL migrations there when bundled.
  const hubMigrations = path.join(root, 'server', 'hub', 'db', 'migrations');
  const hubMigrationsOut = path.join(outDir, 'hub-migrations');
  fs.rmSync(hubMigrationsOut, { recursive: true, force: true });
  if (fs.existsSync(hubMigrations)) fs.cpSync(hubMigrations, hubMigrationsOut, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
  const ms = Math.round(performance.now() - started);
  say(`build-host: built ${built.map((n) => `dist/host/${n}.js`).join(', ') || 'nothing'} in ${ms} ms`);
  return { built, skipped, ms };
}

/** The Electron shell's bundles: dist/main/index.js (main process) and dist/preload/index.js. */
export const SHELL_ENTRIES = {
  main: 'main/index.ts',
  preload: 'preload/index.ts',
};

/**
 * Bundles the Electron main process and preload. Both are CommonJS with only `electron` external:
 * a sandboxed preload must be one file that requires nothing but Electron's modules, and main as
 * CommonJS is what every Electron version loads. Node packages stay external for main (the packaged
 * app ships node_modules). A nested package.json marks each folder CommonJS, since the root is "module".
 * @param {{ quiet?: boolean; distDir?: string }} [opts] distDir defaults to dist/
 * @returns {Promise<{ built: string[]; skipped: string[]; ms: number }>}
 */
export async function buildShell(opts = {}) {
  const started = performance.now();
  const say = opts.quiet ? () => {} : (/** @type {string} */ line) => console.error(line);
  const built = [];
  const skipped = [];
  const jobs = [];
  for (const [name, source] of Object.entries(SHELL_ENTRIES)) {
    if (!fs.existsSync(path.join(root, source))) {
      skipped.push(name);
      continue;
    }
    built.push(name);
    const outDir = path.join(opts.distDir ?? path.join(root, 'dist'), name);
    fs.mkdirSync(outDir, { recursive: true });
    // CommonJS despite the root's "type": "module"; name/productName give `electron dist/main/index.js`
    // (npm start) the same userData folder as the installed app (packaged, app.asar/package.json wins).
    const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const meta = name === 'main' ? { name: 'depotdesk', productName: 'DepotDesk', version, type: 'commonjs' } : { type: 'commonjs' };
    fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(meta)}\n`);
    jobs.push(
      build({
        absWorkingDir: root,
        entryPoints: [source],
        outfile: path.join(outDir, 'index.js'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node22',
        sourcemap: name === 'main',
        external: ['electron'],
        // main's own node_modules imports (zod) are bundled too: one file, nothing to resolve at start.
        ...(name === 'main'
          ? {
              // import.meta.url has no CommonJS meaning; give it the bundle's own file URL.
              banner: { js: 'const __depotdeskMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
              define: { 'import.meta.url': '__depotdeskMetaUrl' },
            }
          : {}),
        logLevel: 'warning',
      }),
    );
  }
  await Promise.all(jobs);
  const ms = Math.round(performance.now() - started);
  if (built.length) say(`build-host: built ${built.map((n) => `dist/${n}/index.js`).join(', ')} in ${ms} ms`);
  return { built, skipped, ms };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildHost()
    .then(() => buildShell())
    .catch((err) => {
      // esbuild has already printed the located errors; this says what failed in one line.
      console.error(`build-host: failed: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
      process.exit(1);
    });
}

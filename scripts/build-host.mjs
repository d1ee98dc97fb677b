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
  seed: 'db/seed/cli.ts',
  bench: 'bench/run.ts',
};

/**
 * Builds every entry whose source exists; a missing one is skipped with a message (so a half-written
 * tree still serves) and is reported in the result.
 * @param {{ quiet?: boolean }} [opts]
 * @returns {Promise<{ built: string[]; skipped: string[]; ms: number }>}
 */
export async function buildHost(opts = {}) {
  const started = performance.now();
  const say = opts.quiet ? () => {} : (/** @type {string} */ line) => console.error(line);
  const built = [];
  const skipped = [];
  fs.mkdirSync(OUT_DIR, { recursive: true });
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
        outfile: path.join(OUT_DIR, `${name}.js`),
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
  const migrationsOut = path.join(OUT_DIR, 'migrations');
  fs.rmSync(migrationsOut, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'db', 'migrations'), migrationsOut, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'package.json'), '{ "type": "module" }\n');
  const ms = Math.round(performance.now() - started);
  say(`build-host: built ${built.map((n) => `dist/host/${n}.js`).join(', ') || 'nothing'} in ${ms} ms`);
  return { built, skipped, ms };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildHost().catch((err) => {
    // esbuild has already printed the located errors; this says what failed in one line.
    console.error(`build-host: failed: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
    process.exit(1);
  });
}

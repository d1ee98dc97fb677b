import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = path.dirname(fileURLToPath(import.meta.url));
const hostUrl = process.env.DEPOTDESK_DEV_HOST ?? 'http://127.0.0.1:4400';
// The managers' console (/org/) in development talks to a hub: `npm run hub -- --local-cluster` listens on 4500.
const hubUrl = process.env.DEPOTDESK_DEV_HUB ?? 'http://127.0.0.1:4500';

/**
 * One id per build: names the service worker's caches and busts the crew's persisted query cache
 * (renderer/crew/offline/persist.ts reads it as import.meta.env.VITE_CREW_BUILD_ID).
 */
const buildId = process.env.VITE_CREW_BUILD_ID ?? `${Date.now().toString(36)}`;
process.env.VITE_CREW_BUILD_ID = buildId;

/**
 * The crew PWA: copies the manifest and icons (renderer/crew/pwa/, icons made by make-icons.mjs)
 * to dist/renderer/crew/, and writes /crew/sw.js from its template with the list of files the crew
 * shell needs: its index.html plus every JS/CSS file reachable from the crew entry in this build.
 */
function crewPwa(): Plugin {
  const src = path.join(here, 'crew/pwa');
  let outDir = '';
  return {
    name: 'depotdesk-crew-pwa',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle(_options, bundle) {
      const entry = Object.values(bundle).find((o) => o.type === 'chunk' && o.isEntry && o.name === 'crew');
      if (!entry) throw new Error('crewPwa: no "crew" entry chunk in this build');
      const files = new Set<string>();
      const visit = (fileName: string) => {
        const out = bundle[fileName];
        if (!out || files.has(fileName) || fileName.endsWith('.map')) return;
        files.add(fileName);
        if (out.type !== 'chunk') return;
        // Lazy chunks too: a page opened offline must not miss a part it loads on demand.
        for (const f of [...out.imports, ...out.dynamicImports]) visit(f);
        for (const f of out.viteMetadata?.importedCss ?? []) visit(f);
        for (const f of out.viteMetadata?.importedAssets ?? []) visit(f);
      };
      visit(entry.fileName);

      const crewOut = path.join(outDir, 'crew');
      fs.mkdirSync(path.join(crewOut, 'icons'), { recursive: true });
      fs.copyFileSync(path.join(src, 'manifest.webmanifest'), path.join(crewOut, 'manifest.webmanifest'));
      const icons = fs.readdirSync(path.join(src, 'icons')).filter((f) => f.endsWith('.png'));
      for (const icon of icons) fs.copyFileSync(path.join(src, 'icons', icon), path.join(crewOut, 'icons', icon));

      const precache = [
        '/crew/',
        '/crew/manifest.webmanifest',
        ...icons.map((i) => `/crew/icons/${i}`),
        ...[...files].sort().map((f) => `/${f}`),
      ];
      const sw = fs
        .readFileSync(path.join(src, 'sw.js'), 'utf8')
        .replace("'__BUILD_ID__'", JSON.stringify(buildId))
        .replace('__PRECACHE__;', `${JSON.stringify(precache, null, 2)};`);
      fs.writeFileSync(path.join(crewOut, 'sw.js'), sw);
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), crewPwa()],
  resolve: {
    alias: {
      // frappe-gantt's stylesheet is not in its package "exports" map (TOOLCHAIN.md): point at the file.
      'frappe-gantt/dist/frappe-gantt.css': path.resolve(here, '../node_modules/frappe-gantt/dist/frappe-gantt.css'),
    },
    // The query persister packages pin an older @tanstack/query-core of their own: one copy only.
    dedupe: ['@tanstack/query-core'],
  },
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // Rolldown's "spent significant time in plugin" note read like an error on every start on a busy
      // machine; build time is measured by the bench (npm run bench:console), not guessed at here.
      checks: { bundlerTimings: false },
      input: {
        console: path.resolve(here, 'console/index.html'),
        crew: path.resolve(here, 'crew/index.html'),
        // The managers' console, served by the hub (server/hub/) at / with dist/renderer/assets at /assets.
        org: path.resolve(here, 'org/index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': hostUrl,
      '/healthz': hostUrl,
      '/hub': hubUrl,
      '/ws': { target: hostUrl.replace(/^http/, 'ws'), ws: true },
    },
  },
});

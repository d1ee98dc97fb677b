import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

/** The built renderer (Vite output), looked for beside the bundle and in the source tree. */
function rendererDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.DEPOTDESK_RENDERER_DIR,
    path.resolve(here, '../renderer'), // dist/host → dist/renderer
    path.resolve(here, '../../dist/renderer'), // server/http → dist/renderer
  ].filter((p): p is string => Boolean(p));
  return candidates.find((p) => fs.existsSync(path.join(p, 'console', 'index.html'))) ?? null;
}

/**
 * The crew PWA's files (written by the crewPwa plugin in renderer/vite.config.ts). The service
 * worker is revalidated on every check (no-cache) so a new build reaches phones on their next
 * visit, and may control /crew/ only; the manifest gets its registered media type.
 */
function mountCrewPwa(app: Express, crewDir: string): void {
  const sw = path.join(crewDir, 'sw.js');
  if (fs.existsSync(sw)) {
    app.get('/crew/sw.js', (_req, res) =>
      res.sendFile(sw, {
        dotfiles: 'allow',
        headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'Service-Worker-Allowed': '/crew/' },
      }),
    );
  }
  const manifest = path.join(crewDir, 'manifest.webmanifest');
  if (fs.existsSync(manifest)) {
    app.get('/crew/manifest.webmanifest', (_req, res) =>
      res.sendFile(manifest, {
        dotfiles: 'allow',
        headers: { 'Content-Type': 'application/manifest+json; charset=utf-8', 'Cache-Control': 'no-cache' },
      }),
    );
  }
  // Icons keep their names across builds, so they are revalidated rather than cached for long.
  app.use('/crew/icons', express.static(path.join(crewDir, 'icons'), { index: false, maxAge: '1d' }));
}

/**
 * Serves the console at "/". Until a renderer build exists, "/" explains where things are instead
 * of answering a bare 404, so a dispatcher following the printed URL is not left guessing.
 */
export function mountStatic(app: Express): void {
  const dir = rendererDir();
  if (dir) {
    // Vite puts hashed assets in /assets (cacheable for long) and each app's index.html in its folder.
    app.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '30d', index: false }));
    app.get('/', (_req, res) =>
      res.sendFile(path.join(dir, 'console', 'index.html'), { dotfiles: 'allow', headers: { 'Cache-Control': 'no-cache' } }),
    );
    // The crew view (phones, on the LAN port). Exactly these paths, so other /crew/* routes
    // (the depot CA download) are not shadowed; an older build without crew/ just has no route.
    const crewIndex = path.join(dir, 'crew', 'index.html');
    if (fs.existsSync(crewIndex)) {
      app.get(['/crew/', '/crew/index.html'], (_req, res) =>
        res.sendFile(crewIndex, { dotfiles: 'allow', headers: { 'Cache-Control': 'no-cache' } }),
      );
      mountCrewPwa(app, path.join(dir, 'crew'));
    }
    return;
  }
  app.get('/', (_req, res) => {
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DepotDesk depot host</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;color:#1f2933}code{background:#eef2f6;padding:0 .3em;border-radius:3px}</style></head>
<body><h1>DepotDesk depot host</h1>
<p data-testid="host-landing">The depot host is running. The dispatch console has not been built into this installation yet.</p>
<ul><li><a href="/api/docs">API v1 documentation</a> (<a href="/api/v1/openapi.json">OpenAPI 3.1</a>)</li>
<li><a href="/healthz">Health</a> · <a href="/metrics">Metrics</a></li></ul>
<p>First run: <code>POST /api/v1/setup</code> creates the organization and its admin; or load the demo depot with <code>npm run seed -- --demo</code>.</p>
</body></html>`);
  });
}

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { resourcesDir } from '../http/resources.js';

/**
 * The managers' console (renderer/org/, built by Vite into dist/renderer/org/) at the hub's "/",
 * its hashed assets at /assets, and the offline basemap at /resources/basemap, as a depot serves
 * them. The page's CSP replaces helmet's default for it: maplibre starts its tile worker from a
 * blob: URL and draws into blob:/data: images; nothing is inline or loaded from elsewhere.
 */

const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

function rendererDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.DEPOTDESK_RENDERER_DIR,
    path.resolve(here, '../renderer'), // dist/host → dist/renderer
    path.resolve(here, '../../dist/renderer'), // server/org-view → dist/renderer
  ].filter((p): p is string => Boolean(p));
  return candidates.find((p) => fs.existsSync(path.join(p, 'org', 'index.html'))) ?? null;
}

export function mountOrgConsole(app: Express): void {
  const resources = resourcesDir();
  if (resources) {
    app.use('/resources/basemap', express.static(path.join(resources, 'basemap'), { index: false, dotfiles: 'ignore', maxAge: '1d' }));
    const icon = path.join(resources, 'icons', 'icon.ico');
    app.get('/favicon.ico', (_req, res) => res.type('image/x-icon').set('Cache-Control', 'public, max-age=86400').sendFile(icon));
  }
  const dir = rendererDir();
  if (!dir) {
    app.get('/', (_req, res) =>
      res
        .type('text/plain')
        .send("DepotDesk hub. The managers' console has not been built into this installation (npm run build:renderer)."),
    );
    return;
  }
  app.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '30d', index: false }));
  app.get(['/', '/index.html'], (_req, res) =>
    res.set('Content-Security-Policy', CONSOLE_CSP).sendFile(path.join(dir, 'org', 'index.html'), {
      dotfiles: 'allow',
      headers: { 'Cache-Control': 'no-cache' },
    }),
  );
}

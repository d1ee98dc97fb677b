import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

/** The repository's resources/ (offline basemap, glyphs, icons), found from the source tree and from dist/host. */
export function resourcesDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.DEPOTDESK_RESOURCES_DIR,
    path.resolve(here, '../../resources'), // server/http → resources, and dist/host → resources
    path.resolve(here, '../resources'),
  ].filter((p): p is string => Boolean(p));
  return candidates.find((p) => fs.existsSync(path.join(p, 'basemap'))) ?? null;
}

/**
 * Serves resources/ at /resources: the console's map reads its basemap from here, so it draws with
 * no network at all. Read-only, public (shapes of the world are no secret), cached for a day.
 */
export function mountResources(app: Express): void {
  const dir = resourcesDir();
  if (!dir) return;
  app.use('/resources', express.static(dir, { index: false, dotfiles: 'ignore', maxAge: '1d' }));
  // Browsers ask for /favicon.ico on every page whatever the page links: answer with the app icon
  // instead of the 404 that was the only error in the browser console.
  const icon = path.join(dir, 'icons', 'icon.ico');
  app.get('/favicon.ico', (_req, res) => res.type('image/x-icon').set('Cache-Control', 'public, max-age=86400').sendFile(icon));
}

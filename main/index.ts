// Electron main entry (bundled to dist/main/index.js by scripts/build-host.mjs). Thin on purpose:
// everything testable lives in app.ts and takes the electron module as an argument.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
import { createMain } from './app.js';

const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The real module is type-checked against the narrow ElectronLike interface that the tests fake.
const handle = createMain(electron, {
  distDir,
  platform: process.platform,
  env: process.env,
  resourcesPath: process.resourcesPath,
});
handle.ready.catch((err: unknown) => {
  electron.dialog.showErrorBox('DepotDesk could not start', err instanceof Error ? err.message : String(err));
  electron.app.exit(1);
});

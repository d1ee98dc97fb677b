import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** End-to-end tests run what users run: the built host bundle and the built console. */
export default function setup(): void {
  // DEPOTDESK_E2E_BUILD=0 reuses dist/ as it is: for unit-only runs, or after an explicit `npm run build`.
  if (process.env.DEPOTDESK_E2E_BUILD === '0') return;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-host.mjs')], { cwd: root, stdio: 'inherit' });
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build (2× slower drags).
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
}

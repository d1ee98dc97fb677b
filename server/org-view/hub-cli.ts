import { pathToFileURL } from 'node:url';
import { AppError } from '../errors.js';
import { HUB_FEATURES } from '../hub/app.js';
import { main } from '../hub/cli.js';
import { orgViewFeature } from './routes.js';

/**
 * `npm run hub`: the hub's command line with the managers' view composed in. The view keeps its org
 * replicas in DEPOTDESK_HUB_VIEW_DIR when set (kept across restarts, so a restart only catches up),
 * else in a temp folder removed when the hub stops.
 */
async function run(argv: string[]): Promise<void> {
  const dir = process.env.DEPOTDESK_HUB_VIEW_DIR;
  await main(argv, [...HUB_FEATURES, orgViewFeature(dir ? { dir } : {})]);
}

// Bundled, every module shares the bundle's import.meta.url, so the build names the entry in
// DEPOTDESK_BUNDLE_ENTRY; from source, compare with argv[1]. Importing this file never runs it.
const bundledAs = process.env.DEPOTDESK_BUNDLE_ENTRY;
const isEntry = bundledAs ? bundledAs === 'hub' : Boolean(process.argv[1]) && import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
if (isEntry) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof AppError ? err.message : `The hub failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  });
}

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../config.js';
import { NotRestorableError } from './inspect.js';
import { HostRunningError, restoreBackup, type RestoreReport } from './restore.js';

const USAGE = `Usage: npm run restore -- --from BACKUP [--data-dir DIR]

  --from BACKUP     a backup set folder (<backup dir>/<yyyymmdd-hhmmss>-<kind>) or its depotdesk.sqlite;
                    any other DepotDesk database file works too (e.g. a copy taken before a migration)
  --data-dir DIR    the depot's data dir (default: DEPOTDESK_DATA_DIR or ${defaultDataDir()})

Quit DepotDesk first: the restore refuses to run while a host uses the data dir. The current
database (and attachments, when the backup has its own) are renamed aside, never deleted.`;

export function describe(r: RestoreReport): string {
  return [
    `Restored ${r.from}`,
    `  into      ${r.dataDir}`,
    ...r.keptAside.map((p) => `  kept aside ${p}`),
    `  attachments restored: ${r.attachmentFiles === 0 ? 'none in this backup (current ones left in place)' : r.attachmentFiles}`,
    `  node epoch: backup ${r.epoch.backup}, replaced database ${r.epoch.replaced ?? 'none or unreadable'}, highest used here ${r.epoch.recorded || 'none'}, now ${r.epoch.now}`,
    'Start DepotDesk again to use the restored depot.',
  ].join('\n');
}

/** Returns the process exit code: 0 restored, 1 refused or failed (nothing changed), 2 usage. */
export async function runRestoreCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let values: { from?: string; 'data-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { from: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help || !values.from) {
    (values.help ? out : err)(USAGE);
    return values.help ? 0 : 2;
  }
  const dataDir = path.resolve(values['data-dir'] ?? env.DEPOTDESK_DATA_DIR ?? defaultDataDir());
  try {
    out(describe(await restoreBackup({ dataDir, from: values.from, now: Date.now })));
    return 0;
  } catch (e) {
    if (e instanceof NotRestorableError || e instanceof HostRunningError) err(`Restore refused: ${e.message}\nNothing was changed.`);
    else err(`Restore failed: ${(e as Error).message}\nThe data dir was left as it was.`);
    return 1;
  }
}

// Bundled as dist/host/restore.js (scripts/build-host.mjs names the entry); from source, compare with argv[1].
const bundledAs = process.env.DEPOTDESK_BUNDLE_ENTRY;
const isEntry = bundledAs
  ? bundledAs === 'restore'
  : Boolean(process.argv[1]) && import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
if (isEntry) {
  void runRestoreCli(
    process.argv.slice(2),
    process.env,
    (l) => console.log(l),
    (l) => console.error(l),
  ).then((code) => {
    process.exitCode = code;
  });
}

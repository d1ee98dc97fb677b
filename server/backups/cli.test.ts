import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { startBackups } from './service.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The restore CLI in its own process, as `npm run restore` runs it: file locks are per process, so this is the real case. */
function restoreCli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'server/backups/cli.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let t: TestHost;
let setDir: string;

beforeAll(async () => {
  t = await startTestHost();
  await t.setupOrg();
  const s = (t.services.backups = startBackups(t.host, { dir: null, scheduled: false }));
  setDir = path.join(s.dir, (await s.backUp('manual')).id);
});
afterAll(() => t.close());

describe('npm run restore', () => {
  it('when a host is running on the data dir, then the restore refuses and changes nothing; once it stopped, the restore runs and says what it did', async () => {
    const before = fs.readdirSync(t.dataDir).sort();
    const refused = restoreCli('--from', setDir, '--data-dir', t.dataDir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Restore refused: A DepotDesk host is running on .* Quit DepotDesk/);
    expect(refused.err).toMatch(/Nothing was changed/);
    expect(fs.readdirSync(t.dataDir).sort()).toEqual(before);

    await t.host.commits.durable();
    t.host.close();
    const done = restoreCli('--from', setDir, '--data-dir', t.dataDir);
    expect(done.err).toBe('');
    expect(done.code).toBe(0);
    expect(done.out).toContain(`Restored ${path.join(setDir, 'depotdesk.sqlite')}`);
    expect(done.out).toMatch(/kept aside .*depotdesk\.sqlite\.before-restore-\d{8}-\d{6}\n/);
    expect(done.out).toContain('node epoch: backup 1, replaced database 1, highest used here 1, now 2');
  });

  it('when --from names something that is not a DepotDesk database, then it refuses with the reason and exit code 1', () => {
    const junk = path.join(t.dataDir, 'junk.bin');
    fs.writeFileSync(junk, 'definitely not SQLite, just some text that goes on for a while '.repeat(100));
    const r = restoreCli('--from', junk, '--data-dir', t.dataDir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Restore refused: .*junk\.bin is not a DepotDesk database: file is not a database/);
  });

  it('when --from is missing, then it prints the usage and exits 2', () => {
    const r = restoreCli('--data-dir', t.dataDir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Usage: npm run restore -- --from BACKUP/);
  });
});

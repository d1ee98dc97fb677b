import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../host.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { flatJpeg, upload } from '../attachments/test-helpers.js';

/** Every path under `dir` whose permission bits are not private (dirs 0700, files 0600). */
function notPrivate(dir: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) found.push(`${p} ${mode.toString(8)}`);
      for (const name of fs.readdirSync(p)) walk(path.join(p, name));
    } else if (st.isFile() && mode !== 0o600) {
      found.push(`${p} ${mode.toString(8)}`);
    }
  };
  walk(dir);
  return found;
}

let t: TestHost;
let a: World;
beforeAll(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
});
afterAll(() => t.close());

describe('private data dir', () => {
  it('when the host writes its database, WAL and a photo, then nobody but this account can read any of it', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const res = await upload(t, a.tokens.tech1, wo.id, await flatJpeg(400, 300), { kind: 'photo', fileName: 'valve.jpg' });
    expect(res.status).toBe(201);
    const files = fs.readdirSync(t.dataDir, { recursive: true }) as string[];
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    expect(files.filter((f) => f.includes('attachments')).length).toBeGreaterThan(0);
    expect(notPrivate(t.dataDir)).toEqual([]);
  });

  it('when a data dir left by an older version is world-readable, then start repairs every path and says so in the log', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-modes-'));
    try {
      createHost({ dataDir: dir }).close();
      fs.mkdirSync(path.join(dir, 'attachments', 'ab'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'attachments', 'ab', 'photo.jpg'), 'x');
      for (const p of [dir, path.join(dir, 'attachments'), path.join(dir, 'attachments', 'ab')]) fs.chmodSync(p, 0o755);
      for (const f of fs.readdirSync(dir, { recursive: true }) as string[])
        if (fs.statSync(path.join(dir, f)).isFile()) fs.chmodSync(path.join(dir, f), 0o644);
      expect(notPrivate(dir).length).toBeGreaterThanOrEqual(5);

      const lines: string[] = [];
      const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
      createHost({ dataDir: dir, log }).close();
      expect(notPrivate(dir)).toEqual([]);
      expect(lines.join('')).toMatch(/made \d+ files and folders in the data dir private/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

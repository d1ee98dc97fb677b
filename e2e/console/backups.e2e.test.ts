import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO, desktopPage, openSettingsTab, hostApi, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let host: E2EHost;
let browser: Browser;
const { call } = hostApi(() => host.url);

beforeAll(async () => {
  host = await startHost({ seed: 60 });
  browser = await launchBrowser();
  fs.mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('backups in the console', () => {
  it('when an admin backs up now, then the new set is listed as checked; restoring an older set restarts the host and the console signs in again on the restored data', async () => {
    // A backup taken by a script before this browser session existed, then a change after it.
    const { token } = await call<{ token: string }>('POST', '/auth/login', null, {
      email: DEMO.admin.email,
      password: DEMO.admin.password,
    });
    const older = await call<{ id: string }>('POST', '/backups', token);
    await call('POST', '/locations', token, { code: 'AFTER-BACKUP', name: 'Written after the backup', lat: 51.45, lon: -2.59 });

    const { page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await openSettingsTab(page, 'backups');
    await expect.poll(() => page.getByTestId('backup-row').count()).toBe(1);
    await page.getByTestId('backup-now').click();
    await expect.poll(() => page.getByTestId('backup-row').count()).toBe(2);
    const newest = page.getByTestId('backup-row').first();
    expect(await newest.getAttribute('data-id')).toMatch(/-manual$/);
    expect(await newest.getByTestId('backup-integrity').textContent()).toBe('ok');
    expect(await page.getByTestId('backup-dir').textContent()).toBe(path.join(host.dataDir, 'backups'));
    expect(await page.getByTestId('backup-epoch').getAttribute('data-epoch')).toBe('1');
    await page.screenshot({ path: path.join(shots, 'backups-admin.png') });

    await page.getByTestId('toast-success').click(); // dismissed, so it does not cover the panel's buttons
    await page.getByTestId('toast-success').waitFor({ state: 'detached' });
    await page.locator(`[data-testid="backup-row"][data-id="${older.id}"]`).getByTestId('backup-restore').click();
    await page.getByTestId('restore-confirm').waitFor();
    await page.screenshot({ path: path.join(shots, 'backups-restore-confirm.png') });
    await page.getByTestId('restore-confirm-button').click();
    // This sign-in is newer than the restored backup, so the restored host does not know it.
    await page.getByTestId('sign-in-submit').waitFor();

    await signIn(page, DEMO.admin.email, DEMO.admin.password); // waits for the live socket too
    await openSettingsTab(page, 'backups');
    expect(await page.getByTestId('backup-epoch').getAttribute('data-epoch')).toBe('2');
    const { token: again } = await call<{ token: string }>('POST', '/auth/login', null, {
      email: DEMO.admin.email,
      password: DEMO.admin.password,
    });
    const codes = (await call<{ items: { code: string }[] }>('GET', '/locations?limit=500', again)).items.map((l) => l.code);
    expect(codes).not.toContain('AFTER-BACKUP');
  });
});

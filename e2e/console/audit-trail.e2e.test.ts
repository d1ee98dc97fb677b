import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO, desktopPage, openSettingsTab, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let host: E2EHost;
let browser: Browser;
beforeAll(async () => {
  host = await startHost({ seed: 60 });
  browser = await launchBrowser();
  fs.mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function verify(page: Page, result: 'ok' | 'broken') {
  await page.getByTestId('verify-audit').click();
  await page.locator(`[data-testid="audit-verification"][data-result="${result}"]`).waitFor();
}

describe('audit trail in the console', () => {
  it('when an admin verifies, then the console shows the chain intact with its head; after an edit behind its back, it names the broken entry', async () => {
    const { page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await openSettingsTab(page, 'audit');
    await verify(page, 'ok');
    await expect.poll(() => page.getByTestId('audit-head').textContent()).toMatch(/Audit chain: [\d,]+ rows · head [0-9a-f]{16} · /);
    await page.screenshot({ path: path.join(shots, 'audit-verify-ok.png') });

    // A person with the database file, while the host runs: drop the guard, rewrite one entry.
    const db = new Database(path.join(host.dataDir, 'depotdesk.sqlite'));
    const victim = db.prepare('SELECT id, action FROM audit_log ORDER BY seq LIMIT 1 OFFSET 20').get() as { id: string; action: string };
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET after = '{}' WHERE id = ?").run(victim.id);
    db.close();

    await verify(page, 'broken');
    const text = await page.getByTestId('audit-first-broken').textContent();
    expect(text).toContain(victim.id);
    expect(text).toContain(victim.action);
    expect(text).toContain('changed after it was written');
    await page.screenshot({ path: path.join(shots, 'audit-verify-broken.png') });
  });

  it('when a dispatcher opens settings, then there is no audit verification tab', async () => {
    const { page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await page.getByTestId('nav-settings').click();
    await page.locator('[data-testid="admin-settings"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('tab-audit').count()).toBe(0);
  });
});

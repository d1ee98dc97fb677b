import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO, desktopPage, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

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

describe('share links', () => {
  it('when a dispatcher shares a work order with a password, then the customer opens it, the console counts the open, and a revoked link stops working', async () => {
    const { page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    page.setDefaultTimeout(15_000);
    await page.getByTestId('nav-work-orders').click();
    await page.locator('.table-wrap[data-state="ready"]').waitFor();
    await page.getByTestId('wo-row').first().click();
    const drawer = page.locator('[data-testid="wo-drawer"][data-state="ready"]');
    await drawer.waitFor();
    const number = await page.getByTestId('wo-number').textContent();

    await page.getByTestId('wo-share').click();
    const dialog = page.getByTestId('share-dialog');
    await dialog.waitFor();
    await page.getByTestId('share-password').fill('harbour gate');
    await page.getByTestId('share-create').click();
    const url = await page.getByTestId('share-url').inputValue();
    expect(url).toMatch(new RegExp(`^${host.url}/s/[0-9A-Za-z]{12}$`));
    await expect.poll(() => page.getByTestId('share-link-row').count()).toBe(1);
    await page.screenshot({ path: path.join(shots, 'console-share-dialog.png') });

    // The customer: no session, just the link.
    const customer = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const cpage = await customer.newPage();
    const first = await cpage.goto(url);
    expect(first!.status()).toBe(200);
    expect(await cpage.textContent('h1')).toBe('Password needed');
    await cpage.fill('input[name="password"]', 'harbour gate');
    await cpage.click('button[type="submit"]');
    await cpage.waitForSelector('a.button');
    expect(await cpage.textContent('h1')).toContain(number!);
    await cpage.screenshot({ path: path.join(shots, 'share-status-page.png'), fullPage: true });

    // The open arrives in the console live (share_links changed → the dialog's list refetches).
    await expect.poll(() => page.getByTestId('share-opens').first().textContent()).toBe('1');

    await page.getByTestId('share-revoke').click();
    await expect.poll(() => page.getByTestId('share-link-row').first().getAttribute('data-state')).toBe('revoked');
    const after = await cpage.goto(url);
    expect(after!.status()).toBe(404);
    await customer.close();
  }, 120_000);
});

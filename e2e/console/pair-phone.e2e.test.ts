import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO, desktopPage, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
let host: E2EHost;
let browser: Browser;
beforeAll(async () => {
  host = await startHost({ seed: 100, lan: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('pairing a crew phone from the console', () => {
  it('when a dispatcher pairs a phone for a technician, then a QR code of the crew LAN address shows a one-time code that signs the phone in', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await page.getByTestId('nav-people').click();
    const row = page.getByTestId('person-row').filter({ hasText: 'Technician' }).first();
    const techName = (await row.locator('b, strong').first().textContent())?.trim() ?? '';
    await row.click();
    await page.getByTestId('pair-phone-create').click();
    await page.getByTestId('pair-qr').waitFor();
    const code = (await page.getByTestId('pair-code').textContent())!.trim();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const alt = (await page.getByTestId('pair-qr').getAttribute('alt'))!;
    expect(alt).toMatch(/https:\/\/[^/]+\/crew\/#\/pair\?code=/);
    fs.mkdirSync(screenshots, { recursive: true });
    await page.getByTestId('pair-phone').screenshot({ path: path.join(screenshots, 'pair-phone.png') });

    // The phone's side: the code signs in as that technician, once.
    const claim = await page.request.post(`${host.url}/api/v1/pairing/claim`, { data: { code } });
    expect(claim.status()).toBe(200);
    const body = await claim.json();
    expect(body.user.role).toBe('technician');
    if (techName) expect(body.user.name).toBe(techName);
    const again = await page.request.post(`${host.url}/api/v1/pairing/claim`, { data: { code } });
    expect(again.status()).toBe(401);
    await context.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { desktopPage, launchBrowser, startHost, type E2EHost } from '../fixtures.js';

let host: E2EHost;
let browser: Browser;
beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('first run with the demo depot', () => {
  it('when a new depot loads the demo from the setup screen, then the admin lands on a board full of work', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    // As the desktop app opens it: the console address with the host's one-time setup code.
    await page.goto(`/#setup=${host.setupCode}`);
    // Every demo login is on the page, technicians' too, spelled as they are.
    expect(await page.locator('.demo-logins').textContent()).toContain('technician@avonvale.example');
    await page.getByTestId('setup-demo').click();
    // While it loads the card shows how far it is: the history's share, moving.
    await page.locator('[data-testid="demo-progress"]:not([data-done="0"])').waitFor({ timeout: 120_000 });
    // Seeding ~2,000 work orders through the real lifecycle takes tens of seconds on a busy machine.
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 120_000 });
    expect(await page.locator('.user').textContent()).toMatch(/admin/i);
    const res = await page.request.get(`${host.url}/api/v1/setup`);
    expect(await res.json()).toEqual({ needed: false });
    const again = await page.request.post(`${host.url}/api/v1/setup/demo`, { data: { setupCode: host.setupCode } });
    expect(again.status()).toBe(409);
    // The technician login the page shows works.
    const tech = await page.request.post(`${host.url}/api/v1/auth/login`, {
      data: { email: 'technician@avonvale.example', password: 'demo-tech-2026' },
    });
    expect(tech.status()).toBe(200);
    expect((await tech.json()).user.role).toBe('technician');
    await context.close();
  }, 180_000);
});

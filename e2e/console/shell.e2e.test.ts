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

describe('console shell', () => {
  it('when a new depot is opened, then first-run setup creates the org and lands in the live console', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    // Opened without the code first (typed address): setup asks for it and refuses a wrong one.
    await page.goto('/');
    await page.getByTestId('setup').waitFor();
    await page.getByTestId('setup-code').fill('not-the-code');
    await page.getByTestId('setup-org').fill('Harbour Works');
    await page.getByTestId('setup-name').fill('Hana Admin');
    await page.getByTestId('setup-email').fill('hana@harbour.example');
    await page.getByTestId('setup-password').fill('a long admin password');
    await page.getByTestId('setup-submit').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('only possible at the depot desk');

    // Then as the host printed it: the code rides in the fragment, which the console moves out of the address bar.
    await page.goto(`/#setup=${host.setupCode}`);
    await page.reload();
    await page.getByTestId('setup').waitFor();
    expect(page.url()).not.toContain('setup=');
    expect(await page.getByTestId('setup-code').count()).toBe(0);
    await page.getByTestId('setup-org').fill('Harbour Works');
    await page.getByTestId('setup-name').fill('Hana Admin');
    await page.getByTestId('setup-email').fill('hana@harbour.example');
    await page.getByTestId('setup-password').fill('a long admin password');
    await page.getByTestId('setup-submit').click();
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    expect(await page.locator('.user').textContent()).toContain('Hana Admin');

    await page.getByTestId('nav-work-orders').click();
    await page.getByTestId('view-work-orders').waitFor();
    expect(page.url()).toContain('#/work-orders');

    // A 1280×720 window: the search box stays usable and every column of the list is on screen.
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(async () => (await page.getByTestId('global-search').boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(160);
    const lastHeader = await page.locator('[data-testid="wo-table"] th').last().boundingBox();
    expect(lastHeader!.x + lastHeader!.width).toBeLessThanOrEqual(1280);

    // Signing out logs no refused request (the console forgets its token before the host ends the session).
    const refused: string[] = [];
    const onConsole = (m: { type(): string; text(): string }) => {
      if (m.type() === 'error') refused.push(m.text());
    };
    page.on('console', onConsole);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    await page.getByTestId('email').fill('hana@harbour.example');
    page.off('console', onConsole);
    expect(refused).toEqual([]);
    await page.getByTestId('password').fill('wrong password');
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('E-mail or password is wrong');
    // The next person signs in to the home view, not to the page the last one left open.
    await page.getByTestId('password').fill('a long admin password');
    await page.getByTestId('sign-in-submit').click();
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    expect(new URL(page.url()).hash).toBe('#/board');
    await context.close();
  });
});

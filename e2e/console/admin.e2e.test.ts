import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO, desktopPage, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let host: E2EHost;
let browser: Browser;
beforeAll(async () => {
  host = await startHost({ seed: 100 });
  browser = await launchBrowser();
  fs.mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function open(page: Page, view: 'assets' | 'people' | 'settings') {
  await page.getByTestId(`nav-${view}`).click();
  await page.locator(`[data-testid="admin-${view}"][data-state="ready"]`).waitFor();
}

/** The host's answer to a direct API call made with the page's own session token. */
function apiStatus(page: Page, method: string, url: string, body: unknown): Promise<number> {
  return page.evaluate(
    async ([m, u, b]) => {
      const token = localStorage.getItem('depotdesk.token') ?? sessionStorage.getItem('depotdesk.token');
      const res = await fetch(`/api/v1${u}`, {
        method: m,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
      return res.status;
    },
    [method, url, body] as const,
  );
}

/** Success toasts would cover the side form's footer in a screenshot; a click dismisses them. */
async function dismissToasts(page: Page) {
  for (const toast of await page.locator('.toast').all()) await toast.click().catch(() => undefined);
  await expect.poll(() => page.locator('.toast').count()).toBe(0);
}

describe('administration', () => {
  it('when an admin places a new location on the picker map, then it is saved and another console sees it appear live', async () => {
    const a = await desktopPage(browser, host.url);
    const b = await desktopPage(browser, host.url);
    await signIn(a.page, DEMO.admin.email, DEMO.admin.password);
    await signIn(b.page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await open(a.page, 'assets');
    await open(b.page, 'assets');
    // The second console is filtered on the code that does not exist yet.
    await b.page.getByTestId('loc-filter-q').fill('E2E-PUMP');
    await expect.poll(() => b.page.getByTestId('location-row').count()).toBe(0);

    await a.page.getByTestId('new-location').click();
    await a.page.getByTestId('loc-code').fill('E2E-PUMP-01');
    await a.page.getByTestId('loc-name').fill('Ashton Vale pumping station');
    await a.page.getByTestId('loc-kind').fill('Pumping station');
    await a.page.getByTestId('loc-radius').fill('250');
    const picker = a.page.locator('[data-testid="location-picker"][data-state="ready"]');
    await picker.waitFor();
    const box = (await picker.boundingBox())!;
    await a.page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.6);
    await expect.poll(() => a.page.getByTestId('loc-lat').inputValue()).not.toBe('');
    const picked = {
      lat: Number(await a.page.getByTestId('loc-lat').inputValue()),
      lon: Number(await a.page.getByTestId('loc-lon').inputValue()),
    };
    expect(picked.lat).toBeGreaterThan(50);
    expect(picked.lat).toBeLessThan(53);
    expect(picked.lon).toBeGreaterThan(-4);
    expect(picked.lon).toBeLessThan(-1);
    // Fine-tune by typing; the marker follows.
    await a.page.getByTestId('loc-lat').fill('51.4412');
    await a.page.getByTestId('loc-lon').fill('-2.6123');
    await a.page.getByTestId('location-save').click();
    await a.page.getByTestId('location-form').waitFor({ state: 'detached' });
    await a.page.getByTestId('loc-filter-q').fill('E2E-PUMP');
    const row = a.page.getByTestId('location-row').filter({ hasText: 'E2E-PUMP-01' });
    await row.waitFor();
    expect(await row.textContent()).toContain('51.44120');
    expect(await row.textContent()).toContain('250 m');

    // Live: the other console's filtered table now shows it without a reload.
    await b.page.getByTestId('location-row').filter({ hasText: 'E2E-PUMP-01' }).waitFor();

    // A bad value gets the host's field message next to the field.
    await a.page.getByTestId('loc-filter-q').fill('');
    await a.page.getByTestId('location-row').first().click();
    await a.page.getByTestId('loc-radius').fill('5');
    await a.page.getByTestId('location-save').click();
    await a.page.getByTestId('location-form').getByTestId('field-error').waitFor();
    expect(await a.page.getByTestId('location-form').getByTestId('field-error').textContent()).toMatch(/10/);
    await a.page.getByTestId('loc-radius').fill('150');
    await a.page.getByTestId('location-save').click();
    await a.page.getByTestId('location-form').waitFor({ state: 'detached' });
    await a.page.getByTestId('location-row').filter({ hasText: 'E2E-PUMP-01' }).click();
    await a.page.locator('[data-testid="location-picker"][data-state="ready"]').waitFor();
    await dismissToasts(a.page);
    await a.page.screenshot({ path: path.join(shots, 'admin-locations.png') });
    await a.page.getByTestId('location-form').getByRole('button', { name: 'Cancel' }).click();

    // Edit an asset.
    await a.page.getByTestId('tab-assets').click();
    await a.page.locator('[data-testid="admin-assets"][data-tab="assets"][data-state="ready"]').waitFor();
    await a.page.getByTestId('asset-row').first().click();
    await a.page.getByTestId('asset-name').fill('Renamed by e2e');
    await a.page.getByTestId('asset-status').selectOption('maintenance');
    await a.page.getByTestId('asset-save').click();
    await a.page.getByTestId('asset-form').waitFor({ state: 'detached' });
    const assetRow = a.page.getByTestId('asset-row').filter({ hasText: 'Renamed by e2e' });
    await assetRow.waitFor();
    expect(await assetRow.textContent()).toContain('Maintenance');
    await a.context.close();
    await b.context.close();
  });

  it('when an admin creates a team, adds a member and edits a shift, then the people table shows both', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await open(page, 'people');
    await page.getByTestId('new-team').click();
    await page.getByTestId('team-name').fill('Night response');
    await page.getByTestId('team-save').click();
    const team = page.getByTestId('team').filter({ hasText: 'Night response' });
    await team.click();
    const select = team.getByTestId('add-member-select');
    const option = await select.locator('option').nth(1).getAttribute('value');
    const optionText = (await select.locator('option').nth(1).textContent())!;
    await select.selectOption(option!);
    await team.getByTestId('add-member').click();
    await team.getByTestId('team-member').first().waitFor();
    const memberName = optionText.replace(/\s*\(.*\)$/, '');
    expect(await team.getByTestId('team-member').first().textContent()).toContain(memberName);
    await page.getByTestId('person-row').filter({ hasText: memberName }).filter({ hasText: 'Night response' }).waitFor();

    // Edit that person's Monday shift.
    await page.getByTestId('person-row').filter({ hasText: memberName }).click();
    const form = page.getByTestId('user-form');
    await form
      .getByTestId('user-skills')
      .getByText(/Loading/)
      .waitFor({ state: 'detached' });
    if ((await form.getByTestId('shift-editor').count()) === 0) await form.getByTestId('shift-toggle').click();
    if ((await form.getByTestId('mon-0-start').count()) === 0) await form.getByTestId('mon-add').click();
    await form.getByTestId('mon-0-start').fill('06:15');
    await form.getByTestId('mon-0-end').fill('14:45');
    await dismissToasts(page);
    await page.screenshot({ path: path.join(shots, 'admin-people.png') });
    await form.getByTestId('user-save').click();
    await form.waitFor({ state: 'detached' });
    await page.getByTestId('person-row').filter({ hasText: memberName }).filter({ hasText: '06:15–14:45' }).waitFor();

    // A shift the host refuses (end before start) is explained under the day.
    await page.getByTestId('person-row').filter({ hasText: memberName }).click();
    await form.getByTestId('tue-add').click();
    await form.getByTestId('tue-0-start').fill('18:00');
    await form.getByTestId('tue-0-end').fill('09:00');
    await form.getByTestId('user-save').click();
    await form
      .getByTestId('shift-editor')
      .getByText(/must start before it ends/)
      .waitFor();
    await form.getByTestId('form-error').waitFor();
    await context.close();
  });

  it('when an admin edits an SLA matrix cell, then the grid shows the new targets', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await open(page, 'settings');
    await page.getByTestId('template-row').first().waitFor();
    await page.getByTestId('tab-sla').click();
    await page.locator('[data-testid="admin-settings"][data-tab="sla"][data-state="ready"]').waitFor();
    const cell = page.getByTestId('sla-cell-corrective-high');
    await cell.click();
    await page.getByTestId('policy-response').fill('95');
    await page.getByTestId('policy-resolution').fill('600');
    await page.getByTestId('policy-save').click();
    await page.getByTestId('policy-form').waitFor({ state: 'detached' });
    await expect.poll(() => cell.textContent()).toContain('1h 35m / 10h');
    await page.getByTestId('sla-cell-inspection-low').click();
    await page.getByTestId('policy-form').waitFor();
    await dismissToasts(page);
    await page.screenshot({ path: path.join(shots, 'admin-settings.png') });
    await context.close();
  });

  it('when a dispatcher opens Teams & people, then user actions are hidden and the API refuses them', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await open(page, 'people');
    await page.getByTestId('person-row').first().waitFor();
    expect(await page.getByTestId('new-user').count()).toBe(0);
    expect(await page.getByTestId('new-team').count()).toBe(0);
    await page.getByTestId('person-row').first().click();
    expect(await page.getByTestId('user-save').count()).toBe(0);
    expect(await page.getByTestId('user-name').isDisabled()).toBe(true);
    const status = await apiStatus(page, 'POST', '/users', {
      email: 'sneaky@avonvale.example',
      password: 'a long sneaky password',
      name: 'Sneaky',
      role: 'admin',
    });
    expect(status).toBe(403);
    // The SLA matrix is read-only for a dispatcher too.
    await open(page, 'settings');
    await page.getByTestId('tab-sla').click();
    await page.locator('[data-testid="admin-settings"][data-tab="sla"][data-state="ready"]').waitFor();
    await page.getByTestId('sla-cell-corrective-high').click();
    expect(await page.getByTestId('policy-form').count()).toBe(0);
    await context.close();
  });
});

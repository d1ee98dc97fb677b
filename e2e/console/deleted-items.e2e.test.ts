import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO, desktopPage, hostApi, launchBrowser, openSettingsTab, signIn, startHost, type E2EHost } from '../fixtures.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let host: E2EHost;
let browser: Browser;
const { call, raw } = hostApi(() => host.url);

beforeAll(async () => {
  // 60 work orders with seed 7: nothing uses the installation · high policy, so it may be deleted.
  host = await startHost({ seed: 60 });
  browser = await launchBrowser();
  fs.mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const login = async (who: { email: string; password: string }) =>
  (await call<{ token: string }>('POST', '/auth/login', null, { email: who.email, password: who.password })).token;

async function openSlaMatrix(page: Page) {
  await page.getByTestId('tab-sla').click();
  await page.locator('[data-testid="admin-settings"][data-tab="sla"][data-state="ready"]').waitFor();
}

/** Removes the policy of a matrix cell through its side form; resolves when the cell says it has no target. */
async function removeTarget(page: Page, cellId: string) {
  const cell = page.getByTestId(cellId);
  const before = await cell.textContent();
  await cell.click();
  await page.getByTestId('policy-remove').click();
  await page.getByTestId('policy-form').waitFor({ state: 'detached' });
  await expect.poll(() => cell.textContent()).not.toBe(before);
  return before ?? '';
}

describe('Settings → Deleted items', () => {
  it('when an admin removes an SLA target, then it is listed under Deleted items, Restore brings it back to the matrix, and a refused restore shows why', async () => {
    const admin = await login(DEMO.admin);
    // Things deleted elsewhere (a script, another console) are in the bin too.
    const team = await call<{ id: string }>('POST', '/teams', admin, { name: 'Night standby' });
    expect((await raw('DELETE', `/teams/${team.id}`, admin)).status).toBe(204);
    const old = await call<{ id: string }>('POST', '/locations', admin, {
      code: 'E2E-YARD',
      name: 'Old salt yard',
      lat: 51.45,
      lon: -2.59,
    });
    expect((await raw('DELETE', `/locations/${old.id}`, admin)).status).toBe(204);
    await call('POST', '/locations', admin, { code: 'E2E-YARD', name: 'New salt yard', lat: 51.46, lon: -2.6 });

    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await openSettingsTab(page, 'templates');
    await openSlaMatrix(page);
    const target = await removeTarget(page, 'sla-cell-installation-high');
    await page.getByTestId('toast-success').filter({ hasText: 'SLA target for installation · high removed' }).click();

    await openSettingsTab(page, 'deleted');
    const row = page.locator('[data-testid="deleted-row"][data-kind="slaPolicy"]');
    await row.waitFor();
    // Newest delete first: the policy just removed, then the location and the team deleted through the API.
    expect(await page.getByTestId('deleted-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual([
      'slaPolicy',
      'location',
      'team',
    ]);
    expect(await row.textContent()).toContain('installation · high');
    const adminName = (await call<{ name: string }>('GET', '/auth/me', admin)).name;
    expect(await row.textContent()).toContain(adminName);

    // The filter by type narrows the list to one kind.
    await page.getByTestId('deleted-filter-kind').selectOption('team');
    await expect.poll(() => page.getByTestId('deleted-row').count()).toBe(1);
    expect(await page.getByTestId('deleted-row').getAttribute('data-kind')).toBe('team');
    await page.getByTestId('deleted-filter-kind').selectOption('');
    await expect.poll(() => page.getByTestId('deleted-row').count()).toBe(3);

    // A restore the host refuses (a live location took the code) says why, beside the row and in a toast.
    const yard = page.locator('[data-testid="deleted-row"][data-kind="location"]');
    await yard.getByTestId('deleted-restore').click();
    await yard.getByTestId('restore-refused').waitFor();
    expect(await yard.getByTestId('restore-refused').textContent()).toMatch(/Another location now has this code/);
    await page.getByTestId('toast-error').filter({ hasText: 'Another location now has this code' }).waitFor();
    await page.screenshot({ path: path.join(shots, 'settings-deleted-items.png') });

    await row.getByTestId('deleted-restore').click();
    await page.getByTestId('toast-success').filter({ hasText: 'SLA policy' }).waitFor();
    await expect.poll(() => row.count()).toBe(0);

    await openSlaMatrix(page);
    await expect.poll(() => page.getByTestId('sla-cell-installation-high').textContent()).toBe(target);
    await context.close();
  });

  it('when an admin removes an SLA target and presses Undo on the toast, then the target is back at once', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await openSettingsTab(page, 'sla');
    const target = await removeTarget(page, 'sla-cell-installation-high');
    const toast = page.getByTestId('toast-success').filter({ hasText: 'removed' });
    await toast.getByTestId('toast-action').click();
    await page.getByTestId('toast-success').filter({ hasText: 'SLA target for installation · high restored' }).waitFor();
    await expect.poll(() => page.getByTestId('sla-cell-installation-high').textContent()).toBe(target);
    await context.close();
  });

  it('when an admin removes a team member and presses Undo, then the member is back with their lead flag', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await page.getByTestId('nav-people').click();
    await page.locator('[data-testid="admin-people"][data-state="ready"]').waitFor();
    const team = page.getByTestId('team').first();
    await team.locator('button.head').click();
    const lead = team.getByTestId('team-member').first(); // leads are listed first
    await lead.waitFor();
    const name = (await lead.locator('.name').textContent()) ?? '';
    const wasLead = (await lead.locator('.lead-badge').count()) === 1;
    const count = await team.getByTestId('team-member').count();
    await lead.getByTestId('remove-member').click();
    await expect.poll(() => team.getByTestId('team-member').count()).toBe(count - 1);
    await page
      .getByTestId('toast-success')
      .filter({ hasText: `${name} removed from` })
      .getByTestId('toast-action')
      .click();
    await expect.poll(() => team.getByTestId('team-member').count()).toBe(count);
    const back = team.getByTestId('team-member').filter({ hasText: name });
    expect(await back.locator('.lead-badge').count()).toBe(wasLead ? 1 : 0);
    await context.close();
  });

  it('when a viewer deletes a report schedule and presses Undo, then the schedule is listed again', async () => {
    const viewer = await login(DEMO.viewer);
    await call('POST', '/reports/schedules', viewer, { name: 'Monthly depot pack', kind: 'workbook', cadence: 'monthly' });
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.viewer.email, DEMO.viewer.password);
    await page.getByTestId('nav-reports').click();
    await page.locator('[data-testid="reports-view"][data-state="ready"]').waitFor();
    const row = page.getByTestId('schedule-row').filter({ hasText: 'Monthly depot pack' });
    await row.getByRole('button', { name: 'Edit' }).click();
    page.once('dialog', (d) => void d.accept()); // "Delete the schedule …? Its files stay."
    await page.getByTestId('schedule-form').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count()).toBe(0);
    await page.getByTestId('toast-success').filter({ hasText: 'Monthly depot pack' }).getByTestId('toast-action').click();
    await page.getByTestId('toast-success').filter({ hasText: 'Schedule "Monthly depot pack" restored' }).waitFor();
    await expect.poll(() => row.count()).toBe(1);
    await context.close();
  });

  it("when a viewer (who may delete only report schedules) opens Deleted items, then only report schedules are offered and the admin's deletions are not shown", async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.viewer.email, DEMO.viewer.password);
    await openSettingsTab(page, 'deleted');
    // The admin's deleted team and location are not the viewer's to restore: nothing is listed.
    await page.getByTestId('deleted-empty').waitFor();
    const kinds = await page.getByTestId('deleted-filter-kind').locator('option').allTextContents();
    expect(kinds).toEqual(['All types', 'Report schedule']);
    await context.close();
  });
});

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
  fs.mkdirSync(shots, { recursive: true });
  host = await startHost({ seed: 100 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** A London date `days` from now, as the plan form's datetime-local field takes it. */
function londonDay(days: number, time: string): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d)}T${time}`;
}

describe('maintenance plans', () => {
  it('when a dispatcher creates a daily plan, then its occurrences beyond the horizon show on the Gantt as forecast bars', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('tab-maintenance').click();
    await page.locator('[data-testid="admin-settings"][data-tab="maintenance"][data-state="ready"]').waitFor();

    await page.getByTestId('new-plan').click();
    const form = page.getByTestId('plan-form');
    await form.getByTestId('plan-name').fill('E2E daily pump walk-round');
    await form.getByTestId('plan-template').selectOption({ index: 1 });
    await form.getByTestId('plan-asset').selectOption({ index: 1 });
    await form.getByTestId('plan-every').fill('1');
    await form.getByTestId('plan-unit').selectOption('DAILY');
    // Two days out with a one-day horizon: nothing is generated yet, all of it is forecast.
    // Depot date and time fields (text, the depot's way); an ISO day reads in any locale.
    const [day, time] = londonDay(2, '10:00').split('T');
    await form.getByTestId('plan-dtstart-date').fill(day!);
    await form.getByTestId('plan-dtstart-time').fill(time!);
    await form.getByTestId('plan-horizon').fill('1');
    await page.screenshot({ path: path.join(shots, 'maintenance-plan-form.png') });
    await form.getByTestId('plan-save').click();
    await page.locator('[data-testid="plan-row"]', { hasText: 'E2E daily pump walk-round' }).waitFor();

    await page.getByTestId('nav-planning').click();
    await page.locator('[data-testid="planning"][data-state="ready"]').waitFor();
    await page.getByTestId('view-month').click();
    await page.locator('[data-testid="planning"][data-state="ready"]').waitFor();
    await page.locator('[data-testid="lane-label"][data-lane-id="forecast:maintenance"]').waitFor();
    const bars = page.locator('.bar-wrapper.pm-forecast');
    await expect.poll(() => bars.count()).toBeGreaterThan(3);
    expect(await bars.first().locator('.bar-label').textContent()).toContain('E2E daily pump walk-round');
    // Forecast bars are no work orders: none of their ids is one.
    expect(await bars.first().getAttribute('data-id')).toMatch(/^pm:/);
    await page.screenshot({ path: path.join(shots, 'planning-maintenance-forecast.png') });
    // The week: the hatched, dashed bars at their hour; hovering one says it is not a work order yet.
    await page.getByTestId('view-week').click();
    await page.locator('[data-testid="planning"][data-state="ready"]').waitFor();
    await bars.first().hover();
    await expect.poll(() => bars.first().locator('title').textContent()).toContain('forecast, not yet a work order');
    await page.screenshot({ path: path.join(shots, 'planning-maintenance-forecast-week.png') });
    await context.close();
  }, 120_000);
});

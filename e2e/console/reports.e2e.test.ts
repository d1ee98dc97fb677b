import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO, desktopPage, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let host: E2EHost;
let browser: Browser;
let token: string;
beforeAll(async () => {
  host = await startHost({ seed: 500 });
  browser = await launchBrowser();
  const res = await fetch(`${host.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO.viewer),
  });
  token = ((await res.json()) as { token: string }).token;
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

interface Summary {
  created: number;
  completed: number;
  backlog: number;
  overdue: number;
  onTime: { value: number | null };
  slaResolution: { value: number | null };
  utilisation: { value: number | null };
  firstTimeFix: { value: number | null };
  mttrRepairH: number | null;
}

/** The API's answer for exactly the period and filters the view is showing (read from its root). */
async function apiSummary(page: Page, filters: Record<string, string> = {}): Promise<Summary> {
  const root = page.locator('[data-testid="reports-view"][data-state="ready"]');
  const q = new URLSearchParams({ from: (await root.getAttribute('data-from'))!, to: (await root.getAttribute('data-to'))!, ...filters });
  const res = await fetch(`${host.url}/api/v1/reports/kpis?${q}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { summary: Summary }).summary;
}

async function tiles(page: Page) {
  await page.locator('[data-testid="reports-view"][data-state="ready"]').waitFor();
  const v = async (key: string) => {
    const raw = await page.getByTestId(`tile-${key}`).getAttribute('data-value');
    return raw === '' ? null : Number(raw);
  };
  return {
    created: await v('created'),
    completed: await v('completed'),
    backlog: await v('backlog'),
    overdue: await v('overdue'),
    onTime: await v('onTime'),
    slaResolution: await v('slaResolution'),
    utilisation: await v('utilisation'),
    firstTimeFix: await v('firstTimeFix'),
    mttrRepairH: await v('mttrRepairH'),
  };
}

const expected = (s: Summary) => ({
  created: s.created,
  completed: s.completed,
  backlog: s.backlog,
  overdue: s.overdue,
  onTime: s.onTime.value,
  slaResolution: s.slaResolution.value,
  utilisation: s.utilisation.value,
  firstTimeFix: s.firstTimeFix.value,
  mttrRepairH: s.mttrRepairH,
});

describe('console reports', () => {
  it("when a manager opens Reports, then the tiles show the API's numbers, and a filter changes both alike", async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.viewer.email, DEMO.viewer.password);
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('period-preset').selectOption('last90');
    const all = await tiles(page);
    expect(all).toEqual(expected(await apiSummary(page)));
    expect(all.created).toBeGreaterThan(0);
    // Every dimension the API breaks down is on screen too.
    for (const d of ['team', 'technician', 'type', 'location', 'asset']) {
      expect(await page.locator(`[data-testid="table-${d}"] tbody tr`).count(), d).toBeGreaterThan(0);
    }
    // Activity by person: the people the API counts for the same period, each with its figures.
    const root = page.locator('[data-testid="reports-view"][data-state="ready"]');
    const period = new URLSearchParams({ from: (await root.getAttribute('data-from'))!, to: (await root.getAttribute('data-to'))! });
    const activity = (await (
      await fetch(`${host.url}/api/v1/reports/activity?${period}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { people: { userId: string | null; created: number; updated: number; completed: number }[] };
    expect(activity.people.length).toBeGreaterThan(1);
    const rows = page.locator('[data-testid="table-activity"] tbody tr[data-user]');
    await expect.poll(() => rows.count()).toBe(activity.people.length);
    const busiest = activity.people[0]!;
    const cells = await page
      .locator(`[data-testid="table-activity"] tr[data-user="${busiest.userId ?? 'system'}"] td.num`)
      .allTextContents();
    expect(cells.map((c) => Number(c.replace(/\D/g, '')))).toEqual([busiest.created, busiest.updated, busiest.completed]);

    // Team filter: the first team in the picker.
    const teamId = await page.getByTestId('filter-teamId').locator('option').nth(1).getAttribute('value');
    await page.getByTestId('filter-teamId').selectOption(teamId!);
    await page.waitForFunction((before) => {
      const root = document.querySelector('[data-testid="reports-view"][data-state="ready"]');
      return root && document.querySelector('[data-testid="tile-created"]')?.getAttribute('data-value') !== String(before);
    }, all.created);
    const team = await tiles(page);
    expect(team).toEqual(expected(await apiSummary(page, { teamId: teamId! })));
    expect(team.created!).toBeLessThan(all.created!);
    expect(await page.locator('[data-testid="table-team"] tbody tr').count()).toBe(1);

    // Type on top of the team.
    await page.getByTestId('filter-type').selectOption('emergency');
    await page.waitForFunction(
      (before) =>
        document.querySelector('[data-testid="reports-view"][data-state="ready"]') &&
        document.querySelector('[data-testid="tile-created"]')?.getAttribute('data-value') !== String(before),
      team.created,
    );
    expect(await tiles(page)).toEqual(expected(await apiSummary(page, { teamId: teamId!, type: 'emergency' })));
    await context.close();
  });

  it('when a breach is clicked, then its work order opens; an export runs to a download; the screenshot shows the depot', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.supervisor.email, DEMO.supervisor.password);
    await page.goto('/#/reports');
    await tiles(page); // the default period: the last 30 days
    await page.locator('[data-testid="chart-completed"] canvas').waitFor();
    fs.mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'reports.png') });
    // Export through the report jobs (engineer R2's endpoints): progress, then a download link.
    await page.getByTestId('export-kpi-pdf').click();
    await page.locator('[data-testid="export-job"][data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('export-download').textContent()).toMatch(/Download kpi-pdf-.*\.pdf/);

    expect(await page.getByTestId('breached-row').count()).toBeGreaterThan(0);
    await page.getByTestId('breached-row').first().click();
    await expect.poll(() => page.url()).toContain('wo=');
    await context.close();
  }, 90_000);

  it('when the console runs in the desktop shell, then a finished export is saved through the platform (the native save dialog)', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    // What the preload exposes, faked: the calls are recorded instead of reaching Electron's main.
    await context.addInitScript(() => {
      const calls: { method: string; name?: string; head?: string; size?: number }[] = [];
      Object.assign(window, { __platformCalls: calls });
      window.depotdesk = {
        kind: 'desktop',
        saveReport: async (name, data) => {
          calls.push({ method: 'saveReport', name, head: String.fromCharCode(...data.slice(0, 4)), size: data.byteLength });
          return `/home/dispatch/Documents/${name}`;
        },
        notifyAlert: async (alert) => void calls.push({ method: 'notifyAlert', name: alert.key }),
      };
    });
    await signIn(page, DEMO.supervisor.email, DEMO.supervisor.password);
    await page.goto('/#/reports');
    await tiles(page);
    await page.getByTestId('export-kpi-pdf').click();
    await page.locator('[data-testid="export-job"][data-state="done"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('export-download').click();
    const saves = () =>
      page.evaluate(() =>
        (window as unknown as { __platformCalls: { method: string }[] }).__platformCalls.filter((c) => c.method === 'saveReport'),
      );
    await expect.poll(saves).toHaveLength(1);
    expect((await saves())[0]).toMatchObject({ name: expect.stringMatching(/^kpi-pdf-.*\.pdf$/), head: '%PDF', size: expect.any(Number) });
    await context.close();
  }, 90_000);
});

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Map as MapLibre } from 'maplibre-gl';
import { startSyncDemo, type SyncDemo } from '../../server/demo-sync/run.js';
import { desktopPage, launchBrowser } from '../fixtures.js';

/**
 * The managers' console (renderer/org/) as a manager uses it, on a real hub with two real depot
 * hosts (`npm run demo:sync`): the hub admin reads every depot's figures, opens one, downloads its
 * reports, looks at the map, adds a manager; the manager then sees the figures but no accounts.
 * Every figure on screen is checked against the hub's API and against depot A's own KPI route.
 */

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const MANAGER = { email: 'morgan.manager@demo.example', name: 'Morgan Manager', password: 'manager password 2026' };

let demo: SyncDemo;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let adminToken: string;
/** The period the overview opened on (last 30 days in the organization's zone), as the page sent it. */
let period: { from: string; to: string };
/** Errors the page logged (a CSP violation, a failed chunk, a React error): there must be none. */
const pageErrors: string[] = [];

type Ratio = { numerator: number; denominator: number; value: number | null };
type Summary = Record<string, number | null | Ratio>;
interface Overview {
  depots: { id: string; code: string; name: string; openNow: number; overdueNow: number; summary: Summary }[];
  combined: Summary & { openNow: number; overdueNow: number };
}

async function hubCall(method: string, route: string, token: string | null, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${demo.hub.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function hubLogin(email: string, password: string): Promise<string> {
  const res = await hubCall('POST', '/hub/v1/auth/login', null, { email, password });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { token: string }).token;
}

async function depotA<T>(route: string): Promise<T> {
  const a = demo.depots[0];
  const res = await fetch(`${a.url}${route}`, { headers: { authorization: `Bearer ${a.token}` } });
  expect(res.status, route).toBe(200);
  return (await res.json()) as T;
}

/** What the overview table shows for each line, read from its cells' data-value (raw figures). */
async function tableFigures(p: Page): Promise<Record<string, Record<string, string>>> {
  const lines = await p.locator('[data-testid="overview-row"], [data-testid="overview-combined"]').evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.getAttribute('data-depot-id') ?? '',
      cells: Array.from(row.querySelectorAll('[data-col]'), (c) => [c.getAttribute('data-col') ?? '', c.getAttribute('data-value') ?? '']),
    })),
  );
  return Object.fromEntries(lines.map((l) => [l.id, Object.fromEntries(l.cells)]));
}

/** The same figures as the table's data-value attributes write them, from an API summary. */
function expectedCells(s: Summary, now: { openNow: number; overdueNow: number }): Record<string, string> {
  const ratio = (r: unknown) => `${(r as Ratio).numerator}/${(r as Ratio).denominator}`;
  return {
    openNow: String(now.openNow),
    overdueNow: String(now.overdueNow),
    created: String(s.created),
    completed: String(s.completed),
    backlog: String(s.backlog),
    onTime: ratio(s.onTime),
    slaResponse: ratio(s.slaResponse),
    slaResolution: ratio(s.slaResolution),
    mttrRepairH: s.mttrRepairH === null ? '' : String(s.mttrRepairH),
    firstTimeFix: ratio(s.firstTimeFix),
  };
}

/** A summary without the backlog's ages, which are measured against "now" and so move between two calls. */
const periodFigures = ({ backlogAgeMeanH: _mean, backlogAgeMaxH: _max, ...rest }: Summary) => rest;

async function signInAt(p: Page, email: string, password: string): Promise<void> {
  await p.getByTestId('email').fill(email);
  await p.getByTestId('password').fill(password);
  await p.getByTestId('sign-in-submit').click();
}

beforeAll(async () => {
  demo = await startSyncDemo({ workOrders: 200 });
  browser = await launchBrowser();
  ({ context, page } = await desktopPage(browser, demo.hub.url));
  // The refusals this test provokes (a wrong password, the last admin kept, an ended session) are the browser's to log.
  const provoked = /Failed to load resource: the server responded with a status of 40[19]/;
  page.on('console', (m) => {
    if (m.type() === 'error' && !provoked.test(m.text())) pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  adminToken = await hubLogin(demo.hub.signIn.email, demo.hub.signIn.password);
  fs.mkdirSync(screenshots, { recursive: true });
}, 240_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await demo?.stop();
});

describe("the managers' console on the hub", () => {
  it('when the hub admin signs in, then every depot and all depots together show the figures the hub and depot A report', async () => {
    await page.goto('/');
    await signInAt(page, demo.hub.signIn.email, demo.hub.signIn.password);
    const overview = page.locator('[data-testid="overview"][data-state="ready"]');
    await overview.waitFor({ timeout: 30_000 });
    period = { from: (await overview.getAttribute('data-from'))!, to: (await overview.getAttribute('data-to'))! };

    const api = await hubCall('GET', `/hub/v1/org/overview?${new URLSearchParams(period)}`, adminToken);
    expect(api.status, JSON.stringify(api.body)).toBe(200);
    const o = api.body as Overview;
    // Depot A's host keeps the demo's two depots; depot B (NORTH) joined at its setup.
    expect(o.depots.map((d) => d.code).sort()).toEqual(['AVM', 'BTH', 'NORTH']);

    const shown = await tableFigures(page);
    expect(Object.keys(shown).sort()).toEqual([...o.depots.map((d) => d.id), 'all'].sort());
    for (const d of o.depots) expect(shown[d.id], d.code).toMatchObject(expectedCells(d.summary, d));
    expect(shown.all).toMatchObject(expectedCells(o.combined, o.combined));
    expect(await page.getByTestId('overview-combined').textContent()).toContain('All depots');

    // Same definitions: depot A's own Reports route gives the hub's figures for the same period,
    // per depot it keeps, and for the whole organization (A has pulled B's work).
    const own = await depotA<{ items: { id: string; code: string }[] }>('/api/v1/depots?limit=50');
    for (const code of ['AVM', 'BTH']) {
      const id = own.items.find((d) => d.code === code)!.id;
      const theirs = await depotA<{ summary: Summary }>(`/api/v1/reports/kpis?${new URLSearchParams({ ...period, depotId: id })}`);
      expect(periodFigures(o.depots.find((d) => d.id === id)!.summary), code).toEqual(periodFigures(theirs.summary));
    }
    const whole = await depotA<{ summary: Summary }>(`/api/v1/reports/kpis?${new URLSearchParams(period)}`);
    const { openNow: _open, overdueNow: _overdue, ...combined } = o.combined;
    expect(periodFigures(combined)).toEqual(periodFigures(whole.summary));
    expect((o.combined.created as number) > 0).toBe(true);

    await page.screenshot({ path: path.join(screenshots, 'org-overview.png') });
  }, 90_000);

  it('when a depot is opened, then its whole report shows and its PDF and workbook download for that depot and period', async () => {
    const o = (await hubCall('GET', `/hub/v1/org/overview?${new URLSearchParams(period)}`, adminToken)).body as Overview;
    const avm = o.depots.find((d) => d.code === 'AVM')!;
    await page.locator(`[data-testid="overview-row"][data-depot-id="${avm.id}"]`).getByTestId('depot-link').click();
    const view = page.locator(`[data-testid="depot-view"][data-depot-id="${avm.id}"][data-state="ready"]`);
    await view.waitFor({ timeout: 30_000 });
    expect(await view.getAttribute('data-from')).toBe(period.from);
    expect(await page.getByTestId('depot-title').textContent()).toContain('Avonmouth');
    expect(await page.getByTestId('tile-created').getAttribute('data-value')).toBe(String(avm.summary.created));
    expect(await page.getByTestId('strip-open').textContent()).toBe(String(avm.openNow));
    for (const table of ['team', 'technician', 'type', 'location', 'asset', 'breached', 'mtbf']) {
      await page.getByTestId(`table-${table}`).waitFor();
    }
    expect(await page.locator('[data-testid="table-team"] tbody tr').count()).toBeGreaterThan(0);
    await page.locator('[data-testid="chart-daily"] canvas').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'org-depot.png') });

    const download = async (id: string) => {
      const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(`download-${id}`).click()]);
      const bytes = fs.readFileSync((await file.path())!);
      return { name: file.suggestedFilename(), bytes };
    };
    const pdf = await download('pdf');
    expect(pdf.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(pdf.bytes.length).toBeGreaterThan(5_000);
    expect(pdf.name).toMatch(/\.pdf$/);
    const workbook = await download('workbook');
    expect(workbook.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(workbook.bytes.length).toBeGreaterThan(5_000);
    expect(workbook.name).toMatch(/\.xlsx$/);
    expect(await page.getByTestId('download-error').count()).toBe(0);
  }, 120_000);

  it('when the map opens, then the open work is clustered on the canvas and counted as in the overview', async () => {
    const o = (await hubCall('GET', `/hub/v1/org/overview?${new URLSearchParams(period)}`, adminToken)).body as Overview;
    await page.getByTestId('nav-map').click();
    await page.locator('[data-testid="map-canvas"][data-state="ready"]').waitFor({ timeout: 30_000 });
    const count = page.getByTestId('map-count');
    expect(Number(await count.getAttribute('data-open'))).toBe(o.combined.openNow);
    expect(await count.textContent()).toMatch(new RegExp(`^${o.combined.openNow} open, \\d+ not on the map \\(no location\\)`));

    const drawn = await page.evaluate(() => {
      const map = (globalThis as unknown as { __depotdeskOrgMap: MapLibre }).__depotdeskOrgMap;
      return {
        canvas: map.getCanvas().width > 0,
        clusterLayer: map.getLayer('work-clusters') !== undefined,
        work: map.queryRenderedFeatures({ layers: ['work-clusters', 'work-points'] }).length,
        clusters: map.queryRenderedFeatures({ layers: ['work-clusters'] }).length,
        depots: map.queryRenderedFeatures({ layers: ['depots-dot'] }).map((f) => String(f.properties.name)),
        land: map.queryRenderedFeatures({ layers: ['region-land'] }).length,
      };
    });
    expect(drawn).toMatchObject({ canvas: true, clusterLayer: true });
    expect(drawn.work).toBeGreaterThan(0);
    expect(drawn.clusters).toBeGreaterThan(0);
    expect(drawn.land).toBeGreaterThan(0);
    expect(drawn.depots).toEqual(expect.arrayContaining(['Avonmouth Depot']));
    await page.screenshot({ path: path.join(screenshots, 'org-map.png') });

    // The most urgent job in the list beside the map: the map flies to it and opens its popup.
    const first = page.getByTestId('urgent-list').locator('button').first();
    const number = (await first.locator('strong').textContent())!;
    await first.click();
    await expect.poll(() => page.getByTestId('work-popup').textContent()).toContain(number);

    // One depot only: the count follows.
    const north = o.depots.find((d) => d.code === 'NORTH')!;
    await page.getByTestId('map-depot').selectOption(north.id);
    await expect.poll(async () => Number(await page.getByTestId('map-count').getAttribute('data-open'))).toBe(north.openNow);
  }, 90_000);

  it('when the admin adds a manager, then the manager sees the figures but no accounts, and the hub refuses them the accounts API', async () => {
    await page.getByTestId('nav-accounts').click();
    await page.locator('[data-testid="accounts-view"][data-state="ready"]').waitFor();
    // The hub keeps its last admin: the refusal's own words are shown under the row.
    const self = page.locator(`[data-testid="account-row"][data-email="${demo.hub.signIn.email}"]`);
    await self.getByTestId('account-toggle').click();
    await expect.poll(() => page.getByTestId('account-error').textContent()).toMatch(/last active admin/);

    await page.getByTestId('new-email').fill(MANAGER.email);
    await page.getByTestId('new-name').fill(MANAGER.name);
    await page.getByTestId('new-role').selectOption('manager');
    await page.getByTestId('new-password').fill('short');
    await page.getByTestId('new-submit').click();
    await expect.poll(() => page.locator('[data-testid="new-account"] .org-field-error').textContent()).toBe('at least 10 characters');
    await page.getByTestId('new-password').fill(MANAGER.password);
    await page.getByTestId('new-submit').click();
    await page.getByTestId('new-account-done').waitFor();
    const row = page.locator(`[data-testid="account-row"][data-email="${MANAGER.email}"][data-role="manager"][data-active="true"]`);
    await row.waitFor();
    await page.screenshot({ path: path.join(screenshots, 'org-accounts.png') });

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await signInAt(page, MANAGER.email, 'not the password');
    expect(await page.getByTestId('sign-in-error').textContent()).toMatch(/wrong/);
    await signInAt(page, MANAGER.email, MANAGER.password);
    await page.locator('[data-testid="overview"][data-state="ready"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('me-role').textContent()).toBe('manager');
    expect(await page.getByTestId('nav-accounts').count()).toBe(0);
    await page.goto('/#/accounts');
    await page.getByTestId('not-allowed').waitFor();

    const managerToken = await hubLogin(MANAGER.email, MANAGER.password);
    expect((await hubCall('GET', '/hub/v1/accounts', managerToken)).status).toBe(403);
    expect((await hubCall('GET', `/hub/v1/org/overview?${new URLSearchParams(period)}`, managerToken)).status).toBe(200);
  }, 90_000);

  it('when the session ends on the hub, then the next refresh goes back to sign-in and says why', async () => {
    await page.getByTestId('nav-overview').click();
    await page.locator('[data-testid="overview"][data-state="ready"]').waitFor();
    const token = await page.evaluate(() => sessionStorage.getItem('depotdesk.hub.token'));
    expect((await hubCall('POST', '/hub/v1/auth/logout', token)).status).toBe(204);
    await page.getByTestId('refresh').click();
    await page.getByTestId('sign-in').waitFor();
    expect(await page.getByTestId('sign-in-notice').textContent()).toMatch(/session has ended/);
    // The hub's policy for this page (server/org-view/static.ts) let everything it does through.
    expect(pageErrors).toEqual([]);
  }, 60_000);
});

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO, desktopPage, hostApi, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let host: E2EHost;
let browser: Browser;
let token: string;
const { call } = hostApi(() => host.url);

interface Move {
  workOrderId: string;
  version: number;
  to: { assigneeId: string; start: string; end: string };
}
interface Job {
  id: string;
  state: string;
  proposal: { moves: Move[]; hardViolations: number } | null;
}
interface Wo {
  assigneeId: string | null;
  plannedStart: string | null;
  version: number;
}

beforeAll(async () => {
  host = await startHost({ seed: 300 });
  browser = await launchBrowser();
  token = (await call<{ token: string }>('POST', '/auth/login', null, DEMO.dispatcher)).token;
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('plan optimiser (console)', () => {
  it('when a dispatcher optimises the week, then the proposal shows as ghost bars with reasons, and only the ticked moves are applied', async () => {
    const { page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await page.getByTestId('nav-planning').click();
    await page.locator('[data-testid="planning"][data-state="ready"]').waitFor();

    const started = page.waitForResponse((r) => r.url().endsWith('/api/v1/plan/optimise') && r.request().method() === 'POST');
    await page.getByTestId('plan-optimise').click();
    const runId = ((await (await started).json()) as Job).id;
    await page.locator('[data-testid="optimise-panel"][data-state="done"]').waitFor({ timeout: 30_000 });
    const job = await call<Job>('GET', `/plan/optimise/${runId}`, token);
    const moves = job.proposal!.moves;
    expect(moves.length).toBeGreaterThan(1);
    expect(job.proposal!.hardViolations).toBe(0);
    await page.locator('.bar-wrapper.wo-ghost').first().waitFor();
    expect(await page.getByTestId('optimise-move').count()).toBe(moves.length);
    await page.locator('[data-testid="planning"][data-state="ready"]').waitFor();
    fs.mkdirSync(path.join(root, 'docs/screenshots'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'docs/screenshots/planning-optimise.png') });
    // The first proposed day, close up: ghost bars beside the planned work, for the docs.
    await page.getByTestId('view-day').click();
    await page.locator('[data-testid="planning"][data-state="ready"]').waitFor();
    const firstDay = new Date(moves[0]!.to.start).toISOString().slice(0, 10);
    for (let i = 0; i < 10 && (await page.getByTestId('plan-from').inputValue()) !== firstDay.split('-').reverse().join('/'); i++) {
      await page.getByLabel('Later').click();
      await page.locator('[data-testid="planning"][data-state="ready"]').waitFor();
    }
    await page.locator('.bar-wrapper.wo-ghost').first().waitFor();
    await page.screenshot({ path: path.join(root, 'docs/screenshots/planning-optimise-day.png') });

    // Untick the first move: accept the rest in one request.
    const skipped = moves[0]!;
    const before = await call<Wo>('GET', `/work-orders/${skipped.workOrderId}`, token);
    await page.locator(`[data-testid="optimise-move"][data-id="${skipped.workOrderId}"] input[type="checkbox"]`).uncheck();
    await page.locator(`.bar-wrapper.wo-ghost-off[data-id="ghost:${skipped.workOrderId}"]`).waitFor();
    const accepted = page.waitForResponse((r) => r.url().endsWith(`/plan/optimise/${runId}/accept`));
    await page.getByTestId('optimise-accept-selected').click();
    const answer = await accepted;
    expect([answer.status(), answer.status() === 200 ? '' : await answer.text()]).toEqual([200, '']);
    await page.getByTestId('optimise-panel').waitFor({ state: 'detached' });

    for (const m of moves.slice(1)) {
      const wo = await call<Wo>('GET', `/work-orders/${m.workOrderId}`, token);
      expect([wo.assigneeId, wo.plannedStart]).toEqual([m.to.assigneeId, new Date(m.to.start).toISOString()]);
    }
    const after = await call<Wo>('GET', `/work-orders/${skipped.workOrderId}`, token);
    expect(after.version).toBe(before.version);
  });

  it('when a dispatcher asks for the best crews for new work, then the drawer ranks crews with reasons and plans it with one click', async () => {
    // Its own new work, so the test does not depend on what the demo left unplanned at this hour.
    const site = (await call<{ items: { id: string }[] }>('GET', '/locations?limit=1', token)).items[0]!;
    const created = await call<{ id: string }>('POST', '/work-orders', token, {
      title: 'Hydrant leaking at the kerb',
      type: 'corrective',
      priority: 'medium',
      locationId: site.id,
      durationMin: 60,
    });
    const unplanned = [created.id];
    const { page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await page.goto(`/#/board?wo=${unplanned[0]!}`);
    await page.locator('[data-testid="wo-drawer"][data-state="ready"]').waitFor();
    await page.locator('[data-testid="crew-suggestions"] summary').click();
    const first = page.getByTestId('crew-suggestion').first();
    await first.waitFor();
    expect(await first.locator('li').count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: path.join(root, 'docs/screenshots/crew-suggestions.png') });
    const userId = await first.getAttribute('data-user-id');
    await first.getByRole('button', { name: 'Plan it' }).click();
    await page.getByTestId('toast-success').waitFor();
    const wo = await call<Wo>('GET', `/work-orders/${unplanned[0]!}`, token);
    expect(wo.assigneeId).toBe(userId);
    expect(wo.plannedStart).not.toBeNull();
  });
});

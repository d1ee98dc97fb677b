import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { v7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO, desktopPage, hostApi, launchBrowser, openSettingsTab, signIn, startHost, type E2EHost } from '../fixtures.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let host: E2EHost;
let browser: Browser;
const { call } = hostApi(() => host.url);

beforeAll(async () => {
  host = await startHost({ seed: 20 });
  browser = await launchBrowser();
  fs.mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/**
 * A KPI report whose build job ran out of attempts, as a host that kept failing it leaves them: the
 * run still queued, its job dead with the last error. Written into the running host's database, as
 * nothing a user can do makes a report build fail three times on purpose.
 */
function deadReportJob(): { runId: string; jobId: string } {
  const db = new Database(path.join(host.dataDir, 'depotdesk.sqlite'));
  db.pragma('busy_timeout = 5000');
  const orgId = db.prepare('SELECT id FROM organizations LIMIT 1').pluck().get() as string;
  const now = Date.now();
  const runId = v7();
  const jobId = v7();
  const spec = { kind: 'kpi-pdf', orgId, filters: {}, now };
  db.prepare(
    `INSERT INTO report_runs (id, org_id, kind, state, params, created_at, updated_at, version) VALUES (?, ?, 'kpi-pdf', 'queued', ?, ?, ?, 1)`,
  ).run(runId, orgId, JSON.stringify(spec), now, now);
  db.prepare(
    `INSERT INTO jobs (id, org_id, kind, key, payload, state, attempts, max_attempts, run_at, last_error, created_at, updated_at, finished_at)
     VALUES (?, ?, 'report.build', ?, ?, 'dead', 3, 3, ?, 'The report worker stopped (exit code 134).', ?, ?, ?)`,
  ).run(jobId, orgId, runId, JSON.stringify({ runId, fileName: `kpi-pdf-e2e-${runId.slice(-8)}.pdf` }), now, now, now, now);
  db.close();
  return { runId, jobId };
}

describe('Settings → Jobs', () => {
  it('when a report job is dead-lettered, then an admin sees it with its error, re-drives it, and the report is built', async () => {
    const { runId, jobId } = deadReportJob();
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await openSettingsTab(page, 'jobs');
    const row = page.locator(`[data-testid="jobs-dead"] [data-testid="job-row"][data-id="${jobId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('report.build');
    expect(await row.getByTestId('job-error').textContent()).toBe('The report worker stopped (exit code 134).');
    expect(await row.textContent()).toContain('3 / 3');
    await page.screenshot({ path: path.join(shots, 'settings-jobs-dead.png') });

    await row.getByTestId('job-redrive').click();
    await page.getByTestId('toast-success').filter({ hasText: 'report.build job queued again' }).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('jobs-dead-empty').waitFor();

    const token = (await call<{ token: string }>('POST', '/auth/login', null, DEMO.admin)).token;
    await expect
      .poll(async () => (await call<{ state: string }>('GET', `/reports/jobs/${runId}`, token)).state, { timeout: 60_000 })
      .toBe('done');
    const done = await call<{ items: { id: string; state: string }[] }>('GET', '/jobs?state=done', token);
    expect(done.items.map((j) => j.id)).toContain(jobId);
    await context.close();
  }, 120_000);

  it('when a dispatcher opens settings, then there is no Jobs tab and the API refuses', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await page.getByTestId('nav-settings').click();
    await page.locator('[data-testid="admin-settings"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('tab-jobs').count()).toBe(0);
    const token = (await call<{ token: string }>('POST', '/auth/login', null, DEMO.dispatcher)).token;
    await expect(call('GET', '/jobs', token)).rejects.toThrow(/403/);
    await context.close();
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestHub, type TestHub, type TestOrg } from '../../server/hub/testing.js';
import { DEMO, desktopPage, hostApi, launchBrowser, startHost, type E2EHost } from '../fixtures.js';

const shots = path.resolve(import.meta.dirname, '../../docs/screenshots');

/**
 * A new depot joins its organization from the first-run setup form, against a real hub on PostgreSQL:
 * depot A (a small demo) has enrolled and pushed; the new depot's admin picks "Join an organization's
 * hub", types the hub's address and a code, and lands on a board holding A's work.
 */

let hub: TestHub;
let org: TestOrg;
let a: E2EHost;
let b: E2EHost;
let browser: Browser;
const apiA = hostApi(() => a.url);
const apiB = hostApi(() => b.url);

async function enrolmentCode(): Promise<string> {
  const res = await hub.call('POST', '/hub/v1/enrolment-codes', { token: org.token, body: {} });
  if (res.status !== 201) throw new Error(`enrolment code: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.code as string;
}

beforeAll(async () => {
  [hub, a, b, browser] = await Promise.all([startTestHub(), startHost({ seed: 40 }), startHost(), launchBrowser()]);
  org = await hub.org('Avonvale Water');
  const { token } = await apiA.call<{ token: string }>('POST', '/auth/login', null, DEMO.admin);
  await apiA.call('POST', '/sync/enrol', token, { hubUrl: hub.url, code: await enrolmentCode() });
  const status = await apiA.call<{ pending: number; lastError: string | null }>('POST', '/sync/now', token);
  expect(status).toMatchObject({ pending: 0, lastError: null });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await hub?.stop();
});

describe('joining an organization at first-run setup', () => {
  it('when a wrong code is typed, then the form says why; with a good one the depot joins and shows the organization’s work', async () => {
    const { context, page } = await desktopPage(browser, b.url);
    await page.goto(`/#setup=${b.setupCode}`);
    await page.getByTestId('setup-mode-join').check();
    await expect(page.getByTestId('setup-org').count()).resolves.toBe(0);
    await expect(page.getByTestId('setup-demo').count()).resolves.toBe(0);
    await page.getByTestId('setup-hub-url').fill(hub.url);
    await page.getByTestId('setup-enrolment-code').fill('NOT-A-REAL-CODE-123');
    await page.getByTestId('setup-depot-name').fill('North depot');
    await page.getByTestId('setup-depot-code').fill('north');
    await page.getByTestId('setup-name').fill('Nia North');
    await page.getByTestId('setup-email').fill('nia@north.example');
    await page.getByTestId('setup-password').fill('north depot password');
    await page.getByTestId('setup-submit').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/code/i);
    expect((await apiB.call<{ needed: boolean }>('GET', '/setup', null)).needed).toBe(true);

    await page.getByTestId('setup-enrolment-code').fill(await enrolmentCode());
    await page.screenshot({ path: path.join(shots, 'setup-join.png') });
    await page.getByTestId('setup-submit').click();
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="sync-indicator"][data-phase="online"]').waitFor({ timeout: 60_000 });

    const { token } = await apiB.call<{ token: string }>('POST', '/auth/login', null, {
      email: 'nia@north.example',
      password: 'north depot password',
    });
    const tokenA = (await apiA.call<{ token: string }>('POST', '/auth/login', null, DEMO.admin)).token;
    type Page = { items: { id: string }[] };
    const ids = async (api: typeof apiA, t: string) =>
      (await api.call<Page>('GET', '/work-orders?limit=200', t)).items.map((w) => w.id).sort();
    const onA = await ids(apiA, tokenA);
    expect(onA.length).toBeGreaterThan(0);
    await expect.poll(() => ids(apiB, token), { timeout: 30_000 }).toEqual(onA);
    const status = await apiB.call<{ enrolled: boolean; hubUrl: string }>('GET', '/sync/status', token);
    expect(status).toMatchObject({ enrolled: true, hubUrl: hub.url });

    // A's people came without their passwords (they never travel): Teams & people says so, and Nia
    // sets one for A's dispatcher, who can then sign in here.
    await page.getByTestId('nav-people').click();
    const dispatcherRow = page.getByTestId('person-row').filter({ hasText: DEMO.dispatcher.email });
    await dispatcherRow.getByTestId('no-password').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('person-row').filter({ hasText: 'nia@north.example' }).getByTestId('no-password').count()).toBe(0);
    await dispatcherRow.click();
    await page.getByTestId('no-password-note').waitFor();
    await page.screenshot({ path: path.join(shots, 'people-no-password.png') });
    expect(
      (
        await fetch(`${b.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(DEMO.dispatcher),
        })
      ).status,
    ).toBe(401);
    await page.getByTestId('reset-password').fill(DEMO.dispatcher.password);
    await page.getByTestId('reset-password-submit').click();
    await page.getByText('Password set; they can sign in here now').waitFor();
    await dispatcherRow.getByTestId('no-password').waitFor({ state: 'detached' });
    expect((await apiB.call<{ token: string }>('POST', '/auth/login', null, DEMO.dispatcher)).token).toBeTruthy();
    await context.close();
  }, 120_000);
});

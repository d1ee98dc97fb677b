import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO, PHONE, launchBrowser, startHost, type E2EHost, hostApi } from '../fixtures.js';

const screenshot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots/crew-pair-steps.png');
let host: E2EHost;
let browser: Browser;
beforeAll(async () => {
  host = await startHost({ seed: 300 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const { call } = hostApi(() => host.url);

interface Wo {
  id: string;
  number: string;
  status: string;
  assigneeId: string | null;
  checklist: { id: string; kind: string }[];
}

describe('crew view: pairing and status steps', () => {
  it("when a dispatcher pairs a technician's phone, then the phone sees its dispatched work and moves it en route and on site", async () => {
    const { token: dispatcher } = await call<{ token: string }>('POST', '/auth/login', null, DEMO.dispatcher);
    const dispatched = await call<{ items: Wo[] }>('GET', '/work-orders?status=DISPATCHED&limit=100', dispatcher);
    const wo = dispatched.items.find((w) => w.assigneeId && w.checklist.some((i) => i.kind === 'yesno'));
    expect(wo, 'the demo depot has dispatched, assigned work with a yes/no checklist item').toBeTruthy();
    const pairing = await call<{ code: string; pairUrl: string }>('POST', '/pairing-codes', dispatcher, { userId: wo!.assigneeId });
    expect(pairing.pairUrl).toBe(`/crew/#/pair?code=${pairing.code}`);

    const context = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true, baseURL: host.url });
    const page = await context.newPage();
    await page.goto(pairing.pairUrl);
    await page.locator('[data-testid="crew-pair"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('pair-code').textContent()).toBe(pairing.code);
    await page.getByTestId('pair-submit').tap();

    await page.locator('[data-testid="crew-my-work"][data-state="ready"]').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('depotdesk.token'))).toBeTruthy();
    const card = page.getByTestId(`crew-wo-${wo!.number}`);
    await card.waitFor();
    await page.screenshot({ path: screenshot.replace('crew-pair-steps', 'crew-my-work') });
    await card.tap();

    await page.locator('[data-testid="crew-work-order"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('crew-status').textContent()).toBe('Dispatched');
    await page.getByTestId('crew-step-EN_ROUTE').tap();
    await page.locator('[data-testid="crew-work-order"][data-status="EN_ROUTE"]').waitFor();
    await page.getByTestId('crew-step-ON_SITE').tap();
    await page.locator('[data-testid="crew-work-order"][data-status="ON_SITE"]').waitFor();
    await page.getByTestId('crew-step-COMPLETED').waitFor();
    await page.locator('[data-testid="crew-work-order"][data-host-status="ON_SITE"]').waitFor();

    const after = await call<Wo>('GET', `/work-orders/${wo!.id}`, dispatcher);
    expect(after.status).toBe('ON_SITE');
    await page.screenshot({ path: screenshot });

    // Answer a yes/no checklist item; the host records it.
    const yesNo = wo!.checklist.find((i) => i.kind === 'yesno')!;
    await page.getByTestId(`crew-check-${yesNo.id}`).getByRole('button', { name: 'Yes' }).tap();
    await page.locator(`[data-testid="crew-check-${yesNo.id}"][data-answered="yes"]`).waitFor();
    // The phone shows the answer at once; the host has it once the outbox delivered it.
    await expect
      .poll(
        async () => {
          const answered = await call<{ items: { item: { id: string }; answer: { value: unknown } | null }[] }>(
            'GET',
            `/work-orders/${wo!.id}/checklist`,
            dispatcher,
          );
          return answered.items.find((r) => r.item.id === yesNo.id)?.answer?.value ?? null;
        },
        { timeout: 10_000 },
      )
      .toBe(true);

    // On hold needs a reason; resuming returns to on site.
    await page.getByTestId('crew-step-ON_HOLD').tap();
    expect(await page.getByTestId('crew-hold-confirm').isDisabled()).toBe(true);
    await page.getByTestId('crew-hold-reason').fill('Waiting for a replacement lantern');
    await page.getByTestId('crew-hold-confirm').tap();
    await page.locator('[data-testid="crew-work-order"][data-host-status="ON_HOLD"]').waitFor();
    const held = await call<Wo & { holdReason: string | null }>('GET', `/work-orders/${wo!.id}`, dispatcher);
    expect(held).toMatchObject({ status: 'ON_HOLD', holdReason: 'Waiting for a replacement lantern' });
    await page.getByTestId('crew-step-ON_SITE').tap();
    await page.locator('[data-testid="crew-work-order"][data-status="ON_SITE"]').waitFor();
    await context.close();
  });

  it("when a code is wrong, then the phone shows the host's message and stays on the pair screen", async () => {
    const context = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true, baseURL: host.url });
    const page = await context.newPage();
    await page.goto('/crew/');
    await page.locator('[data-testid="crew-pair"][data-state="ready"]').waitFor();
    await page.getByTestId('pair-code-input').fill('ZZZZ-ZZZZ');
    await page.getByTestId('pair-submit').tap();
    const message = await page.getByTestId('pair-error').textContent();
    expect(message?.length).toBeGreaterThan(5);
    await context.close();
  });

  it('when /crew/ and / are opened, then each serves its own app', async () => {
    const index = await fetch(`${host.url}/crew/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('DepotDesk crew');
    const console = await fetch(`${host.url}/`);
    expect(await console.text()).not.toContain('DepotDesk crew');
  });
});

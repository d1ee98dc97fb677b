import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO, desktopPage, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

/** Set KEY_SHOTS=<dir> to keep screenshots of the focused card, the help overlay and a carried bar. */
const SHOTS = process.env.KEY_SHOTS;
const HOUR = 3_600_000;

let host: E2EHost;
let browser: Browser;
let token: string;

interface Wo {
  id: string;
  number: string;
  status: string;
  assigneeId: string | null;
  teamId: string | null;
  plannedStart: string | null;
  plannedEnd: string | null;
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${host.url}/api/v1${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Presses `key` and returns what has focus: a board card's number and status, or a bar's id. */
async function press(page: Page, key: string) {
  await page.keyboard.press(key);
  return focused(page);
}
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const bar = el?.closest('.bar-wrapper');
    return {
      number: el?.dataset.number ?? null,
      status: el?.dataset.status ?? null,
      bar: bar?.getAttribute('data-id') ?? null,
      label: el?.getAttribute('aria-label') ?? null,
      testid: el?.dataset.testid ?? null,
    };
  });
}

/**
 * Walks the keyboard focus to a target (a card or a bar) with arrow keys only, the way a dispatcher
 * would look for it: towards its column/lane first, then along it.
 */
async function arrowTo(page: Page, target: string) {
  for (let i = 0; i < 150; i++) {
    const step = await page.evaluate((sel) => {
      const t = document.querySelector(sel)?.getBoundingClientRect();
      const f = document.activeElement?.getBoundingClientRect();
      const on = document.activeElement?.matches(sel) || Boolean(document.activeElement?.closest(sel));
      if (!t || !f) return 'lost';
      if (on) return 'there';
      const dx = t.left + t.width / 2 - (f.left + f.width / 2);
      const dy = t.top + t.height / 2 - (f.top + f.height / 2);
      // Board: columns first (cards are far apart sideways); Gantt: lanes first (rows are close together).
      const board = sel.includes('board-card');
      if (board ? Math.abs(dx) > 40 : Math.abs(dy) > 8)
        return board ? (dx > 0 ? 'ArrowRight' : 'ArrowLeft') : dy > 0 ? 'ArrowDown' : 'ArrowUp';
      if (board) return dy > 0 ? 'ArrowDown' : 'ArrowUp';
      return dx > 0 ? 'ArrowRight' : 'ArrowLeft';
    }, target);
    if (step === 'there') return;
    if (step === 'lost') throw new Error(`keyboard focus lost on the way to ${target}`);
    await page.keyboard.press(step);
  }
  throw new Error(`never reached ${target}`);
}

beforeAll(async () => {
  host = await startHost({ seed: 300 });
  browser = await launchBrowser();
  const res = await fetch(`${host.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO.dispatcher),
  });
  token = ((await res.json()) as { token: string }).token;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('keyboard-first board and Gantt', () => {
  it('when a dispatcher uses only the keyboard, then a card moves to the next status and a bar moves later and to another crew, as saved on the host', async () => {
    const users = await call<{ items: { id: string; role: string; active: boolean }[] }>('GET', '/users?limit=500');
    const tech = users.items.find((u) => u.role === 'technician' && u.active)!;
    const card = await call<Wo>('POST', '/work-orders', {
      title: 'Keyboard e2e: leaking hydrant',
      type: 'emergency',
      priority: 'critical',
    });
    // Planned and assigned, so the lifecycle lets it go NEW → SCHEDULED → DISPATCHED.
    await call('POST', `/work-orders/${card.id}/assignment`, {
      assigneeId: tech.id,
      plannedStart: new Date(Date.now() + HOUR).toISOString(),
    });

    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await page.goto('/#/board');
    await page.locator('[data-testid="board"][data-state="ready"]').waitFor();
    const cardSel = `[data-testid="board-card"][data-number="${card.number}"]`;
    await page.locator(`[data-testid="board-column-NEW"] ${cardSel}`).waitFor();

    // Nothing focused: an arrow picks up the first card; arrows walk to ours.
    expect((await press(page, 'ArrowDown')).number).not.toBeNull();
    await arrowTo(page, cardSel);
    expect(await focused(page)).toMatchObject({ number: card.number, status: 'NEW' });
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'board-focused.png') });

    // Shift+→ moves it a column right, through the drop's path; focus stays on it as it moves.
    for (const to of ['SCHEDULED', 'DISPATCHED']) {
      await page.keyboard.press('Shift+ArrowRight');
      await expect.poll(async () => (await call<Wo>('GET', `/work-orders/${card.id}`)).status, { timeout: 10_000 }).toBe(to);
      await expect.poll(() => focused(page)).toMatchObject({ number: card.number, status: to });
    }
    await page.locator(`[data-testid="board-column-DISPATCHED"] ${cardSel}`).waitFor();

    // `a`: the drawer opens on this work order with the caret in its assignee field.
    await page.keyboard.press('a');
    await page.locator(`[data-testid="wo-drawer"][data-id="${card.id}"]`).waitFor();
    await expect.poll(async () => (await focused(page)).testid).toBe('wo-assign-assignee');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="wo-drawer"]').waitFor({ state: 'detached' });

    // `?` lists the board's keys and the global ones; Esc closes it.
    await page.locator(cardSel).focus();
    await page.keyboard.press('?');
    const help = page.getByTestId('key-help');
    await help.waitFor();
    expect(await help.textContent()).toContain('SLA board');
    expect(await help.textContent()).toContain('Switch view');
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'help-board.png') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    expect((await focused(page)).number).toBe(card.number);

    // A move that needs a reason (on site → on hold) asks for it in the drop dialog, typed and sent with Enter.
    const onSite = (await page.locator('[data-testid="board-column-ON_SITE"] [data-testid="board-card"]').first().getAttribute('data-id'))!;
    const onSiteSel = `[data-testid="board-card"][data-id="${onSite}"]`;
    await arrowTo(page, onSiteSel);
    await page.keyboard.press('Shift+ArrowRight');
    await page.getByTestId('board-drop-dialog').waitFor();
    await expect.poll(async () => (await focused(page)).testid).toBe('board-drop-text');
    await page.keyboard.type('Waiting for a replacement valve');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => {
        const wo = await call<Wo & { holdReason: string | null }>('GET', `/work-orders/${onSite}`);
        return [wo.status, wo.holdReason];
      })
      .toEqual(['ON_HOLD', 'Waiting for a replacement valve']);
    await expect.poll(() => focused(page)).toMatchObject({ status: 'ON_HOLD' });
    expect(await page.locator(onSiteSel).evaluate((el) => el === document.activeElement)).toBe(true);

    // Planning (Alt+2), the week view a first visit opens on.
    await page.keyboard.press('Alt+2');
    await page.locator('[data-testid="planning"][data-state="ready"]').waitFor();
    await page.locator('[data-testid="view-week"].on').waitFor();
    // A technician lane followed by another technician's, and a job on the first at 10:00 today (depot time).
    const laneIds = await page.locator('[data-testid="lane-label"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane-id')!));
    const at = laneIds.findIndex((id, i) => id.startsWith('user:') && laneIds[i + 1]?.startsWith('user:'));
    const [fromTech, toTech] = [laneIds[at]!.slice(5), laneIds[at + 1]!.slice(5)];
    const job = await call<Wo>('POST', '/work-orders', {
      title: 'Keyboard e2e: reseat pump',
      type: 'corrective',
      priority: 'high',
      durationMin: 120,
    });
    const start = DateTime.fromObject({ hour: 10 }, { zone: 'Europe/London' }).toMillis();
    await call('POST', `/work-orders/${job.id}/assignment`, {
      assigneeId: fromTech,
      plannedStart: new Date(start).toISOString(),
      plannedEnd: new Date(start + 2 * HOUR).toISOString(),
    });
    const barSel = `.bar-wrapper[data-id="${job.id}"]`;
    await page.locator(barSel).waitFor();

    expect((await press(page, 'ArrowDown')).bar).not.toBeNull();
    await arrowTo(page, barSel);
    const onBar = await focused(page);
    expect(onBar.bar).toBe(job.id);
    expect(onBar.label).toContain(job.number);
    expect(onBar.label).toContain('reseat pump');
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'gantt-focused.png') });

    // Two steps later (the week view's key step is an hour), shown before it is saved, saved on Enter.
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.locator('[data-testid="plan-key-move"][data-state="pending"]').waitFor();
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'gantt-carried.png') });
    await page.keyboard.press('Enter');
    const saved = async () => {
      const wo = await call<Wo>('GET', `/work-orders/${job.id}`);
      return [wo.assigneeId, Date.parse(wo.plannedStart!) - start, Date.parse(wo.plannedEnd!) - start];
    };
    await expect.poll(saved, { timeout: 10_000 }).toEqual([fromTech, 2 * HOUR, 4 * HOUR]);
    await page.locator('[data-testid="plan-key-move"][data-state="idle"]').waitFor({ state: 'attached' });
    expect((await focused(page)).bar).toBe(job.id);

    // Escape puts a carried bar back: nothing is saved.
    await page.keyboard.press('Shift+ArrowLeft');
    await page.locator('[data-testid="plan-key-move"][data-state="pending"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="plan-key-move"][data-state="idle"]').waitFor({ state: 'attached' });

    // Shift+↓: to the next technician, same times.
    await page.keyboard.press('Shift+ArrowDown');
    await page.locator('[data-testid="plan-key-move"][data-state="pending"]').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(saved, { timeout: 10_000 }).toEqual([toTech, 2 * HOUR, 4 * HOUR]);
    await expect.poll(async () => (await focused(page)).bar).toBe(job.id);
    expect(await saved()).toEqual([toTech, 2 * HOUR, 4 * HOUR]);

    await page.keyboard.press('?');
    await page.getByTestId('key-help').waitFor();
    expect(await page.getByTestId('key-help').textContent()).toContain('Carry the bar');
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'help-planning.png') });
    await context.close();
  }, 120_000);
});

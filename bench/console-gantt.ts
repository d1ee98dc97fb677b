/// <reference lib="dom" />
/**
 * Planning (Gantt) figures, measured in Chromium on the BUILT console and host:
 *   node --import tsx bench/console-gantt.ts [--work-orders 2000] [--runs 5] [--drags 20] [--data DIR] [--save-data DIR] [--trace FILE] [--renderer DIR] [--screenshot FILE]
 * (build first: `node scripts/build-host.mjs && npm run build:renderer`).
 *
 * A demo depot is seeded on a temp dir; if fewer than N work orders are planned in the current
 * month, more are created through the API (spread over the technicians, weekdays, shift hours).
 * Then, in the Month view (all N bars in range):
 *   - load: navigation to #/planning → data-state="ready" (data fetched AND the chart drawn), median of runs;
 *   - drop: mouse down on a bar → move one day → up; from the mouse-up (timed in the page) to saved by the API,
 *     the saved state drawn and that frame painted, p50/p95; beside plain frappe-gantt 1.2 with the same work
 *     orders and the same POST, in the same run (console-gantt-drop.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { chromium, type Page } from 'playwright-core';
import { armDrop, collectDrop, plainDrag, plainPage, type DropTimes } from './console-gantt-drop.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TARGET = arg('work-orders', 2000);
const RUNS = arg('runs', 5);
const DRAGS = arg('drags', 20);
const sarg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
/** --data DIR: start from a copy of a data dir kept by an earlier run (--save-data DIR), skipping the ~3 min seed. */
const DATA_FROM = sarg('data');
const SAVE_DATA = sarg('save-data');
/** --trace FILE: a Chrome trace (CDP Tracing) of one extra drag, from mouse-down to saved and redrawn. */
const TRACE = sarg('trace');
/** --screenshot FILE: the Month view after the last drop (saved and redrawn), to look at. */
const SCREENSHOT = sarg('screenshot');
/** --renderer DIR: a console build other than dist/renderer (e.g. a copy of an older build, for before/after). */
const RENDERER = sarg('renderer') ?? path.join(root, 'dist/renderer');
const ZONE = 'Europe/London'; // the demo depot's zone
const DISPATCHER = { email: 'dispatcher@avonvale.example', password: 'demo-dispatch-2026' };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Nearest-rank percentile. */
const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)]!;
const pct = (xs: number[]) => `${p(xs, 0.5).toFixed(0)} / ${p(xs, 0.95).toFixed(0)} ms`;
const ratio = (a: number[], b: number[]) => `${(p(a, 0.5) / p(b, 0.5)).toFixed(2)}× / ${(p(a, 0.95) / p(b, 0.95)).toFixed(2)}×`;

async function main() {
  for (const f of ['dist/host/start.js', 'dist/host/seed.js', 'dist/renderer/index.html']) {
    if (!fs.existsSync(path.join(root, f)) && !fs.existsSync(path.join(root, f.replace('index.html', 'console/index.html')))) {
      throw new Error(`${f} is missing: build first (node scripts/build-host.mjs && npm run build:renderer)`);
    }
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-gantt-bench-'));
  const dataDir = path.join(work, 'data');
  // A snapshot of the console build: other test runs rebuild dist/renderer in place (emptyOutDir).
  const rendererDir = path.join(work, 'renderer');
  fs.cpSync(RENDERER, rendererDir, { recursive: true });
  if (DATA_FROM) fs.cpSync(DATA_FROM, dataDir, { recursive: true });
  else {
    console.error(`Seeding a demo depot with ${TARGET} work orders…`);
    const seeded = spawnSync(
      process.execPath,
      [path.join(root, 'dist/host/seed.js'), '--demo', '--data-dir', dataDir, '--work-orders', String(TARGET), '--seed', '7'],
      { encoding: 'utf8' },
    );
    if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
  }

  const host = spawn(
    process.execPath,
    [path.join(root, 'dist/host/start.js'), '--data-dir', dataDir, '--port', '0', '--no-lan', '--log-level', 'warn'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEPOTDESK_RENDERER_DIR: rendererDir },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    host.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    host.once('exit', (code) => reject(new Error(`host exited (${code}): ${out}`)));
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  try {
    const token = (
      (await (
        await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(DISPATCHER),
        })
      ).json()) as { token: string }
    ).token;
    const api = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${url}/api/v1${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    // The Month view's range: the current month in the depot's zone.
    const month = DateTime.now().setZone(ZONE).startOf('month');
    const from = month.toMillis();
    const to = month.plus({ months: 1 }).toMillis();
    type Listed = { id: string; number: string; plannedStart: string | null; plannedEnd: string | null };
    const listRange = async () => {
      const items: Listed[] = [];
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const page: { items: Listed[]; nextCursor: string | null } = await api(
          'GET',
          `/work-orders?plannedFrom=${new Date(from).toISOString()}&plannedTo=${new Date(to).toISOString()}&status=NEW,SCHEDULED,DISPATCHED,EN_ROUTE,ON_SITE,ON_HOLD,COMPLETED,CLOSED&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      }
      return items;
    };
    const inRange = (await listRange()).length;
    const techs = (await api<{ items: { id: string }[] }>('GET', '/users?role=technician&limit=500')).items;
    const missing = Math.max(0, TARGET - inRange);
    console.error(`${inRange} seeded work orders are planned in ${month.toFormat('LLLL yyyy')}; creating ${missing} more through the API…`);
    const days = Math.round(month.plus({ months: 1 }).diff(month, 'days').days);
    for (let i = 0; i < missing; i++) {
      const day = month.plus({ days: i % days });
      const start = day.set({ hour: 7 + ((i * 7) % 8), minute: (i % 4) * 15 });
      await api('POST', '/work-orders', {
        title: `Bench job ${i + 1}`,
        type: 'preventive',
        priority: (['low', 'medium', 'high', 'critical'] as const)[i % 4],
        assigneeId: techs[i % techs.length]!.id,
        durationMin: 60 + (i % 4) * 60,
        plannedStart: start.toUTC().toISO(),
        plannedEnd: start
          .plus({ minutes: 60 + (i % 4) * 60 })
          .toUTC()
          .toISO(),
      });
    }

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: url });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto('/');
    await page.getByTestId('email').fill(DISPATCHER.email);
    await page.getByTestId('password').fill(DISPATCHER.password);
    await page.getByTestId('sign-in-submit').click();
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    await page.getByTestId('nav-planning').click();
    await ready(page);
    await page.getByTestId('view-month').click(); // remembered: every load below opens on Month
    await ready(page);
    const shown = Number(await page.getByTestId('planning').getAttribute('data-bars'));
    const total = (await page.getByTestId('plan-count').textContent())!;

    const loads: number[] = [];
    const renders: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto('about:blank');
      const t0 = performance.now();
      await page.goto('/#/planning');
      await ready(page);
      loads.push(performance.now() - t0);
      renders.push(Number(await page.getByTestId('planning').getAttribute('data-render-ms')));
    }

    // Drags: a 16-hour job of our own mid-month (a 2-hour job is ~3 px wide in a month), one day right, then back.
    // The console and the plain frappe-gantt reference take turns in rounds, so both see the same load.
    const column = Number(await page.getByTestId('planning').getAttribute('data-column-px'));
    const mid = month.plus({ days: 14 }).set({ hour: 6 });
    // Each target on its own technician: a bar drawn over the other would take the other's drags.
    const target = async (title: string, tech: number) => {
      const job = await api<{ id: string; version: number }>('POST', '/work-orders', {
        title,
        type: 'preventive',
        priority: 'high',
        assigneeId: techs[tech % techs.length]!.id,
        durationMin: 960,
        plannedStart: mid.toUTC().toISO(),
        plannedEnd: mid.plus({ hours: 16 }).toUTC().toISO(),
      });
      return api<{ id: string; version: number }>('POST', `/work-orders/${job.id}/transitions`, { to: 'SCHEDULED' });
    };
    const job = await target('Bench drag target', 0);
    const plainJob = await target('Bench drag target (plain frappe-gantt)', 1);
    const plainTasks = (await listRange())
      .filter((w) => w.plannedStart)
      .sort((a, b) => a.plannedStart!.localeCompare(b.plannedStart!))
      .map((w) => ({
        id: w.id,
        name: w.number,
        start: w.plannedStart!,
        end: w.plannedEnd ?? new Date(Date.parse(w.plannedStart!) + 3_600_000).toISOString(),
      }));
    await page.locator(`.bar-wrapper[data-id="${job.id}"]`).waitFor();
    await ready(page);
    const drops: DropTimes[] = [];
    const plainDrops: DropTimes[] = [];
    const apis: number[] = [];
    const dragRenders: number[] = [];
    let plainDraw = 0;
    const ROUNDS = 2;
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) {
        await page.goto('/#/planning');
        await ready(page);
      }
      const count = Math.ceil(DRAGS / ROUNDS);
      for (let i = 0; i < count; i++) {
        const bar = await box(page, `.bar-wrapper[data-id="${job.id}"] .bar`);
        const saves = Number(await page.getByTestId('planning').getAttribute('data-saves'));
        const dx = i % 2 === 0 ? column : -column;
        const x = bar.x + bar.width / 2;
        const y = bar.y + bar.height / 2;
        await armDrop(page, saves);
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + dx / 2, y, { steps: 2 });
        await page.mouse.move(x + dx, y, { steps: 2 });
        await page.mouse.up();
        await page
          .locator(`[data-testid="planning"][data-saves="${saves + 1}"]`)
          .waitFor({ timeout: 15_000 })
          .catch(async (err: unknown) => {
            await page.screenshot({ path: path.join(os.tmpdir(), 'gantt-bench-failed-drag.png') });
            throw new Error(
              `drag ${i + 1} was not saved (screenshot in ${os.tmpdir()}/gantt-bench-failed-drag.png); toasts: ${(await page.locator('.toast').allTextContents()).join(' | ')}`,
              {
                cause: err,
              },
            );
          });
        drops.push(await collectDrop(page));
        apis.push(Number(await page.getByTestId('planning').getAttribute('data-api-ms')));
        dragRenders.push(Number(await page.getByTestId('planning').getAttribute('data-render-ms')));
        // Let the host's change message and its refetch settle before the next drag.
        await page.locator('[data-testid="plan-count"]:not(:has-text("updating"))').waitFor();
        await ready(page);
      }
      if (round === 0 && SCREENSHOT) await page.screenshot({ path: SCREENSHOT });
      // The reference, while the console's page is parked (its socket would refetch on the reference's saves).
      await page.goto('about:blank');
      const plain = await context.newPage();
      const current = await api<{ version: number }>('GET', `/work-orders/${plainJob.id}`);
      plainDraw = await plainPage(plain, root, url, plainTasks, token, { id: plainJob.id, version: current.version }, column);
      for (let i = 0; i < count; i++) plainDrops.push(await plainDrag(plain, plainJob.id, i % 2 === 0 ? column : -column));
      await plain.close();
    }
    await page.goto('/#/planning');
    await ready(page);

    if (TRACE) {
      const bar = await box(page, `.bar-wrapper[data-id="${job.id}"] .bar`);
      const saves = Number(await page.getByTestId('planning').getAttribute('data-saves'));
      const x = bar.x + bar.width / 2;
      const y = bar.y + bar.height / 2;
      const trace = await traceOf(page, async () => {
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + column / 2, y, { steps: 2 });
        await page.mouse.move(x + column, y, { steps: 2 });
        await page.evaluate(() => performance.mark('bench:mouseup'));
        await armDrop(page, saves);
        await page.mouse.up();
        const t = await collectDrop(page);
        console.error(`traced drop: saved ${t.saved.toFixed(0)} ms, drawn ${t.ready.toFixed(0)} ms, painted ${t.painted.toFixed(0)} ms`);
        await page.evaluate(() => performance.mark('bench:ready'));
      });
      fs.writeFileSync(TRACE, trace);
      console.error(`trace of one drag written to ${TRACE}`);
    }

    const rows: [string, string][] = [
      ['work orders in range (Month view)', total.split('·')[0]!.trim()],
      ['bars drawn (lanes in view)', String(shown)],
      [
        `load → ready, median of ${RUNS}`,
        `${median(loads).toFixed(0)} ms (min ${Math.min(...loads).toFixed(0)}, max ${Math.max(...loads).toFixed(0)})`,
      ],
      ['  of which frappe-gantt draw, median', `${median(renders).toFixed(0)} ms`],
      ['frappe-gantt draw, plain reference (one row per task)', `${plainDraw.toFixed(0)} ms`],
      [`drop → saved (API answered), p50 / p95 of ${drops.length}`, pct(drops.map((d) => d.saved))],
      ['  of which the API round trip, median', `${median(apis).toFixed(0)} ms`],
      [`drop → saved + redrawn + painted, p50 / p95 of ${drops.length}`, pct(drops.map((d) => d.painted))],
      ['  of which frappe-gantt redraw, median', `${median(dragRenders).toFixed(0)} ms`],
      [`  plain frappe-gantt + the same POST, p50 / p95 of ${plainDrops.length}`, pct(plainDrops.map((d) => d.painted))],
      [
        '  ratio console / plain, p50 / p95',
        ratio(
          drops.map((d) => d.painted),
          plainDrops.map((d) => d.painted),
        ),
      ],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(
      `\nPlanning (Gantt), Chromium ${browser.version()}, 1440×900, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}\n`,
    );
    console.log(`| ${'measure'.padEnd(w)} | value |`);
    console.log(`| ${'-'.repeat(w)} | ----- |`);
    for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
    await context.close();
  } finally {
    await browser.close();
    host.kill('SIGTERM');
    await new Promise((r) => host.once('exit', r));
    if (SAVE_DATA) fs.cpSync(dataDir, SAVE_DATA, { recursive: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A bar's box; null while it is not drawn (or zero-width), so poll briefly. */
async function box(page: Page, selector: string) {
  for (let i = 0; i < 50; i++) {
    const b = await page.locator(selector).boundingBox();
    if (b) return b;
    await page.waitForTimeout(100);
  }
  throw new Error(`${selector} is not drawn`);
}

/** Runs `act` under CDP Tracing (timeline, JS sampling, network) and returns the trace JSON. */
async function traceOf(page: Page, act: () => Promise<void>): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'disabled-by-default-devtools.timeline.frame',
        'v8.execute',
        'blink.user_timing',
        'loading',
        'disabled-by-default-v8.cpu_profiler',
        'disabled-by-default-devtools.timeline.invalidationTracking',
      ],
    },
  });
  await act();
  const done = new Promise<string>((resolve) => cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream!)));
  await cdp.send('Tracing.end');
  const stream = await done;
  let out = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    out += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  await cdp.detach();
  return out;
}

async function ready(page: Page) {
  try {
    await page.locator('[data-testid="planning"][data-state="ready"]').waitFor({ timeout: 60_000 });
  } catch (err) {
    const state = await page.evaluate(
      () => document.querySelector('[data-testid="planning"]')?.outerHTML.slice(0, 200) ?? document.body.innerText.slice(0, 300),
    );
    throw new Error(`planning never got ready: ${state}`, { cause: err });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

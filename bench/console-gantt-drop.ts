/// <reference lib="dom" />
/**
 * Drop timing for bench/console-gantt.ts, measured inside the page (performance.now() there), so
 * Playwright's own polling and round trips are not counted:
 *   - armDrop: the console's drop, from the mouse-up to the planning view saying the save is done
 *     (data-saves) and drawn (data-state="ready"), and to the end of the frame after that (painted);
 *   - plainPage: the reference, plain frappe-gantt 1.2 (its own dist build, no wrapper) with the same
 *     work orders, one row per task as frappe-gantt draws them, whose drop sends the same
 *     POST /work-orders/:id/plan and is done when the answer is in and the next frame painted.
 *     frappe-gantt has already moved the bar, so nothing is redrawn: that is the floor.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export interface DropTimes {
  /** mouse-up → the API answered and the view counted the save */
  saved: number;
  /** mouse-up → the saved state drawn (data-state="ready" again) */
  ready: number;
  /** mouse-up → end of the first frame after that (the drawn state is on screen) */
  painted: number;
}

type Rec = { up: number; saved: number; ready: number; painted: number };
type BenchWindow = Window & { __drop?: Rec };

/** Starts watching for the next drop; `collectDrop` waits for its times. */
export async function armDrop(page: Page, saves: number): Promise<void> {
  await page.evaluate((n) => {
    const w = window as BenchWindow;
    const el = document.querySelector('[data-testid="planning"]')!;
    const rec: Rec = { up: 0, saved: 0, ready: 0, painted: 0 };
    w.__drop = rec;
    window.addEventListener('mouseup', () => (rec.up = performance.now()), { capture: true, once: true });
    const mo = new MutationObserver(() => {
      if (el.getAttribute('data-saves') !== String(n)) return;
      rec.saved ||= performance.now();
      if (el.getAttribute('data-state') !== 'ready') return;
      rec.ready = performance.now();
      mo.disconnect();
      requestAnimationFrame(() => setTimeout(() => (rec.painted = performance.now()), 0));
    });
    mo.observe(el, { attributes: true, attributeFilter: ['data-saves', 'data-state'] });
  }, saves + 1);
}

export async function collectDrop(page: Page): Promise<DropTimes> {
  const h = await page.waitForFunction(() => {
    const r = (window as BenchWindow).__drop;
    return r && r.painted ? r : null;
  }, null);
  const r = (await h.jsonValue()) as Rec;
  return { saved: r.saved - r.up, ready: r.ready - r.up, painted: r.painted - r.up };
}

export interface PlainTask {
  id: string;
  name: string;
  start: string;
  end: string;
}

type PlainWindow = Window & { __plain: { up: number; saved: number; painted: number; error: string | null; saves: number } };

/** Opens plain frappe-gantt on the host's origin (same API, same token) with `tasks`; resolves once it is drawn. */
export async function plainPage(
  page: Page,
  root: string,
  url: string,
  tasks: PlainTask[],
  token: string,
  job: { id: string; version: number },
  columnWidth: number,
): Promise<number> {
  const dist = path.join(root, 'node_modules/frappe-gantt/dist');
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${fs.readFileSync(path.join(dist, 'frappe-gantt.css'), 'utf8')}
body{margin:0;font-family:sans-serif}</style></head><body><div id="g"></div>
<script>${fs.readFileSync(path.join(dist, 'frappe-gantt.umd.js'), 'utf8')}</script></body></html>`;
  await page.route(`${url}/__bench/plain-gantt`, (r) => r.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(`${url}/__bench/plain-gantt`);
  // Handed over as text: tsx would wrap functions passed to page.evaluate in its __name helper, which the page lacks.
  const ms = await page.evaluate(
    `(${PLAIN_START})(${JSON.stringify(tasks)}, ${JSON.stringify(token)}, ${JSON.stringify(job)}, ${columnWidth})`,
  );
  return ms as number;
}

/** Runs in the page: draws the chart and times each drop of the job's bar (window.__plain). */
const PLAIN_START = `function (tasks, token, job, columnWidth) {
  const p = (window.__plain = { up: 0, saved: 0, painted: 0, error: null, saves: 0 });
  let version = job.version;
  let last = null;
  const t0 = performance.now();
  new window.Gantt(
    '#g',
    tasks.map((t) => ({ ...t, start: new Date(t.start), end: new Date(t.end), progress: 0 })),
    {
      view_mode: 'Day', column_width: columnWidth, popup: false, readonly_progress: true, infinite_padding: false,
      today_button: false, view_mode_select: false, scroll_to: null, snap_at: '1h',
      on_date_change: (task, start) => { if (task.id === job.id) last = start; },
    },
  );
  window.addEventListener('mouseup', () => (p.up = performance.now()), { capture: true });
  // Bubbling on document: after frappe-gantt's own mouseup handlers, like the console's listener.
  document.addEventListener('mouseup', () => {
    const start = last && last.getTime();
    last = null;
    if (!start) return;
    fetch('/api/v1/work-orders/' + job.id + '/plan', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json', 'if-match': '"' + version + '"', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ plannedStart: new Date(start).toISOString(), plannedEnd: new Date(start + 16 * 3600000).toISOString() }),
    })
      .then(async (res) => {
        const dto = await res.json();
        if (!res.ok) throw new Error(dto.detail || String(res.status));
        version = dto.version;
        p.saved = performance.now();
        p.saves++;
        requestAnimationFrame(() => setTimeout(() => (p.painted = performance.now()), 0));
      })
      .catch((err) => (p.error = String(err)));
  });
  return performance.now() - t0;
}`;

/** One drag of the plain chart's target bar by `dx` px; the times from its mouse-up. */
export async function plainDrag(page: Page, jobId: string, dx: number): Promise<DropTimes> {
  const bar = page.locator(`.bar-wrapper[data-id="${jobId}"] .bar`);
  await bar.scrollIntoViewIfNeeded();
  const b = (await bar.boundingBox())!;
  const saves = await page.evaluate(() => {
    const p = (window as unknown as PlainWindow).__plain;
    p.painted = 0;
    return p.saves;
  });
  const x = b.x + b.width / 2;
  const y = b.y + b.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y, { steps: 2 });
  await page.mouse.move(x + dx, y, { steps: 2 });
  await page.mouse.up();
  const h = await page.waitForFunction((n) => {
    const p = (window as unknown as PlainWindow).__plain;
    if (p.error) throw new Error(`plain frappe-gantt save failed: ${p.error}`);
    return p.saves > n && p.painted ? p : null;
  }, saves);
  const r = (await h.jsonValue()) as PlainWindow['__plain'];
  return { saved: r.saved - r.up, ready: r.saved - r.up, painted: r.painted - r.up };
}

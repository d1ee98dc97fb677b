import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localChecksums } from '../../server/sync/drift.js';
import type { Browser, Page } from 'playwright-core';
import type { ChecksumsAnswer, EnrolAnswer, PullPage, PushAnswer, PushBatch } from '../../server/sync/contract-protocol.js';
import { DEMO, desktopPage, hostApi, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

const shots = path.resolve(import.meta.dirname, '../../docs/screenshots');

/**
 * A tiny stand-in for the organization's hub (server/sync/contract-protocol.ts): enrolment answers a
 * credential (or refuses an expired code as the real hub does, 401 problem+json); while `down`,
 * push and pull answer 503; once up, it applies every pushed mutation but refuses one, and its first
 * pull page carries a `sync_conflict` event for a work order, as the hub writes it.
 */
class FakeHub {
  down = true;
  /** Answer 401 to the node's credential, as the hub does once an admin revoked it. */
  revoked = false;
  url = '';
  orgId = '';
  conflict: { workOrderId: string; actorId: string } | null = null;
  refusedMutation: string | null = null;
  /** The drift check's answer; unset, the fake hub does not serve it. */
  checksums: (() => Promise<ChecksumsAnswer['tables']>) | null = null;
  private version = 0;
  private server = http.createServer((req, res) => void this.handle(req, res));

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let raw = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(JSON.stringify(body));
    };
    const problem = (status: number, code: string, detail: string) =>
      send(status, { type: 'about:blank', title: code, status, code, detail }, 'application/problem+json');
    const encoding = req.headers['content-encoding'];
    // As a hub older than dictionary-compressed bodies answers them (its JSON parser refuses the encoding):
    // the depot then pushes gzip or plain JSON.
    if (encoding !== undefined && encoding !== 'gzip') return problem(415, 'unsupported_encoding', `Not accepted: ${encoding}.`);
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'POST' && url.pathname === '/hub/v1/enrol') {
      const body = JSON.parse(raw.toString()) as { code: string };
      if (body.code === 'EXPIRED-CODE-0001')
        return problem(
          401,
          'enrolment_code_expired',
          'This enrolment code has expired (codes last 24 hours). Ask a hub admin for a new one.',
        );
      const answer: EnrolAnswer = {
        credential: 'c'.repeat(43),
        hubOrgId: randomUUID(),
        orgName: 'Avonvale Water',
        replicaOrgId: this.orgId,
      };
      return send(200, answer);
    }
    if (this.revoked) return problem(401, 'unauthorized', 'This depot’s credential was revoked by a hub admin.');
    if (this.down) return problem(503, 'maintenance', 'The hub is down for maintenance.');
    if (req.method === 'POST' && url.pathname === '/hub/v1/sync/push') {
      const batch = JSON.parse(raw.toString()) as PushBatch;
      const answer: PushAnswer = {
        ackedSeq: batch.toSeq,
        version: ++this.version,
        results: batch.mutations.map((m) => {
          if (this.refusedMutation === null) this.refusedMutation = m.id;
          return m.id === this.refusedMutation
            ? {
                id: m.id,
                seq: m.seq,
                outcome: 'refused',
                code: 'not_permitted',
                message: 'This user may no longer make that change at the hub.',
              }
            : { id: m.id, seq: m.seq, outcome: 'applied', version: this.version };
        }),
      };
      return send(200, answer);
    }
    if (req.method === 'GET' && url.pathname === '/hub/v1/sync/pull') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const page: PullPage = { after, to: Math.max(after, this.version), more: false, rows: [], facts: [] };
      if (this.conflict && after < this.version) {
        const mutationId = randomUUID();
        page.facts.push({
          t: 'work_order_events',
          r: randomUUID(),
          v: this.version,
          f: {
            work_order_id: this.conflict.workOrderId,
            type: 'sync_conflict',
            from_status: null,
            to_status: null,
            actor_id: this.conflict.actorId,
            at: Date.now() - 60_000,
            data: { field: 'status', code: 'stale_status', losing: { from: 'EN_ROUTE', to: 'ON_SITE' }, kept: 'CANCELLED', mutationId },
          },
        });
        this.conflict = null;
        // A hub one release newer: a table this depot's release does not have yet (held until its upgrade).
        page.rows.push({ t: 'work_order_tags', r: randomUUID(), v: this.version, f: { name: 'confined space' } });
      }
      return send(200, page);
    }
    if (req.method === 'GET' && url.pathname === '/hub/v1/sync/checksums' && this.checksums) {
      // The depot's own rows, as a hub in step with it holds them: the drift check finds nothing.
      const answer: ChecksumsAnswer = { version: this.version, tables: await this.checksums() };
      return send(200, answer);
    }
    if (req.method === 'POST' && url.pathname === '/hub/v1/nodes/self/leave') return send(200, {});
    // As a hub answers a route it does not have (an older release): the depot then leaves that part be.
    return problem(404, 'not_found', `The fake hub does not serve ${req.method} ${url.pathname}.`);
  }
}

let host: E2EHost;
let browser: Browser;
const hub = new FakeHub();
const { call } = hostApi(() => host.url);

beforeAll(async () => {
  [host, browser] = await Promise.all([startHost({ seed: 40 }), launchBrowser(), hub.start()]);
  fs.mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await hub.stop();
});

const indicator = (page: Page) => page.getByTestId('sync-indicator');
const syncPage = (page: Page) => page.locator('[data-testid="admin-settings"][data-tab="sync"][data-state="ready"]');

/** The top bar's right-hand end with the sync popover under it, at desktop size. */
async function shotIndicator(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, file), clip: { x: 640, y: 0, width: 800, height: 300 } });
}

describe('sync in the console', () => {
  it('when an admin joins a hub, then bad addresses, unreachable and refusing hubs are explained, and the header follows the depot offline, online and paused', async () => {
    const { token } = await call<{ token: string }>('POST', '/auth/login', null, DEMO.admin);
    const me = await call<{ id: string; orgId: string }>('GET', '/auth/me', token);
    hub.orgId = me.orgId;
    const { page } = await desktopPage(browser, host.url);
    page.setDefaultTimeout(10_000);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);

    // Not enrolled: a muted badge for the admin, whose popover offers to join.
    await expect.poll(() => indicator(page).getAttribute('data-phase')).toBe('off');
    expect(await page.getByTestId('sync-label').textContent()).toBe('Not synced');
    expect(await indicator(page).getAttribute('data-tone')).toBe('muted');
    await indicator(page).click();
    await page.getByTestId('sync-popover').waitFor();
    await shotIndicator(page, 'sync-indicator-not-synced.png');
    await page.getByTestId('sync-open-page').click();
    await syncPage(page).waitFor();
    await page.getByTestId('sync-popover').waitFor({ state: 'detached' });

    const form = page.getByTestId('sync-enrol-form');
    // Nothing typed: the host's own field messages, beside the fields.
    await page.getByTestId('sync-enrol-submit').click();
    await expect.poll(() => form.getByTestId('field-error').count()).toBe(2);
    expect(await form.getByTestId('field-error').allTextContents()).toEqual([
      'Enter the hub address',
      'Enter the enrolment code a hub admin gave you',
    ]);

    // Not a web address: said under the address field.
    await page.getByTestId('sync-hub-input').fill('hub dot example');
    await page.getByTestId('sync-code-input').fill('GOOD-CODE-0001');
    await page.getByTestId('sync-enrol-submit').click();
    await expect.poll(() => form.getByTestId('field-error').allTextContents()).toEqual([expect.stringContaining('is not a web address')]);
    expect(await page.getByTestId('sync-hub-input').getAttribute('aria-invalid')).toBe('true');

    // A port nothing listens on: the hub cannot be reached, in a sentence above the button.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await page.getByTestId('sync-hub-input').fill(`http://127.0.0.1:${deadPort}`);
    await page.getByTestId('sync-enrol-submit').click();
    const error = page.getByTestId('sync-enrol-error');
    await expect.poll(() => error.getAttribute('data-code')).toBe('hub_unreachable');
    expect(await error.textContent()).toMatch(/^The hub could not be reached: .*Check the address/);
    expect(await form.getByTestId('field-error').count()).toBe(0);

    // The hub refuses the code: its own reason, and the depot stays unenrolled.
    await page.getByTestId('sync-hub-input').fill(hub.url);
    await page.getByTestId('sync-code-input').fill('EXPIRED-CODE-0001');
    await page.getByTestId('sync-enrol-submit').click();
    await expect.poll(() => error.getAttribute('data-code')).toBe('enrolment_refused');
    expect(await error.textContent()).toBe(
      'The hub refused this depot: This enrolment code has expired (codes last 24 hours). Ask a hub admin for a new one.',
    );
    await page.screenshot({ path: path.join(shots, 'sync-page-join-refused.png') });
    expect((await call<{ enrolled: boolean }>('GET', '/sync/status', token)).enrolled).toBe(false);

    // A good code while the hub is down: enrolled, and offline with a retry countdown.
    await page.getByTestId('sync-code-input').fill('GOOD-CODE-0001');
    await page.getByTestId('sync-enrol-submit').click();
    await page.locator('[data-testid="sync-status"][data-phase="offline"]').waitFor();
    await expect.poll(() => indicator(page).getAttribute('data-phase')).toBe('offline');
    expect(await page.getByTestId('sync-label').textContent()).toMatch(/^Offline ↻ (\d+ s|\d+ min|…)$/);
    expect(Number(await page.getByTestId('sync-pending').getAttribute('data-count'))).toBeGreaterThan(0);
    await indicator(page).click();
    expect(await page.getByTestId('sync-pop-title').textContent()).toMatch(/^Offline — retrying (in \d+ s|in \d+ min|…)$/);
    expect(await page.getByTestId('sync-hub-url').first().textContent()).toBe(hub.url);
    expect(await page.getByTestId('sync-popover').getByTestId('sync-last-error').textContent()).toContain('503');
    expect(await page.getByTestId('sync-popover').getByTestId('sync-transport').textContent()).toBe('Not connected');
    await shotIndicator(page, 'sync-indicator-offline.png');
    await page.keyboard.press('Escape');
    await page.getByTestId('sync-popover').waitFor({ state: 'detached' });
    await page.locator('[data-testid="sync-refusals"][data-state="ready"]').waitFor();
    await page.screenshot({ path: path.join(shots, 'sync-page-offline.png') });

    // The hub comes back with a conflict for one work order and a refusal for one of ours.
    const wo = (await call<{ items: { id: string }[] }>('GET', '/work-orders?limit=1', token)).items[0]!;
    hub.conflict = { workOrderId: wo.id, actorId: me.id };
    hub.down = false;
    await page.getByTestId('sync-now').click();
    await expect.poll(() => indicator(page).getAttribute('data-phase')).toBe('online');
    expect(await page.getByTestId('sync-label').textContent()).toBe('Synced just now');
    await expect.poll(() => page.getByTestId('sync-issues').getAttribute('data-text')).toBe('1 refused');
    expect(await indicator(page).getAttribute('aria-label')).toBe('Sync: Synced just now, 1 refused');
    const refusal = page.getByTestId('sync-refusal');
    await expect.poll(() => refusal.count()).toBe(1);
    expect(await refusal.textContent()).toContain('This user may no longer make that change at the hub.');
    // Check rows: the fake hub answers with the depot's own per-table checksums (read from its file).
    hub.checksums = async () => {
      const db = new Database(path.join(host.dataDir, 'depotdesk.sqlite'), { readonly: true });
      try {
        const orgId = db.prepare('SELECT org_id FROM sync_state').pluck().get() as string;
        return [...(await localChecksums(db, orgId, hub.orgId))]
          .filter(([, c]) => c.count > 0)
          .map(([t, c]) => ({ t, kind: c.kind, count: c.count, md5: c.md5 }));
      } finally {
        db.close();
      }
    };
    await page.getByTestId('sync-drift-check').click();
    await expect
      .poll(() => page.getByTestId('sync-drift').textContent())
      .toMatch(/^Drift check .+: All \d+ tables hold the same rows as the hub\.$/);
    // What the newer hub sent that this release cannot store yet: said plainly, nothing lost.
    await expect
      .poll(() => page.getByTestId('sync-held').textContent())
      .toBe(
        "The hub runs a newer release: 1 change to data this depot's release does not have yet: work_order_tags. It is kept and applied when this depot is upgraded.",
      );
    await page.screenshot({ path: path.join(shots, 'sync-page-online.png') });
    await indicator(page).click();
    await shotIndicator(page, 'sync-indicator-online.png');
    await page.keyboard.press('Escape');

    // The conflict in the work order's timeline, as a marked entry.
    await page.goto(`/#/board?wo=${wo.id}`);
    await page.locator('[data-testid="wo-drawer"][data-state="ready"]').waitFor();
    await page.getByTestId('wo-tab-timeline').click();
    const conflict = page.getByTestId('wo-sync-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toBe(
      'Sync conflict Status change to On site was not applied: the work order was already Cancelled when the change reached the hub.',
    );
    await page.locator('.drawer').screenshot({ path: path.join(shots, 'sync-timeline-conflict.png') });

    // Dismiss the refusal; pause; leave: the depot keeps its data and the badge is muted again.
    await page.goto('/#/settings?tab=sync');
    await syncPage(page).waitFor();
    await refusal.getByTestId('sync-refusal-dismiss').click();
    await expect.poll(() => refusal.count()).toBe(0);
    await expect.poll(() => page.getByTestId('sync-issues').count()).toBe(0);
    await page.getByTestId('sync-pause').click();
    await expect.poll(() => page.getByTestId('sync-label').textContent()).toBe('Paused');
    await page.getByTestId('sync-resume').waitFor();
    await page.getByTestId('sync-resnapshot').click();
    expect(await page.getByTestId('sync-confirm-resnapshot').textContent()).toContain('Nothing this depot has not sent yet is lost');
    await page.getByRole('button', { name: 'Cancel' }).click();
    const workOrders = (await call<{ items: unknown[] }>('GET', '/work-orders?limit=500', token)).items.length;
    await page.getByTestId('sync-leave').click();
    const leave = page.getByTestId('sync-confirm-leave');
    expect(await leave.textContent()).toContain('keeps all its data');
    await page.screenshot({ path: path.join(shots, 'sync-page-leave-confirm.png') });
    await leave.getByTestId('sync-confirm-button').click();
    await page.getByTestId('sync-enrol-form').waitFor();
    await expect.poll(() => indicator(page).getAttribute('data-phase')).toBe('off');
    expect((await call<{ items: unknown[] }>('GET', '/work-orders?limit=500', token)).items.length).toBe(workOrders);
  });

  it('when the depot syncs, then a dispatcher sees the badge without a way into the Sync page, may not enrol, and the badge goes when an admin leaves', async () => {
    const admin = (await call<{ token: string }>('POST', '/auth/login', null, DEMO.admin)).token;
    const dispatcher = (await call<{ token: string }>('POST', '/auth/login', null, DEMO.dispatcher)).token;
    hub.down = true;
    await call('POST', '/sync/enrol', admin, { hubUrl: hub.url, code: 'GOOD-CODE-0002' });
    const { page } = await desktopPage(browser, host.url);
    page.setDefaultTimeout(10_000);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await expect.poll(() => indicator(page).getAttribute('data-phase')).toBe('offline');
    await indicator(page).click();
    await page.getByTestId('sync-popover').waitFor();
    expect(await page.getByTestId('sync-open-page').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-settings').click();
    await page.locator('[data-testid="admin-settings"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('tab-sync').count()).toBe(0);

    const res = await hostApi(() => host.url).raw('POST', '/sync/enrol', dispatcher, { hubUrl: hub.url, code: 'GOOD-CODE-0003' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('forbidden');

    // A hub admin revokes the depot: the next cycle is refused and the badge turns red, live.
    hub.revoked = true;
    await call('POST', '/sync/now', admin);
    await expect.poll(() => indicator(page).getAttribute('data-phase')).toBe('revoked');
    expect(await page.getByTestId('sync-label').textContent()).toBe('Refused by hub');
    expect(await indicator(page).getAttribute('aria-label')).toMatch(/^Sync: Hub refused this depot — enrol again/);
    const adminPage = (await desktopPage(browser, host.url)).page;
    await signIn(adminPage, DEMO.admin.email, DEMO.admin.password);
    await adminPage.goto('/#/settings?tab=sync');
    await adminPage.locator('[data-testid="sync-status"][data-phase="revoked"]').waitFor();
    await adminPage.locator('[data-testid="sync-refusals"][data-state="ready"]').waitFor();
    expect(await adminPage.getByTestId('sync-revoked').textContent()).toContain('join again with a new enrolment code');
    await adminPage.screenshot({ path: path.join(shots, 'sync-page-revoked.png') });

    // The admin leaves by script: the host's sync.status message takes the badge away, no reload.
    await call('POST', '/sync/leave', admin);
    hub.revoked = false;
    await expect.poll(() => indicator(page).count()).toBe(0);
  });
});

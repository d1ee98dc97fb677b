import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import type { Host } from '../../core/context.js';
import { verifyPassword } from '../../auth/passwords.js';
import { slaState } from '../../sla/engine.js';
import { sendJobcard } from '../jobs/jobcard-route.js';
import { stamp, whereOf } from '../pdf/format.js';
import { loadJobcard } from '../pdf/jobcard-data.js';
import { describeEvent, isPublicEvent, statusLabel } from '../pdf/timeline.js';
import { countOpen, findByCode, shareState, type ShareRow } from './service.js';
import { ShareLockout } from './lockout.js';

/**
 * The public status page of a share link, `/s/<code>`: a small server-rendered page (no script at
 * all) under a strict CSP. Answers: unknown or revoked → 404 (a withdrawn link looks like one that
 * never existed, and nothing says whether a code exists in some org); expired → 410; a wrong
 * password → 401 with the form again; too many wrong passwords → 429. Nothing else leaks.
 */

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: Response, status: number, title: string, body: string): void {
  res.status(status).set({
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': CSP,
    // The code is in the URL: never send it onward, never cache or index the page.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex, nofollow',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  }).send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f7fa;color:#1f2933}main{max-width:640px;margin:0 auto;padding:24px}
h1{font-size:1.4rem;margin:0 0 4px}.muted{color:#616e7c;font-size:.9rem}.card{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:16px;margin:16px 0}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;background:#e4e7eb;font-weight:600}.late{background:#fde2e2;color:#9b1c1c}.ok{background:#dcfce7;color:#166534}.risk{background:#fef3c7;color:#92400e}
ol{padding-left:0;list-style:none}li{border-left:3px solid #cbd2d9;padding:2px 0 8px 12px}time{display:block;color:#616e7c;font-size:.85rem}
input,button{font:inherit;padding:8px 10px}a.button{display:inline-block;background:#2563eb;color:#fff;padding:8px 14px;border-radius:6px;text-decoration:none}
</style></head><body><main>${body}</main></body></html>`);
}

const notFound = (res: Response) =>
  page(
    res,
    404,
    'Link not found',
    '<h1>This link does not work</h1><p>It may have been mistyped or withdrawn. Ask whoever sent it for a new one.</p>',
  );
const expired = (res: Response) =>
  page(res, 410, 'Link expired', '<h1>This link has expired</h1><p>Ask whoever sent it for a new one.</p>');

function passwordForm(res: Response, status: number, code: string, message: string | null): void {
  page(
    res,
    status,
    'Password needed',
    `<h1>Password needed</h1><p>This status page is protected. Enter the password you were given.</p>
${message ? `<p class="badge late">${esc(message)}</p>` : ''}
<form method="post" action="/s/${code}" class="card"><label>Password <input type="password" name="password" autocomplete="off" required autofocus></label> <button type="submit">Open</button></form>`,
  );
}

/** Proof, in a cookie scoped to this link, that the password was given: derived from its salted hash, so no server state. */
const unlockToken = (row: ShareRow) =>
  createHash('sha256')
    .update(`share-unlock:${row.id}:${row.passwordHash ?? ''}`)
    .digest('base64url');

function unlocked(req: Request, row: ShareRow): boolean {
  if (!row.passwordHash) return true;
  const cookie = (req.get('cookie') ?? '')
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith('dd_share='));
  const given = Buffer.from(cookie?.slice('dd_share='.length) ?? '');
  const expected = Buffer.from(unlockToken(row));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Resolves the code to a live link, or answers 404/410 itself and returns null. */
function live(host: Host, code: string, res: Response): ShareRow | null {
  const row = findByCode(host, code);
  const state = row ? shareState(row, host.clock.now()) : 'revoked';
  if (!row || state === 'revoked') return (notFound(res), null);
  if (state === 'expired') return (expired(res), null);
  return row;
}

function statusPage(host: Host, row: ShareRow, code: string, res: Response): void {
  const card = loadJobcard(host.sqlite, host.dataDir, row.orgId, row.workOrderId);
  if (!card) return notFound(res);
  countOpen(host, row);
  const { wo } = card;
  const now = host.clock.now();
  const sla = slaState(wo as Parameters<typeof slaState>[0], now);
  const slaText: Record<string, [string, string]> = {
    ok: ['On track', 'ok'],
    at_risk: ['At risk of running late', 'risk'],
    breached: ['Late', 'late'],
    met: ['Done on time', 'ok'],
  };
  const [slaLabel, slaClass] = sla ? (slaText[sla] ?? [sla, '']) : ['No service target', ''];
  const events = card.events.filter(isPublicEvent).reverse();
  page(
    res,
    200,
    `${wo.number} · ${wo.title}`,
    `<p class="muted">${esc(card.orgName)}</p>
<h1>${esc(wo.number)} · ${esc(wo.title)}</h1>
<div class="card"><p><span class="badge">${esc(statusLabel(wo.status))}</span> <span class="badge ${slaClass}">${esc(slaLabel)}</span></p>
<p>${wo.resolutionDueAt && !wo.completedAt ? `Due by <strong>${esc(stamp(wo.resolutionDueAt, whereOf(wo)))}</strong>` : wo.completedAt ? `Completed <strong>${esc(stamp(wo.completedAt, whereOf(wo)))}</strong>` : ''}</p>
${wo.location ? `<p class="muted">${esc([wo.location, wo.address].filter(Boolean).join(', '))}</p>` : ''}
<p><a class="button" href="/s/${code}/jobcard.pdf">Download the jobcard (PDF)</a></p></div>
<h2>Timeline</h2><ol>${events.map((e) => `<li><time>${esc(stamp(e.at, whereOf(wo)))}</time>${esc(describeEvent(e, { forCustomer: true }))}</li>`).join('') || '<li>Nothing yet.</li>'}</ol>
<p class="muted">This page is read-only. Link valid until ${esc(stamp(row.expiresAt, whereOf(wo)))}.</p>`,
  );
}

export function mountSharePages(app: Express, host: Host): void {
  const lockout = new ShareLockout(host.clock);

  app.get('/s/:code', (req, res) => {
    const code = String(req.params.code);
    const row = live(host, code, res);
    if (!row) return;
    if (!unlocked(req, row)) return passwordForm(res, 200, code, null);
    statusPage(host, row, code, res);
  });

  app.post('/s/:code', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
    try {
      const code = String(req.params.code);
      const row = live(host, code, res);
      if (!row) return;
      if (!row.passwordHash) return void res.redirect(303, `/s/${code}`);
      if (lockout.blocked(row.id, req.ip)) return passwordForm(res, 429, code, 'Too many wrong passwords. Wait a minute and try again.');
      const password = typeof req.body?.password === 'string' ? (req.body.password as string).slice(0, 200) : '';
      if (!(await verifyPassword(password, row.passwordHash))) {
        lockout.fail(row.id, req.ip);
        return passwordForm(res, 401, code, 'That password is not right.');
      }
      const maxAge = Math.max(1, Math.floor((row.expiresAt - host.clock.now()) / 1000));
      res.set('Set-Cookie', `dd_share=${unlockToken(row)}; Path=/s/${code}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict`);
      res.redirect(303, `/s/${code}`);
    } catch (err) {
      next(err);
    }
  });

  app.get('/s/:code/jobcard.pdf', async (req, res, next) => {
    try {
      const code = String(req.params.code);
      const row = live(host, code, res);
      if (!row) return;
      if (!unlocked(req, row)) return passwordForm(res, 401, code, null);
      await sendJobcard(host, row.orgId, row.workOrderId, res, { forCustomer: true });
    } catch (err) {
      next(err);
    }
  });
}

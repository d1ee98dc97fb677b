import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO, DESKTOP, PHONE, desktopPage, launchBrowser, signIn, startHost, type E2EHost, hostApi } from '../fixtures.js';

/**
 * A technician finishes a work order on a phone (status steps, check-in, checklist, photo,
 * customer signature, a message) while a dispatcher watches it live in the console's drawer.
 */

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
/** Where the locale test leaves its screenshots to look at (not committed docs). */
const SHOTS = process.env.LOCALE_SHOTS_DIR ?? os.tmpdir();

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

async function bytes(p: string, token: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(`${host.url}/api/v1${p}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

interface ChecklistItem {
  id: string;
  kind: 'yesno' | 'number' | 'text';
  label: string;
  required: boolean;
  min?: number;
  max?: number;
}
interface Wo {
  id: string;
  number: string;
  status: string;
  assigneeId: string | null;
  locationId: string | null;
  requiresSignature: boolean;
  checklist: ChecklistItem[];
}
interface Attachment {
  id: string;
  kind: string;
  mimeType: string;
  sha256: string;
  meta: { width?: number; height?: number; watermarked?: boolean; lat?: number | null; signerName?: string | null } | null;
}

/** A real camera-sized JPEG (3000 × 2000, a gradient with shapes) made with sharp. */
async function cameraJpeg(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="2000">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#6b8fb5"/><stop offset="1" stop-color="#2d4a2b"/></linearGradient></defs>
    <rect width="3000" height="2000" fill="url(#g)"/>
    <rect x="900" y="700" width="1200" height="800" rx="40" fill="#c9a227"/>
    <circle cx="1500" cy="1100" r="260" fill="#34495e"/>
    <text x="1000" y="650" font-size="140" font-family="DejaVu Sans" fill="#fff">PUMP 3</text>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

const ready = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"][data-state="ready"]`).waitFor();

/** Draws a signature with pointer moves across the pad. */
async function sign(page: Page, pad: Locator): Promise<void> {
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  const y0 = box.y + box.height * 0.6;
  await page.mouse.move(box.x + 30, y0);
  await page.mouse.down();
  for (let i = 0; i <= 24; i++) {
    const x = box.x + 30 + i * ((box.width - 60) / 24);
    await page.mouse.move(x, y0 - Math.sin(i / 2.2) * 40 - (i % 5) * 4, { steps: 2 });
  }
  await page.mouse.up();
  await page.mouse.move(box.x + box.width * 0.55, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.62, box.y + box.height - 40, { steps: 8 });
  await page.mouse.up();
}

describe('crew view: field work with proof, watched live from the console', () => {
  it('when a technician works a job on the phone, then the dispatcher sees every step live and the photo is stored watermarked', async () => {
    const { token: dispatcher } = await call<{ token: string }>('POST', '/auth/login', null, DEMO.dispatcher);
    const dispatched = await call<{ items: Wo[] }>('GET', '/work-orders?status=DISPATCHED&limit=200', dispatcher);
    const candidates = dispatched.items.filter((w) => w.assigneeId && w.locationId && w.checklist.length > 0);
    // A job that needs a customer signature shows the "Complete" gate; any job will do otherwise.
    const wo = candidates.find((w) => w.requiresSignature) ?? candidates[0];
    expect(wo, 'the demo depot has dispatched, assigned work at a site with a checklist').toBeTruthy();
    const site = await call<{ lat: number; lon: number; geofenceRadiusM: number }>('GET', `/locations/${wo!.locationId}`, dispatcher);
    const pairing = await call<{ pairUrl: string }>('POST', '/pairing-codes', dispatcher, { userId: wo!.assigneeId });

    // The dispatcher: the console with this work order's drawer open.
    const desk = await desktopPage(browser, host.url);
    await signIn(desk.page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await desk.page.goto(`/#/work-orders?wo=${wo!.id}`);
    await ready(desk.page, 'wo-drawer');
    const deskStatus = desk.page.getByTestId('wo-status');
    expect(await deskStatus.textContent()).toBe('Dispatched');

    // The technician: a phone at the site (20 m from its centre), location allowed.
    const phone: BrowserContext = await browser.newContext({
      viewport: PHONE,
      hasTouch: true,
      isMobile: true,
      deviceScaleFactor: 2,
      baseURL: host.url,
      permissions: ['geolocation'],
      geolocation: { latitude: site.lat + 0.00018, longitude: site.lon, accuracy: 12 },
    });
    const page = await phone.newPage();
    await page.goto(pairing.pairUrl);
    await ready(page, 'crew-pair');
    await page.getByTestId('pair-submit').tap();
    await ready(page, 'crew-my-work');
    // Scrolled down "My work", a work order still opens at its top, and going back returns to the same place.
    // Scrolled so the card sits just under the header, but never at the very top: where the card falls
    // in the list depends on the time of day the demo was seeded, and at the top scrollIntoView left 0.
    const left = await page.getByTestId(`crew-wo-${wo!.number}`).evaluate((card) => {
      window.scrollTo(0, Math.max(card.getBoundingClientRect().top + window.scrollY - 120, 1));
      return window.scrollY;
    });
    expect(left).toBeGreaterThan(0);
    await page.getByTestId(`crew-wo-${wo!.number}`).tap();
    await ready(page, 'crew-work-order');
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.getByTestId('crew-back').tap();
    await ready(page, 'crew-my-work');
    expect(await page.evaluate(() => window.scrollY)).toBe(left);
    await page.getByTestId(`crew-wo-${wo!.number}`).tap();
    await ready(page, 'crew-work-order');

    // En route → on site: shown at once on the phone, live in the drawer once sent.
    await page.getByTestId('crew-step-EN_ROUTE').tap();
    await page.locator('[data-testid="crew-work-order"][data-status="EN_ROUTE"]').waitFor();
    await desk.page.locator('[data-testid="wo-status"]', { hasText: 'En route' }).waitFor();
    await page.getByTestId('crew-step-ON_SITE').tap();
    await page.locator('[data-testid="crew-work-order"][data-host-status="ON_SITE"]').waitFor();
    await desk.page.locator('[data-testid="wo-status"]', { hasText: 'On site' }).waitFor();
    const events = await call<{ items: { toStatus: string | null; data: { position?: { lat: number } } | null }[] }>(
      'GET',
      `/work-orders/${wo!.id}/events`,
      dispatcher,
    );
    const onSite = events.items.find((e) => e.toStatus === 'ON_SITE');
    expect(onSite?.data?.position?.lat, "the step is stamped with the phone's position").toBeCloseTo(site.lat + 0.00018, 5);

    // Check in: inside the site's fence.
    await page.getByTestId('crew-check-in').tap();
    const checkIn = page.locator('[data-testid="crew-attendance"][data-kind="check_in"]');
    await checkIn.waitFor();
    expect(await checkIn.getAttribute('data-fence')).toBe('inside');

    // The "Complete" step waits for the customer's signature where the job needs one.
    if (wo!.requiresSignature) {
      expect(await page.getByTestId('crew-step-COMPLETED').isDisabled()).toBe(true);
      expect(await page.getByTestId('crew-step-COMPLETED-blocked').textContent()).toContain('Customer signature needed');
    }

    // Checklist: every item answered (yes; a number inside its limits; a short text).
    for (const item of wo!.checklist) {
      const row = page.getByTestId(`crew-check-${item.id}`);
      await row.scrollIntoViewIfNeeded();
      if (item.kind === 'yesno') await row.getByRole('button', { name: 'Yes' }).tap();
      else {
        const value =
          item.kind === 'number'
            ? String(item.min !== undefined && item.max !== undefined ? (item.min + item.max) / 2 : (item.min ?? item.max ?? 1))
            : 'Seal replaced, no leaks';
        await row.locator('input').fill(value);
        await row.getByRole('button', { name: 'Save' }).tap();
      }
      await page.locator(`[data-testid="crew-check-${item.id}"][data-answered="yes"]`).waitFor();
    }

    // A photo from the camera: resized on the phone, a local thumbnail, then the host's one.
    // Taken while the yard's Wi-Fi is down: it shows from the phone's own bytes, waiting to send.
    const original = await cameraJpeg();
    await phone.setOffline(true);
    await page.getByTestId('crew-photo-input').setInputFiles({ name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: original });
    const local = page.getByTestId('crew-photo-pending');
    await local.locator('img').waitFor();
    expect(await local.textContent()).toContain('waiting to send');
    await phone.setOffline(false);
    await page.getByTestId('crew-photo').locator('img').waitFor();
    await local.waitFor({ state: 'detached' });
    await desk.page.getByTestId('wo-tab-files').click();
    await desk.page.locator('[data-testid="wo-attachment"][data-kind="photo"] img').waitFor();
    // Clicking it opens the stored (watermarked) copy, with a way to the untouched original.
    await desk.page.locator('[data-testid="wo-attachment"][data-kind="photo"]').click();
    await desk.page.getByTestId('wo-lightbox-img').waitFor();
    await desk.page.getByTestId('wo-original-link').waitFor();
    await desk.page.keyboard.press('Escape');
    await desk.page.getByTestId('wo-lightbox').waitFor({ state: 'detached' });

    // A "PDF" that is really a ZIP: the host sniffs the bytes and refuses it; the phone shows why.
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    await page.getByTestId('crew-document-input').setInputFiles({ name: 'test-certificate.pdf', mimeType: 'application/pdf', buffer: zip });
    const refusal = page.getByTestId('crew-documents').getByTestId('crew-refused');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/zip|type|supported/i);
    await refusal.getByRole('button', { name: 'Discard' }).tap();
    await refusal.waitFor({ state: 'detached' });

    // The customer signs (pointer moves on the pad) and gives their name.
    await page.getByTestId('crew-signature-start').tap();
    const pad = page.getByTestId('crew-signature-pad');
    await sign(page, pad);
    await page.getByTestId('crew-signer-name').fill('Margaret Hale');
    await page.getByTestId('crew-signature').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'crew-signature.png') });
    await page.getByTestId('crew-signature-save').tap();
    await page.locator('[data-testid="crew-signature"][data-signed="yes"]').waitFor();
    await desk.page.locator('[data-testid="wo-attachment"][data-kind="signature"]').waitFor();

    // Messages both ways, live.
    await desk.page.getByTestId('wo-tab-messages').click();
    await ready(desk.page, 'wo-messages');
    await page.getByTestId('crew-message-input').fill('On site. Pump 3 seal was worn, replaced it.');
    await page.getByTestId('crew-message-send').tap();
    await desk.page.locator('[data-testid="wo-message"]', { hasText: 'Pump 3 seal was worn' }).waitFor();
    await desk.page.getByTestId('wo-message-input').fill('Thanks. Please photograph the old seal before you leave.');
    await desk.page.getByTestId('wo-message-send').click();
    await page.locator('[data-testid="crew-message"][data-mine="no"]', { hasText: 'photograph the old seal' }).waitFor();
    await desk.page.locator('[data-testid="wo-message"]', { hasText: 'photograph the old seal' }).waitFor();
    await desk.page.screenshot({ path: path.join(shots, 'console-drawer-thread.png') });

    // Complete: allowed now, sent, and live in the drawer.
    const complete = page.getByTestId('crew-step-COMPLETED');
    await complete.scrollIntoViewIfNeeded();
    expect(await complete.isDisabled()).toBe(false);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(shots, 'crew-work-order.png') });
    await complete.tap();
    await page.locator('[data-testid="crew-work-order"][data-host-status="COMPLETED"]').waitFor();
    // The host's answer shows before the outbox drops the sent action (a moment later, after IndexedDB).
    await page.locator('[data-testid="crew-work-order"][data-pending="0"]').waitFor();
    await desk.page.locator('[data-testid="wo-status"]', { hasText: 'Completed' }).waitFor();

    // Checking out from 2 km away is allowed, and flagged for the supervisor.
    await phone.setGeolocation({ latitude: site.lat + 0.02, longitude: site.lon, accuracy: 15 });
    await page.getByTestId('crew-check-out').tap();
    const checkOut = page.locator('[data-testid="crew-attendance"][data-kind="check_out"]');
    await checkOut.waitFor();
    expect(await checkOut.getAttribute('data-fence')).toBe('outside');
    expect(await checkOut.textContent()).toContain('your supervisor will see this');
    await desk.page.getByTestId('wo-tab-field').click();
    await desk.page.locator('[data-testid="wo-attendance"][data-fence="outside"]').waitFor();
    await desk.page.locator('[data-testid="wo-attendance"][data-fence="inside"]').waitFor();

    // Notes: the crew's note reaches the desk; the desk's internal note stays off the phone.
    await page.getByTestId('crew-note-input').fill('Gate code changed to 4471.');
    await page.getByTestId('crew-note-add').tap();
    await desk.page.locator('[data-testid="wo-note"]', { hasText: 'Gate code changed to 4471.' }).waitFor();
    await desk.page.getByTestId('wo-note-input').fill('Customer is slow to pay: check the PO first.');
    await desk.page.getByTestId('wo-note-add').click();
    await desk.page.locator('[data-testid="wo-note"].internal', { hasText: 'slow to pay' }).waitFor();
    await desk.page.getByTestId('wo-note-internal').uncheck();
    await desk.page.getByTestId('wo-note-input').fill('Next visit: bring the long ladder.');
    await desk.page.getByTestId('wo-note-add').click();
    await page.locator('[data-testid="crew-note"]', { hasText: 'bring the long ladder' }).waitFor();
    expect(await page.getByTestId('crew-notes').textContent()).not.toContain('slow to pay');

    // The stored photo: resized on the phone (≤ 2048 px), its display copy a watermarked JPEG.
    const files = await call<{ items: Attachment[] }>('GET', `/work-orders/${wo!.id}/attachments`, dispatcher);
    const photos = files.items.filter((a) => a.kind === 'photo');
    expect(photos).toHaveLength(1);
    const photo = photos[0]!;
    expect(photo.mimeType).toBe('image/jpeg');
    expect(photo.meta).toMatchObject({ width: 2048, height: 1365, watermarked: true });
    expect(photo.meta?.lat).toBeCloseTo(site.lat + 0.00018, 5);
    const shown = await bytes(`/attachments/${photo.id}/content`, dispatcher);
    const kept = await bytes(`/attachments/${photo.id}/content?variant=original`, dispatcher);
    expect(shown.status).toBe(200);
    expect(shown.type).toContain('image/jpeg');
    expect(shown.body.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(kept.body.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(Buffer.compare(shown.body, kept.body)).not.toBe(0);
    expect(Buffer.compare(kept.body, original), 'the phone sent its resized copy, not the 3000 px file').not.toBe(0);
    const keptSize = await sharp(kept.body).metadata();
    expect([keptSize.width, keptSize.height]).toEqual([2048, 1365]);
    const signature = files.items.find((a) => a.kind === 'signature');
    expect(signature).toMatchObject({ mimeType: 'image/png', meta: { signerName: 'Margaret Hale' } });

    await phone.close();
    await desk.context.close();

    // The supervisor's list of flagged check-ins: review it and it leaves the list.
    const boss = await desktopPage(browser, host.url);
    await signIn(boss.page, DEMO.supervisor.email, DEMO.supervisor.password);
    await boss.page.goto('/#/people');
    await ready(boss.page, 'flagged-checkins');
    const flaggedRow = boss.page.getByTestId('flagged-checkins').locator('[data-testid="wo-attendance"]', { hasText: wo!.number });
    await flaggedRow.waitFor();
    await boss.page.screenshot({ path: path.join(shots, 'console-flagged-checkins.png') });
    await flaggedRow.getByTestId('attendance-review').click();
    await flaggedRow.waitFor({ state: 'detached' });
    const open = await call<{ items: { workOrderId: string }[] }>(
      'GET',
      '/attendance?fence=outside&reviewed=false',
      (await call<{ token: string }>('POST', '/auth/login', null, DEMO.supervisor)).token,
    );
    expect(open.items.some((r) => r.workOrderId === wo!.id)).toBe(false);
    await boss.context.close();
  }, 120_000);
});

describe("dates the depot's way, not the browser's (issue 17, 6)", () => {
  it('when an en-US browser in New York opens a London depot, then the console and the crew view read en-GB on London time', async () => {
    const { token } = await call<{ token: string }>('POST', '/auth/login', null, DEMO.dispatcher);
    const me = await call<{ depot: { timeZone: string; locale: string } }>('GET', '/auth/me', token);
    expect(me.depot).toMatchObject({ timeZone: 'Europe/London', locale: 'en-GB' });
    const dispatched = await call<{ items: (Wo & { plannedStart: string | null })[] }>(
      'GET',
      '/work-orders?status=DISPATCHED&limit=200',
      token,
    );
    const wo = dispatched.items.find((w) => w.assigneeId && w.plannedStart);
    expect(wo, 'the demo depot has planned, assigned work').toBeTruthy();
    const at = Date.parse(wo!.plannedStart!);
    const inLondon = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', ...o }).format(at);
    const shown = inLondon({ day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' }); // "05 Dec, 06:50"
    const browserOwn = { locale: 'en-US', timezoneId: 'America/New_York' };

    // The console: the work order's facts and its planned-start field.
    const desk = await browser.newContext({ viewport: DESKTOP, baseURL: host.url, ...browserOwn });
    const page = await desk.newPage();
    expect(await page.evaluate(() => [navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone])).toEqual([
      'en-US',
      'America/New_York',
    ]);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await page.goto(`/#/work-orders?wo=${wo!.id}`);
    await ready(page, 'wo-drawer');
    const facts = (await page.getByTestId('wo-facts').textContent()) ?? '';
    expect(facts).toContain(shown);
    expect(facts).not.toMatch(/\b(AM|PM)\b/);
    expect(await page.getByTestId('wo-assign-start-date').inputValue()).toBe(
      inLondon({ day: '2-digit', month: '2-digit', year: 'numeric' }),
    );
    expect(await page.getByTestId('wo-assign-start-date').getAttribute('placeholder')).toBe('dd/mm/yyyy');
    expect(await page.getByTestId('wo-assign-start-time').inputValue()).toBe(inLondon({ hour: '2-digit', minute: '2-digit' }));
    await page.screenshot({ path: path.join(SHOTS, 'locale-console.png') });
    await desk.close();

    // The crew view: the technician's phone, also set to en-US in New York.
    const pairing = await call<{ pairUrl: string }>('POST', '/pairing-codes', token, { userId: wo!.assigneeId });
    const phone = await browser.newContext({
      viewport: PHONE,
      hasTouch: true,
      isMobile: true,
      deviceScaleFactor: 2,
      baseURL: host.url,
      ...browserOwn,
    });
    const crew = await phone.newPage();
    await crew.goto(pairing.pairUrl);
    await ready(crew, 'crew-pair');
    await crew.getByTestId('pair-submit').tap();
    await ready(crew, 'crew-my-work');
    const card = crew.getByTestId(`crew-wo-${wo!.number}`);
    await card.scrollIntoViewIfNeeded();
    expect(await card.textContent()).toContain(shown);
    await crew.screenshot({ path: path.join(SHOTS, 'locale-crew.png') });
    await card.tap();
    await ready(crew, 'crew-work-order');
    expect(await crew.getByTestId('crew-work-order').textContent()).toContain(shown);
    await phone.close();
  });
});

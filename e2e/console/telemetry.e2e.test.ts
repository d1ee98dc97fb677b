import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { GeoJSONSource, Map as MapLibre } from 'maplibre-gl';
import { socatAvailable, startPtyPair, type PtyPair } from '../../server/telemetry/io/socat.js';
import { runSimulator, type SimulatorHandle } from '../../server/telemetry/simulator/runner.js';
import { DEMO, desktopPage, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

/**
 * The Telemetry view and vehicles on the map, against the built host with its real serial side:
 * socat pseudo-terminal pairs with the simulator writing a temperature sensor and a GPS receiver
 * (with one sentence in five corrupted, so refused input shows), a device that is not plugged in,
 * and a disabled one.
 */

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const HAVE_SOCAT = socatAvailable();

let host: E2EHost;
let browser: Browser;
let adminToken: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-e2e-telemetry-'));
const pairs: PtyPair[] = [];
const sims: SimulatorHandle[] = [];
const ids = { asset: '', assetLabel: '', vehicle: '', sensor: '', gps: '' };

async function call<T>(method: string, url: string, body?: unknown, token = adminToken): Promise<T> {
  const res = await fetch(`${host.url}/api/v1${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  if (!HAVE_SOCAT) return;
  host = await startHost({ seed: 300 });
  browser = await launchBrowser();
  adminToken = (await call<{ token: string }>('POST', '/auth/login', DEMO.admin, '')).token;
  const asset = (await call<{ items: Array<{ id: string; tag: string; name: string }> }>('GET', '/assets?limit=1')).items[0]!;
  const vehicle = (await call<{ items: Array<{ id: string; status: string }> }>('GET', '/vehicles?limit=50')).items.find(
    (v) => v.status !== 'retired',
  )!;
  Object.assign(ids, { asset: asset.id, assetLabel: `${asset.tag} ${asset.name}`, vehicle: vehicle.id });

  const link = (name: string) => path.join(dir, name);
  pairs.push(await startPtyPair(link('tempA'), link('tempB')), await startPtyPair(link('gpsA'), link('gpsB')));
  ids.sensor = (
    await call<{ id: string }>('POST', '/telemetry/devices', {
      name: 'Pump house sensor',
      path: link('tempB'),
      protocol: 'kv',
      assetId: asset.id,
    })
  ).id;
  ids.gps = (
    await call<{ id: string }>('POST', '/telemetry/devices', {
      name: 'Van GPS',
      path: link('gpsB'),
      protocol: 'nmea',
      vehicleId: vehicle.id,
    })
  ).id;
  await call('POST', '/telemetry/devices', { name: 'Reservoir level', path: link('not-plugged-in'), protocol: 'json' });
  await call('POST', '/telemetry/devices', { name: 'Spare logger', path: '/dev/ttyUSB9', protocol: 'csv', enabled: false });
  sims.push(
    runSimulator({ path: link('tempA'), profile: 'temperature', rate: 4, driftAfterS: 20, seed: 3 }),
    runSimulator({ path: link('gpsA'), profile: 'gps', rate: 4, fault: 'badchecksum', seed: 4 }),
  );
}, 180_000);

afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  await Promise.all(pairs.map((p) => p.kill()));
  await browser?.close();
  await host?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openTelemetry(page: Page): Promise<void> {
  await page.getByTestId('nav-telemetry').click();
  await page.locator('[data-testid="telemetry-devices"][data-state="ready"]').waitFor();
}

const row = (page: Page, name: string) => page.locator(`[data-testid="device-row"][data-device="${name}"]`);

describe.skipIf(!HAVE_SOCAT)('telemetry in the console', () => {
  it(
    'when devices stream, then the devices page shows their states, live counters and what they refused',
    { timeout: 90_000 },
    async () => {
      const { context, page } = await desktopPage(browser, host.url);
      await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
      await openTelemetry(page);

      const state = (name: string) => row(page, name).getByTestId('device-state');
      await state('Pump house sensor').and(page.locator('[data-value="connected"]')).waitFor({ timeout: 20_000 });
      await state('Van GPS').and(page.locator('[data-value="connected"]')).waitFor({ timeout: 20_000 });
      await state('Reservoir level').and(page.locator('[data-value="disconnected"]')).waitFor({ timeout: 20_000 });
      expect(await state('Spare logger').getAttribute('data-value')).toBe('disabled');

      // Counters change without a reload.
      const frames = async () =>
        Number((await row(page, 'Pump house sensor').getByTestId('device-frames').textContent())!.replace(/\D/g, ''));
      const first = await frames();
      await expect.poll(frames, { timeout: 15_000 }).toBeGreaterThan(first + 4);

      // Corrupted NMEA sentences: counted by reason, the last one shown as a sample.
      const gpsRow = row(page, 'Van GPS');
      await gpsRow.locator('[data-reason="checksum"]').waitFor({ timeout: 20_000 });
      expect(Number((await gpsRow.locator('[data-reason="checksum"] b').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(0);
      await expect
        .poll(async () => gpsRow.getByTestId('device-last-rejection').textContent(), { timeout: 20_000 })
        .toMatch(/\$G[NP](GGA|RMC)/);

      // A dispatcher may look but not configure: the panel shows every counter, no form.
      expect(await page.getByTestId('device-new').count()).toBe(0);
      await gpsRow.click();
      await page.getByTestId('device-detail').getByTestId('device-summary').waitFor();
      expect(await page.getByTestId('device-detail').textContent()).toMatch(/bad checksum\s*[\d,]+/);
      await page.getByTestId('device-detail').getByRole('button', { name: 'Close' }).click();

      fs.mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, 'telemetry-devices.png') });
      await context.close();
    },
  );

  it("when an asset's sensor streams, then its live values and history chart render and update", { timeout: 90_000 }, async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await openTelemetry(page);
    await page.getByTestId('tab-assets').click();
    await page.getByTestId('telemetry-asset-picker').selectOption(ids.asset);
    const card = page.getByTestId('metric-temperature');
    await card.waitFor({ timeout: 20_000 });
    await page.getByTestId('metric-humidity').waitFor();
    await page.locator('[data-testid="telemetry-chart"][data-state="ready"] canvas').first().waitFor();

    // Values and the chart move with the live stream (no refetch: the chart's history is fetched once).
    const value = () => card.getByTestId('metric-value').textContent();
    const points = async () => Number(await page.getByTestId('telemetry-chart').getAttribute('data-points'));
    const v0 = await value();
    const p0 = await points();
    await expect.poll(value, { timeout: 15_000 }).not.toBe(v0);
    await expect.poll(points, { timeout: 15_000 }).toBeGreaterThan(p0 + 2);
    expect(await page.locator('.tel-plot .u-over').count()).toBe(1);

    // Let the line grow a little for the screenshot, on the temperature.
    await card.click();
    await expect.poll(points, { timeout: 30_000 }).toBeGreaterThan(40);
    await page.screenshot({ path: path.join(screenshots, 'telemetry-asset.png') });
    await context.close();
  });

  it('when GPS fixes arrive, then the vehicle moves on the map', { timeout: 90_000 }, async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await page.getByTestId('nav-map').click();
    await page.locator('[data-testid="map-canvas"][data-state="ready"]').waitFor({ timeout: 30_000 });

    const where = (vehicleId: string) =>
      page.evaluate(async (id) => {
        const map = (globalThis as unknown as { __depotdeskMap: MapLibre }).__depotdeskMap;
        const data = (await (map.getSource('vehicles') as GeoJSONSource).getData()) as {
          features: Array<{ properties: { id?: string } | null; geometry: { coordinates: number[] } }>;
        };
        const f = data.features.find((x) => x.properties?.id === id);
        return f ? f.geometry.coordinates.join(',') : null;
      }, vehicleId);
    await expect.poll(() => where(ids.vehicle), { timeout: 20_000 }).not.toBeNull();
    const p0 = await where(ids.vehicle);
    await expect.poll(() => where(ids.vehicle), { timeout: 20_000 }).not.toBe(p0);
    const [lon, lat] = (await where(ids.vehicle))!.split(',').map(Number) as [number, number];
    expect(lat).toBeCloseTo(51.45, 1);
    expect(lon).toBeCloseTo(-2.6, 1);

    // Centre on the van for the screenshot and check it is drawn there.
    await page.evaluate(
      ([x, y]) => {
        const map = (globalThis as unknown as { __depotdeskMap: MapLibre }).__depotdeskMap;
        map.jumpTo({ center: [x, y], zoom: 14 });
      },
      [lon, lat] as const,
    );
    await expect
      .poll(
        () =>
          page.evaluate((id) => {
            const map = (globalThis as unknown as { __depotdeskMap: MapLibre }).__depotdeskMap;
            return map.queryRenderedFeatures({ layers: ['vehicles-dot'] }).some((f) => f.properties.id === id);
          }, ids.vehicle),
        { timeout: 20_000 },
      )
      .toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'map-vehicles.png') });
    await context.close();
  });

  it(
    'when an administrator adds a Modbus device, then the register map is saved; technicians do not see Telemetry',
    { timeout: 90_000 },
    async () => {
      const { context, page } = await desktopPage(browser, host.url);
      await signIn(page, DEMO.admin.email, DEMO.admin.password);
      await openTelemetry(page);
      await page.getByTestId('device-new').click();
      const form = page.getByTestId('device-form');
      await form.getByTestId('device-name').fill('Booster pump');
      await form.getByTestId('device-path').fill('/dev/ttyUSB4');
      await form.getByTestId('device-protocol').selectOption('modbus');
      await form.getByTestId('modbus-editor').waitFor();
      await form.getByTestId('modbus-unit').fill('7');
      await form.getByTestId('modbus-reg-name').first().fill('pump.pressure');
      await form.getByTestId('modbus-add-register').click();
      // A bad name is named by the host next to its register, nothing is saved.
      await form.getByTestId('modbus-reg-name').nth(1).fill('Flow Rate!');
      await form.getByTestId('device-save').click();
      await form.getByText(/Register 2: name/).waitFor();
      await form.getByTestId('modbus-reg-name').nth(1).fill('pump.flow');
      await form.locator('[data-testid="modbus-register"]').nth(1).locator('select[aria-label="type"]').selectOption('float32');
      await page.screenshot({ path: path.join(os.tmpdir(), 'depotdesk-modbus-form.png') });
      await form.getByTestId('device-save').click();
      await form.waitFor({ state: 'detached' });
      await row(page, 'Booster pump').waitFor();

      const devices = await call<{ items: Array<{ name: string; modbus: unknown }> }>('GET', '/telemetry/devices?q=Booster');
      expect(devices.items[0]?.modbus).toMatchObject({
        unitId: 7,
        registers: [
          { name: 'pump.pressure', function: 3, address: 0, type: 'uint16', scale: 1, offset: 0 },
          { name: 'pump.flow', function: 3, address: 1, type: 'float32', wordOrder: 'big' },
        ],
      });
      await context.close();

      // A technician signs in to the console: no Telemetry in the navigation.
      const tech = { name: 'Tess Tech', email: 'tess.tech@avonvale.example', password: 'tess-tech-password-2026', role: 'technician' };
      await call('POST', '/users', tech);
      const t = await desktopPage(browser, host.url);
      await signIn(t.page, tech.email, tech.password);
      await t.page.getByTestId('nav-board').waitFor();
      expect(await t.page.getByTestId('nav-telemetry').count()).toBe(0);
      await t.context.close();
    },
  );
});

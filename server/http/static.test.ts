import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';

// A stand-in renderer build, so this test does not depend on (or race with) `npm run build`.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-renderer-'));
let t: TestHost;
beforeAll(async () => {
  fs.mkdirSync(path.join(dir, 'console'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'crew/icons'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'console/index.html'), '<!doctype html><title>console</title>');
  fs.writeFileSync(path.join(dir, 'crew/index.html'), '<!doctype html><title>DepotDesk crew</title>');
  fs.writeFileSync(path.join(dir, 'crew/sw.js'), "self.addEventListener('fetch', () => {});");
  fs.writeFileSync(path.join(dir, 'crew/manifest.webmanifest'), JSON.stringify({ name: 'DepotDesk Crew', scope: '/crew/' }));
  fs.writeFileSync(path.join(dir, 'crew/icons/icon-192.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  process.env.DEPOTDESK_RENDERER_DIR = dir;
  t = await startTestHost();
});
afterAll(async () => {
  delete process.env.DEPOTDESK_RENDERER_DIR;
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('crew PWA files', () => {
  it('when a phone fetches /crew/sw.js, then it is JavaScript, always revalidated and allowed to control /crew/', async () => {
    const res = await fetch(`${t.url}/crew/sw.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('service-worker-allowed')).toBe('/crew/');
    expect(await res.text()).toContain('addEventListener');
  });

  it('when the manifest and an icon are fetched, then the manifest has its media type and the icon is a PNG', async () => {
    const manifest = await fetch(`${t.url}/crew/manifest.webmanifest`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    expect(await manifest.json()).toMatchObject({ name: 'DepotDesk Crew', scope: '/crew/' });
    const icon = await fetch(`${t.url}/crew/icons/icon-192.png`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/png');
  });

  it('when /crew/ is opened, then the crew shell is served and revalidated', async () => {
    const res = await fetch(`${t.url}/crew/`);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('DepotDesk crew');
  });
});

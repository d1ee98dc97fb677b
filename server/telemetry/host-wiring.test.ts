import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startHost } from '../start.js';
import { FakeSource } from './fake-source.js';

const dirs: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-telemetry-host-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('telemetry in the host lifecycle', () => {
  it('when --no-serial or DEPOTDESK_SERIAL=0 is given, then serial access is off; by default it is on', () => {
    expect(loadConfig(['--data-dir', '/tmp/x', '--no-serial'], {}).serial).toBe(false);
    expect(loadConfig(['--data-dir', '/tmp/x'], { DEPOTDESK_SERIAL: '0' }).serial).toBe(false);
    expect(loadConfig(['--data-dir', '/tmp/x'], {}).serial).toBe(true);
  });

  it('when the host starts with a telemetry source, then the pipeline runs on it and stopping the host closes it', async () => {
    const source = new FakeSource();
    const config = loadConfig(['--data-dir', tempDir(), '--port', '0', '--no-lan'], {});
    const running = await startHost(config, { quiet: true, telemetrySource: source });
    expect(source.configureCalls).toBe(1);
    expect(running.services.telemetry).toBe(running.telemetry);
    await running.stop();
    expect(source.closed).toBe(true);
    expect(running.services.telemetry).toBeNull();
  });

  it('when serial access is off, then the given source is not used and the ports list says so', async () => {
    const source = new FakeSource();
    const config = loadConfig(['--data-dir', tempDir(), '--port', '0', '--no-lan', '--no-serial'], {});
    const running = await startHost(config, { quiet: true, telemetrySource: source });
    expect(source.configureCalls).toBe(0);
    expect(running.telemetry.options.serial).toBe(false);
    await running.stop();
  });
});

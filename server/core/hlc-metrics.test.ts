import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost } from '../host.js';
import { ManualClock } from './clock.js';
import { ClockDriftError, Hlc } from './hlc.js';

/** The host wires the clock's drift bound to its config and counts refusals where operators look. */
describe('HLC refusals on a host', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a stamp beyond the configured drift bound arrives, then it is refused, counted in /metrics, and local stamps stay at now', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-hlc-'));
    dirs.push(dataDir);
    const now = Date.parse('2026-12-05T09:00:00Z');
    const host = createHost({ dataDir, clock: new ManualClock(now), hlcMaxDriftMs: 5_000 });
    try {
      // Within the bound: adopted.
      host.hlc.receive(Hlc.format(now + 4_000, 0, 'depot-b'));
      expect(Hlc.parse(host.hlc.next()).wall).toBe(now + 4_000);
      // Beyond it: refused, counted, not adopted.
      expect(() => host.hlc.receive(Hlc.format(Date.UTC(2036, 11, 5), 0, 'depot-b'))).toThrow(ClockDriftError);
      expect(() => host.hlc.receive(Hlc.format(now + 60_000, 0, 'depot-c'))).toThrow(ClockDriftError);
      expect(Hlc.parse(host.hlc.next()).wall).toBe(now + 4_000);
      const text = await host.metrics.registry.metrics();
      expect(text).toMatch(/^depotdesk_hlc_refused_total 2$/m);
    } finally {
      host.close();
    }
  });
});

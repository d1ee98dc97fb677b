import { describe, expect, it, vi } from 'vitest';
import type { LiveMessage } from '../../shared/api/live';
import type { DesktopAlert, DesktopPlatform } from '../../platform/types';
import { alertRaiser, newBreachAlerts, telemetryAlertsOf, watchAlerts, type BreachedWork } from './alerts';

const message = (type: string, changes: { table: string; id: string; op: string }[]): LiveMessage => ({
  type,
  orgId: 'org-1',
  data: { tables: [...new Set(changes.map((c) => c.table))], changes },
  at: '2026-11-20T08:00:00.000Z',
});

function fakePlatform() {
  const shown: DesktopAlert[] = [];
  const platform: Pick<DesktopPlatform, 'notifyAlert'> = { notifyAlert: async (a) => void shown.push(a) };
  return { platform, shown };
}

describe('telemetry alerts from the live socket', () => {
  it('when a telemetry rule raises an alert, then one telemetry alert keyed by the alert row is raised', () => {
    const m = message('telemetry_alert.raised', [
      { table: 'telemetry_alerts', id: 'al-1', op: 'insert' },
      { table: 'work_orders', id: 'wo-1', op: 'insert' },
    ]);
    expect(telemetryAlertsOf(m)).toEqual([expect.objectContaining({ kind: 'telemetry_alert', key: 'telemetry:al-1' })]);
  });

  it('when any other change arrives (or a repeat inserts no alert row), then nothing is raised', () => {
    expect(telemetryAlertsOf(message('work_order.transition', [{ table: 'work_orders', id: 'wo-1', op: 'update' }]))).toEqual([]);
    expect(telemetryAlertsOf(message('telemetry_alert.raised', [{ table: 'work_order_events', id: 'ev-1', op: 'insert' }]))).toEqual([]);
  });
});

describe('SLA breaches', () => {
  const wo = (id: string) => ({ id, number: `AVM-${id}`, title: `Boiler ${id}` });

  it('when the console first learns the breached list, then nothing is raised (already late is not news)', () => {
    expect(newBreachAlerts(null, [wo('1'), wo('2')])).toEqual([]);
  });

  it('when a work order joins the breached list, then one SLA alert names it', () => {
    expect(newBreachAlerts(new Set(['1']), [wo('1'), wo('2')])).toEqual([
      { kind: 'sla_breach', title: 'SLA breached: AVM-2', body: 'Boiler 2', key: 'sla:2' },
    ]);
  });
});

describe('raising alerts through the platform', () => {
  it('when the same alert comes twice, then the platform is asked once; another key is asked too', () => {
    const { platform, shown } = fakePlatform();
    const raise = alertRaiser(platform);
    const breach: DesktopAlert = { kind: 'sla_breach', title: 'SLA breached: AVM-2', body: 'Boiler', key: 'sla:2' };
    raise([breach]);
    raise([breach, { ...breach, kind: 'telemetry_alert', key: 'telemetry:al-1' }]);
    expect(shown.map((a) => a.key)).toEqual(['sla:2', 'telemetry:al-1']);
  });

  it('when the platform refuses, then the console carries on (no unhandled rejection)', async () => {
    const raise = alertRaiser({ notifyAlert: () => Promise.reject(new Error('refused')) });
    expect(() => raise([{ kind: 'sla_breach', title: 't', body: 'b', key: 'sla:9' }])).not.toThrow();
    await new Promise((r) => setTimeout(r, 0));
  });
});

describe('watching for alerts (what the desktop console runs)', () => {
  it('when a telemetry alert arrives and a work order breaches, then the platform is asked for both, once each', async () => {
    vi.useFakeTimers();
    try {
      const { platform, shown } = fakePlatform();
      let listener: ((m: LiveMessage) => void) | null = null;
      let breached: BreachedWork[] = [{ id: '1', number: 'AVM-1', title: 'Late already' }];
      const stop = watchAlerts(
        { onLiveMessage: (l) => ((listener = l), () => (listener = null)), breached: async () => breached },
        platform,
        60_000,
      );
      await vi.advanceTimersByTimeAsync(0);
      expect(shown).toEqual([]);

      listener!(message('telemetry_alert.raised', [{ table: 'telemetry_alerts', id: 'al-1', op: 'insert' }]));
      breached = [...breached, { id: '2', number: 'AVM-2', title: 'Freezer 3' }];
      await vi.advanceTimersByTimeAsync(60_000);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(shown.map((a) => a.key)).toEqual(['telemetry:al-1', 'sla:2']);

      stop();
      expect(listener).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('when a work-order change arrives, then the breached list is read again at once', async () => {
    const { platform } = fakePlatform();
    let listener: ((m: LiveMessage) => void) | null = null;
    const reads = vi.fn(async () => [] as BreachedWork[]);
    const stop = watchAlerts({ onLiveMessage: (l) => ((listener = l), () => undefined), breached: reads }, platform, 60_000);
    await new Promise((r) => setTimeout(r, 0));
    listener!(message('work_order.transition', [{ table: 'work_orders', id: 'wo-1', op: 'update' }]));
    await new Promise((r) => setTimeout(r, 0));
    expect(reads).toHaveBeenCalledTimes(2);
    stop();
  });
});

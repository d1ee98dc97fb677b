import type { LiveMessage } from '../../shared/api/live';
import type { DesktopAlert, DesktopPlatform } from '../../platform/types';

/**
 * Which operational alerts the console raises as OS notifications (issue 12, item 2). Everything it
 * needs is passed in (socket, breached-work fetch, platform), so tests drive it with fakes, and the
 * lazily loaded start.ts shares no module with the rest of the console.
 */

/** What a mutation message of a telemetry rule looks like (server/telemetry/rules/actions.ts). */
const TELEMETRY_ALERT_ACTION = 'telemetry_alert.raised';

/** One alert per telemetry alert row a message inserted (a repeat of an active alert inserts none). */
export function telemetryAlertsOf(message: LiveMessage): DesktopAlert[] {
  if (message.type !== TELEMETRY_ALERT_ACTION) return [];
  return (message.data.changes ?? [])
    .filter((c) => c.table === 'telemetry_alerts' && c.op === 'insert')
    .map((c) => ({
      kind: 'telemetry_alert',
      title: 'Telemetry alert',
      body: 'A sensor reading crossed a telemetry rule. See Telemetry for details.',
      key: `telemetry:${c.id}`,
    }));
}

export interface BreachedWork {
  id: string;
  number: string;
  title: string;
}

/**
 * Work orders that breached their SLA since the last look. The first look (`known` null) raises
 * nothing: what was already late when the console opened is on the board, not news.
 */
export function newBreachAlerts(known: ReadonlySet<string> | null, breached: readonly BreachedWork[]): DesktopAlert[] {
  if (known === null) return [];
  return breached
    .filter((wo) => !known.has(wo.id))
    .map((wo) => ({ kind: 'sla_breach', title: `SLA breached: ${wo.number}`, body: wo.title, key: `sla:${wo.id}` }));
}

/**
 * Raises each alert once per key for this console session (main also drops repeats within a minute,
 * but a work order that leaves and re-enters the breached list should not ring twice).
 */
export function alertRaiser(platform: Pick<DesktopPlatform, 'notifyAlert'>): (alerts: readonly DesktopAlert[]) => void {
  const raised = new Set<string>();
  return (alerts) => {
    for (const alert of alerts) {
      if (raised.has(alert.key)) continue;
      raised.add(alert.key);
      // A refused or failed notification is not worth a toast: the board and telemetry views show the same.
      platform.notifyAlert(alert).catch(() => undefined);
    }
  };
}

export interface AlertSources {
  onLiveMessage(listener: (m: LiveMessage) => void): () => void;
  /** Breached open work, as the board asks for it. */
  breached(): Promise<readonly BreachedWork[]>;
}

/** Breaches are a matter of time passing, not only of writes, so the list is also re-read every minute. */
export const BREACH_POLL_MS = 60_000;

/**
 * Watches for telemetry alerts (socket messages) and new SLA breaches (the breached list, re-read
 * after work-order changes and every minute) and raises each once. Returns the stop function.
 */
export function watchAlerts(sources: AlertSources, platform: Pick<DesktopPlatform, 'notifyAlert'>, pollMs = BREACH_POLL_MS): () => void {
  const raise = alertRaiser(platform);
  let known: Set<string> | null = null;
  let stopped = false;
  let checking = false;
  const check = async () => {
    // A burst of writes asks once; the next change or tick asks again.
    if (checking) return;
    checking = true;
    try {
      const items = await sources.breached();
      if (stopped) return;
      raise(newBreachAlerts(known, items));
      known = new Set(items.map((wo) => wo.id));
    } catch {
      // Offline or signed out: the next change or tick tries again.
    } finally {
      checking = false;
    }
  };
  const stopLive = sources.onLiveMessage((m) => {
    raise(telemetryAlertsOf(m));
    if (m.data.tables?.includes('work_orders')) void check();
  });
  void check();
  const timer = setInterval(() => void check(), pollMs);
  return () => {
    stopped = true;
    stopLive();
    clearInterval(timer);
  };
}

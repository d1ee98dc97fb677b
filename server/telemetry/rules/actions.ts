import { assets, telemetryAlerts, vehicles } from '../../../db/schema/index.js';
import { systemCtx, type Host } from '../../core/context.js';
import { mutate, type Writer } from '../../core/mutate.js';
import { createWorkOrder } from '../../work-orders/service.js';
import { activeAlertFor, openWorkOrderOfRule, openWorkOrdersAt, type AlertRow, type RuleRow } from '../repo.js';
import type { StoredReading } from '../pipeline/store.js';
import type { RuleActions, Subject } from './engine.js';

const ACTOR = 'telemetry rules';

function describeCondition(rule: RuleRow): string {
  switch (rule.kind) {
    case 'above':
      return `above ${rule.threshold}`;
    case 'below':
      return `below ${rule.threshold}`;
    case 'outside_band':
      return `outside ${rule.low}…${rule.high}`;
    case 'rate_of_change':
      return `changing faster than ${rule.threshold} per minute`;
    default:
      return rule.kind;
  }
}

/** Inserts the alert row; the /ws message is mutate()'s own, after commit, with the alert attached. */
function insertAlert(
  w: Writer,
  values: Omit<typeof telemetryAlerts.$inferInsert, 'id' | 'orgId' | 'createdAt' | 'updatedAt' | 'version'>,
): AlertRow {
  return w.insert(telemetryAlerts, values);
}

/**
 * Raises an alert for a threshold rule and, if the rule says so, opens a corrective work order with
 * the reading attached. One transaction: the alert and its work order commit together or not at
 * all, and the checks below run under the write lock, so "exactly once" holds across restarts and
 * concurrent batches — an active alert for the same rule and subject is returned as is, and while
 * the work order an earlier alert opened is still open, a new alert links to it instead of opening
 * another.
 */
export function raiseThresholdAlert(host: Host, rule: RuleRow, subject: Subject, r: StoredReading, measured: number): AlertRow {
  const ctx = { ...systemCtx(host, rule.orgId, ACTOR) };
  let alert!: AlertRow;
  mutate(ctx, 'telemetry_alert.raised', (w) => {
    const existing = activeAlertFor(host.db, rule.orgId, rule.id, subject.id);
    if (existing) {
      alert = existing;
      return;
    }
    const reading = { deviceId: r.deviceId, metric: r.metric, value: r.value, unit: r.unit, at: new Date(r.at).toISOString(), measured };
    let workOrderId: string | null = null;
    if (rule.opensWorkOrder) {
      const open = openWorkOrderOfRule(host.db, rule.orgId, rule.id, subject.id);
      if (open) {
        workOrderId = open.id;
        w.event(open.id, 'telemetry_alert', { data: { ruleId: rule.id, reading, repeated: true } });
      } else {
        const asset = r.assetId ? w.find(assets, r.assetId) : undefined;
        const vehicle = !asset && r.vehicleId ? w.find(vehicles, r.vehicleId) : undefined;
        const what = asset ? `${asset.tag} ${asset.name}` : vehicle ? vehicle.callSign : `device ${r.deviceId}`;
        const value = `${r.value}${r.unit ? ` ${r.unit}` : ''}`;
        const wo = createWorkOrder(ctx, {
          title: `${rule.name}: ${r.metric} ${value} on ${what}`.slice(0, 200),
          description:
            `Raised by telemetry rule "${rule.name}" (${r.metric} ${describeCondition(rule)}` +
            `${rule.minDurationMs ? ` for ${Math.round(rule.minDurationMs / 1000)} s` : ''}).\n` +
            `Reading: ${r.metric} = ${value} at ${reading.at} from device ${r.deviceId}.`,
          type: 'corrective',
          ...(rule.templateId ? { templateId: rule.templateId } : { priority: 'high' as const }),
          ...(asset ? { assetId: asset.id } : {}),
          ...(asset?.locationId ? { locationId: asset.locationId } : {}),
        });
        workOrderId = wo.id;
        w.event(wo.id, 'telemetry_alert', { data: { ruleId: rule.id, reading } });
      }
    }
    alert = insertAlert(w, {
      ruleId: rule.id,
      subjectKind: subject.kind,
      subjectId: subject.id,
      assetId: r.assetId,
      vehicleId: r.vehicleId,
      locationId: null,
      metric: r.metric,
      state: 'active',
      raisedAt: r.at,
      clearedAt: null,
      triggerValue: measured,
      peakValue: measured,
      workOrderId,
      acknowledgedAt: null,
      acknowledgedBy: null,
    });
  });
  return alert;
}

export function clearAlert(
  host: Host,
  orgId: string,
  alertId: string,
  at: number,
  peak: number | null,
  data: Record<string, unknown> = {},
): void {
  mutate(systemCtx(host, orgId, ACTOR), 'telemetry_alert.cleared', (w) => {
    const before = w.get(telemetryAlerts, alertId, 'telemetry alert');
    if (before.state !== 'active') return;
    const { after } = w.update(
      telemetryAlerts,
      alertId,
      { state: 'cleared', clearedAt: at, peakValue: peak ?? before.peakValue },
      { before },
    );
    if (after.workOrderId)
      w.event(after.workOrderId, 'telemetry_alert_cleared', {
        data: { alertId, clearedAt: new Date(at).toISOString(), peakValue: after.peakValue, ...data },
      });
  });
}

/** A geofence crossing: timeline events on the vehicle's open work at that site, and the rule's alert. */
export function geofenceCrossing(
  host: Host,
  orgId: string,
  vehicleId: string,
  locationId: string,
  entered: boolean,
  at: number,
  position: { lat: number; lon: number; distanceM: number },
  rules: RuleRow[],
): { raised: AlertRow[]; events: number } {
  const raised: AlertRow[] = [];
  let events = 0;
  mutate(systemCtx(host, orgId, ACTOR), entered ? 'vehicle.arrived' : 'vehicle.left', (w) => {
    const data = { vehicleId, locationId, at: new Date(at).toISOString(), ...position };
    for (const woId of openWorkOrdersAt(host.db, orgId, vehicleId, locationId)) {
      w.event(woId, entered ? 'vehicle_arrived' : 'vehicle_left', { data });
      events += 1;
    }
    for (const rule of rules) {
      // An "enter" alert lasts while the vehicle is inside; a "leave" alert while it is away.
      const raises = (rule.kind === 'geofence_enter') === entered;
      const existing = activeAlertFor(host.db, orgId, rule.id, vehicleId, locationId);
      if (raises && !existing && rule.raisesAlert) {
        raised.push(
          insertAlert(w, {
            ruleId: rule.id,
            subjectKind: 'vehicle',
            subjectId: vehicleId,
            assetId: null,
            vehicleId,
            locationId,
            metric: null,
            state: 'active',
            raisedAt: at,
            clearedAt: null,
            triggerValue: position.distanceM,
            peakValue: null,
            workOrderId: null,
            acknowledgedAt: null,
            acknowledgedBy: null,
          }),
        );
      } else if (!raises && existing) {
        w.update(telemetryAlerts, existing.id, { state: 'cleared', clearedAt: at }, { before: existing });
      }
    }
  });
  return { raised, events };
}

export function thresholdActions(host: Host): RuleActions {
  return {
    fire(rule, subject, reading, measured) {
      try {
        return raiseThresholdAlert(host, rule, subject, reading, measured).id;
      } catch (err) {
        host.log.warn({ err, ruleId: rule.id }, 'telemetry rule could not raise its alert; retrying on the next reading');
        return null;
      }
    },
    clear(rule, alertId, reading, peak) {
      try {
        clearAlert(host, rule.orgId, alertId, reading.at, peak, { value: reading.value, unit: reading.unit });
        return true;
      } catch (err) {
        host.log.warn({ err, ruleId: rule.id }, 'telemetry alert could not be cleared; retrying on the next reading');
        return false;
      }
    },
  };
}

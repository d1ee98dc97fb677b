import { DateTime } from 'luxon';
import { systemCtx, type Host } from '../core/context.js';
import { maintenancePlans } from '../../db/schema/index.js';
import { mutate } from '../core/mutate.js';
import type { Catalog } from './catalog.js';
import { REGION } from './region.js';

/**
 * A few preventive maintenance plans in the demo depot (issue 19, 4). Only the plans: the host's
 * generator makes their first work orders when it starts (server/maintenance/generator.ts), and the
 * Gantt shows the rest as a forecast. Seeded as plain rows, so the seeded work orders stay exactly
 * the requested count. Calendar plans only: the demo has no telemetry device for a meter to follow.
 */
export function seedMaintenancePlans(host: Host, catalog: Catalog, now: number): number {
  const ctx = systemCtx(host, catalog.orgId, 'demo seed');
  const template = (name: string) => catalog.templates.find((t) => t.spec.name === name)?.id;
  const site = (kind: string) => catalog.locations.find((l) => l.kind === kind && l.depotId === catalog.depots.AVM);
  const day = (n: number, time: string) =>
    `${DateTime.fromMillis(now, { zone: REGION.timeZone }).plus({ days: n }).toFormat('yyyy-MM-dd')}T${time}`;
  const pumps = site('pumping_station');
  const valve = catalog.locations.flatMap((l) => l.assets).find((a) => a.category === 'valve');
  const facility = site('facility');
  const substation = site('substation');
  const specs = [
    pumps && {
      name: 'Station pumps, monthly inspection',
      templateId: template('Pumping station monthly inspection'),
      assetCategory: 'pump',
      locationId: pumps.id,
      rrule: 'FREQ=MONTHLY',
      dtstart: day(2, '08:00'),
    },
    valve && {
      name: 'Valve exercising, quarterly',
      templateId: template('Valve exercising'),
      assetId: valve.id,
      rrule: 'FREQ=MONTHLY;INTERVAL=3',
      dtstart: day(20, '09:00'),
    },
    facility && {
      name: 'HVAC service, monthly',
      templateId: template('HVAC planned maintenance'),
      locationId: facility.id,
      rrule: 'FREQ=MONTHLY',
      dtstart: day(10, '10:00'),
    },
    substation && {
      name: 'Generator load test, fortnightly',
      templateId: template('Generator load test'),
      locationId: substation.id,
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU',
      dtstart: day(1, '13:00'),
      horizonDays: 3,
    },
  ];
  return mutate(ctx, 'maintenance plan.created', (w) => {
    let made = 0;
    for (const s of specs) {
      if (!s || !s.templateId) continue;
      w.insert(maintenancePlans, {
        assetId: null,
        assetCategory: null,
        locationId: null,
        horizonDays: 14,
        ...s,
        templateId: s.templateId,
        depotId: catalog.depots.AVM,
        kind: 'calendar',
        meterDeviceId: null,
        meterMetric: null,
        meterMode: null,
        meterInterval: null,
        meterBaseline: null,
        meterThreshold: null,
        effectiveFrom: now,
        paused: false,
        deletedAt: null,
        deletedBy: null,
      });
      made += 1;
    }
    return made;
  });
}

import { telemetryDevices } from '../../db/schema/index.js';
import type { Writer } from '../core/mutate.js';
import { ValidationError, type FieldError } from '../errors.js';
import { ruleProblem } from './calendar.js';
import type { PlanRow } from './repo.js';

type Values = Record<string, unknown>;

/**
 * The rules that span fields, on the plan as it will be (a PATCH merged over the stored row): what
 * each kind needs, and that the plan covers something. Zod checks each field alone (contract.ts).
 */
export function validatePlan(w: Writer, values: Values, before?: PlanRow): void {
  const plan = { ...(before ?? {}), ...values } as Partial<PlanRow>;
  const errors: FieldError[] = [];
  const need = (key: keyof PlanRow, why: string) => {
    if (plan[key] === null || plan[key] === undefined) errors.push({ field: `body.${key}`, message: `required ${why}` });
  };
  if (!plan.assetId && !plan.assetCategory && !plan.locationId && !(plan.kind === 'meter' && plan.meterDeviceId)) {
    errors.push({ field: 'body.assetId', message: 'name an asset, an asset category or a location' });
  }
  if (plan.kind === 'calendar') {
    need('rrule', 'for a calendar plan');
    need('dtstart', 'for a calendar plan');
    const problem = plan.rrule ? ruleProblem(plan.rrule) : null;
    if (problem) errors.push({ field: 'body.rrule', message: problem });
    if (plan.dtstart && Number.isNaN(Date.parse(`${plan.dtstart}:00Z`))) errors.push({ field: 'body.dtstart', message: 'not a date' });
  } else if (plan.kind === 'meter') {
    need('meterDeviceId', 'for a meter plan');
    need('meterMetric', 'for a meter plan');
    need('meterMode', 'for a meter plan');
    if (plan.meterMode === 'counter') need('meterInterval', 'for a counter');
    if (plan.meterMode === 'trend') need('meterThreshold', 'for a trend');
    if (plan.assetCategory) errors.push({ field: 'body.assetCategory', message: 'a meter plan follows one device, not a category' });
    if (plan.meterDeviceId && !plan.assetId) {
      const device = w.find(telemetryDevices, plan.meterDeviceId);
      if (device && !device.assetId && !plan.locationId) {
        errors.push({ field: 'body.assetId', message: 'the device is bound to no asset: name the asset or a location' });
      }
    }
  }
  if (errors.length > 0) throw new ValidationError('The maintenance plan is incomplete or inconsistent.', errors);
}

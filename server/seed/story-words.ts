import type { ChecklistItem } from '../work-orders/contract-domain.js';
import type { Prng } from './prng.js';

/** Words for the demo's work orders: how jobs get reported, why they stop, why they are dropped. */

export const DESCRIPTIONS = [
  'Reported by a member of the public through the council website.',
  'Raised from a telemetry alarm overnight.',
  'Called in by the site manager.',
  'Found during a routine inspection; follow-up needed.',
  'Reported by a police officer on patrol.',
  'Reported twice by residents; see photos on the report.',
  'Raised by the out-of-hours call centre.',
];

export const HOLD_REASONS = [
  'Waiting for parts from the supplier',
  'Waiting for a second operative (two-person job)',
  'Road closure permit needed',
  'Power company must isolate the supply first',
  'Specialist contractor required',
];

export const CANCEL_REASONS = [
  'Duplicate of an existing job',
  'Fault cleared before attendance',
  'Requester withdrew the request',
  'Raised in error',
  'Asset is the utility company\u2019s responsibility',
];

const NOTES = [
  'All in order.',
  'Minor wear noted, no action needed.',
  'Cleaned and re-tested.',
  'Replaced worn part from van stock.',
  'Photos taken.',
];

/** A plausible answer for a checklist item: mostly "yes", numbers inside the item's range. */
export function answerFor(prng: Prng, item: ChecklistItem): boolean | number | string {
  if (item.kind === 'yesno') return prng.chance(item.required ? 0.95 : 0.8);
  if (item.kind === 'number') {
    const min = item.min ?? 0;
    const max = item.max ?? 100;
    const value = prng.around(min + (max - min) * 0.4, (max - min) * 0.3);
    return Math.round(Math.min(max, Math.max(min, value)) * 10) / 10;
  }
  return prng.pick(NOTES);
}

/** Customers' representatives who sign on the crew's phone. */
export const SIGNERS = ['J. Hartley', 'Priya Nair', 'Tom Whitcombe', 'A. Okafor', 'Helen Marsh', 'Site manager (R. Lewis)'];

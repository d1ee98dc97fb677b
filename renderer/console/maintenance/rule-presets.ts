/**
 * The calendar rule picker's presets: "every N days/weeks/months/years" as RRULE text, and back, so a
 * plan made from a preset opens on its preset and anything else opens as a raw rule.
 */

export type Unit = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export const UNITS: [Unit, string][] = [
  ['DAILY', 'days'],
  ['WEEKLY', 'weeks'],
  ['MONTHLY', 'months'],
  ['YEARLY', 'years'],
];

export interface Preset {
  every: number;
  unit: Unit;
}

export function presetRule(p: Preset): string {
  return p.every === 1 ? `FREQ=${p.unit}` : `FREQ=${p.unit};INTERVAL=${p.every}`;
}

/** The preset a rule is, or null when it says more than a preset can (BYDAY, COUNT, ...). */
export function presetOf(rule: string): Preset | null {
  const m = /^(?:RRULE:)?FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(?:;INTERVAL=(\d{1,3}))?$/i.exec(rule.trim());
  if (!m) return null;
  return { unit: m[1]!.toUpperCase() as Unit, every: m[2] ? Number(m[2]) : 1 };
}

/** How a rule reads in the plan list. */
export function describeRule(rule: string | null): string {
  if (!rule) return '';
  const p = presetOf(rule);
  if (!p) return rule;
  const unit = UNITS.find(([u]) => u === p.unit)![1];
  return p.every === 1 ? `every ${unit.slice(0, -1)}` : `every ${p.every} ${unit}`;
}

import { describe, expect, it } from 'vitest';
import { describeRule, presetOf, presetRule } from './rule-presets';

describe('calendar rule presets', () => {
  it('when a preset is turned into a rule and back, then it is the same preset', () => {
    expect(presetRule({ every: 3, unit: 'MONTHLY' })).toBe('FREQ=MONTHLY;INTERVAL=3');
    expect(presetOf('FREQ=MONTHLY;INTERVAL=3')).toEqual({ every: 3, unit: 'MONTHLY' });
    expect(presetOf('RRULE:FREQ=WEEKLY')).toEqual({ every: 1, unit: 'WEEKLY' });
    expect(describeRule('FREQ=WEEKLY;INTERVAL=2')).toBe('every 2 weeks');
    expect(describeRule('FREQ=YEARLY')).toBe('every year');
  });
  it('when a rule says more than a preset can, then it stays raw', () => {
    expect(presetOf('FREQ=WEEKLY;BYDAY=MO,TH')).toBeNull();
    expect(describeRule('FREQ=WEEKLY;BYDAY=MO,TH')).toBe('FREQ=WEEKLY;BYDAY=MO,TH');
  });
});

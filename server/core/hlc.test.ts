import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { Hlc } from './hlc.js';

describe('hybrid logical clock', () => {
  it('when the wall clock stands still or goes back, then stamps still increase', () => {
    const clock = new ManualClock(1_000);
    const hlc = new Hlc('depot-a', clock);
    const a = hlc.next();
    const b = hlc.next();
    clock.set(500);
    const c = hlc.next();
    expect(a < b && b < c).toBe(true);
    expect(Hlc.parse(c)).toEqual({ wall: 1_000, counter: 2, node: 'depot-a' });
  });

  it('when a stamp from a depot ahead of us is received, then our next stamp sorts after it', () => {
    const clock = new ManualClock(1_000);
    const hlc = new Hlc('depot-a', clock);
    const remote = Hlc.format(5_000, 7, 'depot-b');
    hlc.receive(remote);
    expect(hlc.next() > remote).toBe(true);
  });

  it('when restarted from the last stamp, then it continues after it', () => {
    const clock = new ManualClock(1_000);
    const last = Hlc.format(1_000, 3, 'depot-a');
    expect(new Hlc('depot-a', clock, last).next() > last).toBe(true);
  });

  it('when a stamp is malformed, then parsing fails loudly', () => {
    expect(() => Hlc.parse('garbage')).toThrow(/Bad HLC/);
  });
});

describe('manual clock', () => {
  it('when moved by fractions of a millisecond, then it still tells whole milliseconds like Date.now()', () => {
    const clock = new ManualClock(1_000.4);
    expect(clock.now()).toBe(1_000);
    clock.advance(0.7);
    expect(clock.now()).toBe(1_001);
    clock.set(2_000.6);
    expect(Number.isInteger(clock.now())).toBe(true);
  });
});

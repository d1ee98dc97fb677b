import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { ClockDriftError, HLC_MAX_COUNTER, Hlc } from './hlc.js';

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

  it('when 200,000 stamps are taken across a one-hour clock step back, then they stay strictly increasing as strings and as numbers', () => {
    const start = Date.UTC(2026, 11, 5, 12, 0, 0);
    const clock = new ManualClock(start);
    const hlc = new Hlc('depot-a', clock);
    let previous = hlc.next();
    // BigInt: wall × 65,536 passes Number's exact range.
    const keyOf = (stamp: string) => {
      const { wall, counter } = Hlc.parse(stamp);
      return BigInt(wall) * BigInt(HLC_MAX_COUNTER + 1) + BigInt(counter);
    };
    let previousKey = keyOf(previous);
    for (let i = 1; i < 200_000; i++) {
      if (i === 1_000)
        clock.set(start - 3_600_000); // the operator "corrects" the clock by an hour
      else if (i % 50 === 0) clock.advance(1); // real time goes on at a write every 20 µs
      const stamp = hlc.next();
      const key = keyOf(stamp);
      if (!(stamp > previous) || !(key > previousKey) || Hlc.parse(stamp).counter > HLC_MAX_COUNTER) {
        throw new Error(`stamp ${i} (${stamp}) does not sort after ${previous}`);
      }
      previous = stamp;
      previousKey = key;
    }
    // The counter overflowed into the logical millisecond instead of running past five digits.
    expect(Hlc.parse(previous).wall).toBeGreaterThan(start);
  });

  it('when the counter is full, then the next stamp moves to the next millisecond and still sorts after', () => {
    const clock = new ManualClock(1_000);
    const hlc = new Hlc('depot-a', clock, Hlc.format(1_000, HLC_MAX_COUNTER, 'depot-a'));
    const next = hlc.next();
    expect(Hlc.parse(next)).toEqual({ wall: 1_001, counter: 0, node: 'depot-a' });
    expect(next > Hlc.format(1_000, HLC_MAX_COUNTER, 'depot-a')).toBe(true);
  });

  it('when a stamp ten years ahead is received, then it is refused and counted, and the next local stamp stays near now', () => {
    const now = Date.UTC(2026, 11, 5);
    const clock = new ManualClock(now);
    const refused: ClockDriftError[] = [];
    const hlc = new Hlc('depot-a', clock, null, { maxDriftMs: 60_000, onRefused: (e) => refused.push(e) });
    hlc.next();
    const from2036 = Hlc.format(Date.UTC(2036, 11, 5), 0, 'depot-b');
    expect(() => hlc.receive(from2036)).toThrow(ClockDriftError);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.aheadMs).toBe(Date.UTC(2036, 11, 5) - now);
    expect(Hlc.parse(hlc.next()).wall).toBe(now);
  });

  it('when a remote stamp is ahead but within the drift bound, then it is merged and the next stamp sorts after it', () => {
    const clock = new ManualClock(10_000);
    const hlc = new Hlc('depot-a', clock, null, { maxDriftMs: 60_000 });
    const remote = Hlc.format(69_000, HLC_MAX_COUNTER, 'depot-b');
    hlc.receive(remote);
    const next = hlc.next();
    expect(next > remote).toBe(true);
    expect(Hlc.parse(next).counter).toBeLessThanOrEqual(HLC_MAX_COUNTER);
  });

  it('when a stamp is malformed, then parsing fails loudly', () => {
    expect(() => Hlc.parse('garbage')).toThrow(/Bad HLC/);
    expect(() => Hlc.parse('12:00001:depot-a')).toThrow(/Bad HLC/);
    expect(() => Hlc.parse('000000000001000:-0001:depot-a')).toThrow(/Bad HLC/);
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

import { describe, expect, it } from 'vitest';
import { firstBar, nextBar, nextLane, stepMove, type BarSpot, type LaneSpot } from './keyboard.js';

// The Gantt's keyboard focus and moves (keyboard.ts): pure, so they run under Node.

const H = 3_600_000;
const bars: BarSpot[] = [
  { id: 'a2', lane: 0, start: 13 * H, end: 15 * H },
  { id: 'a1', lane: 0, start: 8 * H, end: 10 * H },
  { id: 'b1', lane: 2, start: 9 * H, end: 11 * H },
  { id: 'b2', lane: 2, start: 14 * H, end: 16 * H },
  { id: 'c1', lane: 3, start: 1 * H, end: 2 * H },
];

describe('Gantt keyboard focus', () => {
  it('when moving left or right, then focus goes to the previous or next bar of the same lane in time', () => {
    expect(nextBar(bars, 'a1', 'right')).toBe('a2');
    expect(nextBar(bars, 'a2', 'left')).toBe('a1');
    expect(nextBar(bars, 'a2', 'right')).toBeNull();
    expect(nextBar(bars, 'a1', 'left')).toBeNull();
  });

  it('when moving up or down, then empty lanes are skipped and the bar closest in time is chosen, overlapping first', () => {
    expect(nextBar(bars, 'a2', 'down')).toBe('b2');
    expect(nextBar(bars, 'a1', 'down')).toBe('b1');
    expect(nextBar(bars, 'b2', 'down')).toBe('c1');
    expect(nextBar(bars, 'b1', 'up')).toBe('a1');
    expect(nextBar(bars, 'a1', 'up')).toBeNull();
    expect(nextBar(bars, 'gone', 'down')).toBeNull();
  });

  it('when the chart is entered, then the first bar is the top lane’s earliest', () => {
    expect(firstBar(bars)).toBe('a1');
    expect(firstBar([])).toBeNull();
  });
});

describe('Gantt keyboard moves', () => {
  const lanes: LaneSpot[] = [
    { id: 'team:t1', kind: 'team', teamId: 't1' },
    { id: 'user:u1', kind: 'user', teamId: 't1' },
    { id: 'team:none', kind: 'team', teamId: null },
    { id: 'user:u2', kind: 'user', teamId: null },
  ];
  const start = { id: 'w', laneId: 'user:u1', start: 10 * H, end: 12 * H };

  it('when Shift+left/right is pressed, then the bar moves by the view’s key step and keeps its duration', () => {
    expect(stepMove(start, 'right', 'Day', lanes)).toMatchObject({ start: 10.5 * H, end: 12.5 * H });
    expect(stepMove(start, 'left', 'Week', lanes)).toMatchObject({ start: 9 * H, end: 11 * H });
    expect(stepMove(start, 'right', 'Month', lanes)).toMatchObject({ start: 34 * H, end: 36 * H });
  });

  it('when Shift+up/down is pressed, then the bar goes to the neighbouring lane that can take work, skipping "Not in a team"', () => {
    expect(stepMove(start, 'down', 'Day', lanes)).toMatchObject({ laneId: 'user:u2', start: 10 * H });
    expect(stepMove(start, 'up', 'Day', lanes)).toMatchObject({ laneId: 'team:t1' });
    expect(nextLane(lanes, 'team:t1', 'up')).toBeNull();
    expect(stepMove({ ...start, laneId: 'user:u2' }, 'down', 'Day', lanes)).toMatchObject({ laneId: 'user:u2' });
  });
});

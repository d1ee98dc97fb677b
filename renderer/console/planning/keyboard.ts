// Pure (no React, no DOM) so Node-side tests can load it: keyboard.test.ts beside it.
import type { ViewName } from './timeline.js';

export type Direction = 'up' | 'down' | 'left' | 'right';

/** What the keyboard needs of a drawn bar: its row in the window of lanes and its time. */
export interface BarSpot {
  id: string;
  lane: number;
  start: number;
  end: number;
}

/**
 * How far Shift+←/→ moves a bar in each view: finer than the Week and Month columns (6 h, a day),
 * since a job moved by a whole column per key press overshoots the slot a dispatcher aims at.
 */
export const KEY_STEP_MIN: Record<ViewName, number> = { Day: 30, Week: 60, Month: 24 * 60 };

const byTime = (a: BarSpot, b: BarSpot) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The bar focus goes to from `id`: left/right to the previous/next bar of the same lane in time;
 * up/down to the nearest lane above/below that has bars, at the bar closest in time (overlapping
 * first), so the eye keeps its place on the time axis. Null when there is nowhere to go.
 */
export function nextBar(bars: readonly BarSpot[], id: string, dir: Direction): string | null {
  const from = bars.find((b) => b.id === id);
  if (!from) return null;
  if (dir === 'left' || dir === 'right') {
    const lane = bars.filter((b) => b.lane === from.lane).sort(byTime);
    const i = lane.findIndex((b) => b.id === id);
    return lane[i + (dir === 'left' ? -1 : 1)]?.id ?? null;
  }
  const lanes = [...new Set(bars.map((b) => b.lane))].filter((l) => (dir === 'up' ? l < from.lane : l > from.lane));
  if (!lanes.length) return null;
  const target = dir === 'up' ? Math.max(...lanes) : Math.min(...lanes);
  const mid = (from.start + from.end) / 2;
  const distance = (b: BarSpot) => (b.start <= mid && b.end >= mid ? 0 : Math.min(Math.abs(b.start - mid), Math.abs(b.end - mid)));
  const candidates = bars.filter((b) => b.lane === target).sort((a, b) => distance(a) - distance(b) || byTime(a, b));
  return candidates[0]?.id ?? null;
}

/** The first bar to focus when the chart is entered: the top lane's earliest. */
export function firstBar(bars: readonly BarSpot[]): string | null {
  let best: BarSpot | null = null;
  for (const b of bars) if (!best || b.lane < best.lane || (b.lane === best.lane && byTime(b, best) < 0)) best = b;
  return best?.id ?? null;
}

/** What a lane must offer to take a bar: the same rule a drop follows (a team, or a technician). */
export interface LaneSpot {
  id: string;
  kind: 'team' | 'user';
  teamId: string | null;
}

/**
 * The lane a Shift+↑/↓ move goes to: the previous/next lane that can take work. The "Not in a team"
 * header has no team to assign to (a drop there is refused), so it is stepped over.
 */
export function nextLane(lanes: readonly LaneSpot[], fromId: string, dir: 'up' | 'down'): string | null {
  const i = lanes.findIndex((l) => l.id === fromId);
  if (i < 0) return null;
  const step = dir === 'up' ? -1 : 1;
  for (let j = i + step; j >= 0 && j < lanes.length; j += step) {
    const lane = lanes[j]!;
    if (lane.kind === 'user' || lane.teamId) return lane.id;
  }
  return null;
}

/** A pending keyboard move: where the bar will be saved when Enter confirms it. */
export interface PendingMove {
  id: string;
  laneId: string;
  start: number;
  end: number;
}

/** One Shift+arrow press applied to a pending move (time keeps the job's duration). */
export function stepMove(pending: PendingMove, dir: Direction, view: ViewName, lanes: readonly LaneSpot[]): PendingMove {
  if (dir === 'left' || dir === 'right') {
    const ms = KEY_STEP_MIN[view] * 60_000 * (dir === 'left' ? -1 : 1);
    return { ...pending, start: pending.start + ms, end: pending.end + ms };
  }
  const laneId = nextLane(lanes, pending.laneId, dir);
  return laneId ? { ...pending, laneId } : pending;
}

// Remembering where the dispatcher left the console window (main/windows.ts makes it). The state
// file lives in userData; it is validated like any other input and clamped onto a display that still
// exists (a laptop undocked from its second monitor).
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const MIN_SIZE = { width: 1024, height: 640 };
export const DEFAULT_SIZE = { width: 1440, height: 900 };

const WindowStateSchema = z.object({
  bounds: z.object({
    x: z.number().int(),
    y: z.number().int(),
    width: z.number().int().positive().max(100_000),
    height: z.number().int().positive().max(100_000),
  }),
  maximized: z.boolean(),
});

/** Centre of the primary work area at the default size (smaller if the screen is). */
export function defaultState(primary: Rect): WindowState {
  const width = Math.min(DEFAULT_SIZE.width, primary.width);
  const height = Math.min(DEFAULT_SIZE.height, primary.height);
  return {
    bounds: {
      x: primary.x + Math.round((primary.width - width) / 2),
      y: primary.y + Math.round((primary.height - height) / 2),
      width,
      height,
    },
    maximized: false,
  };
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Puts the window on the display it overlaps most, shrunk to fit and moved fully inside it. A window
 * that overlaps no display at all goes back to the default place on the primary one.
 */
export function clampToDisplays(state: WindowState, workAreas: Rect[], primary: Rect): WindowState {
  const best = workAreas.map((area) => ({ area, shared: overlap(state.bounds, area) })).sort((a, b) => b.shared - a.shared)[0];
  if (!best || best.shared === 0) return { ...defaultState(primary), maximized: state.maximized };
  const { area } = best;
  const width = Math.min(Math.max(state.bounds.width, Math.min(MIN_SIZE.width, area.width)), area.width);
  const height = Math.min(Math.max(state.bounds.height, Math.min(MIN_SIZE.height, area.height)), area.height);
  const x = Math.min(Math.max(state.bounds.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(state.bounds.y, area.y), area.y + area.height - height);
  return { bounds: { x, y, width, height }, maximized: state.maximized };
}

/** Reads the saved state; anything missing, unreadable or malformed gives the default window. */
export function loadWindowState(readText: () => string | null, workAreas: Rect[], primary: Rect): WindowState {
  let raw: unknown = null;
  try {
    const text = readText();
    raw = text === null ? null : JSON.parse(text);
  } catch {
    raw = null;
  }
  const parsed = WindowStateSchema.safeParse(raw);
  if (!parsed.success) return defaultState(primary);
  return clampToDisplays(parsed.data, workAreas, primary);
}

export function serializeWindowState(state: WindowState): string {
  return `${JSON.stringify(WindowStateSchema.parse(state), null, 2)}\n`;
}

/** The parts of BrowserWindow used to remember its state. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'close', listener: () => void): unknown;
  getNormalBounds(): Rect;
  isMaximized(): boolean;
}

/** Saves the state on close, and (debounced) after moves and resizes so a crash loses little. */
export function trackWindowState(
  win: TrackedWindow,
  save: (state: WindowState) => void,
  schedule: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void } = globalThis as never,
  debounceMs = 1000,
): void {
  let pending: unknown = null;
  const snapshot = () => save({ bounds: win.getNormalBounds(), maximized: win.isMaximized() });
  const later = () => {
    if (pending !== null) schedule.clearTimeout(pending);
    pending = schedule.setTimeout(() => {
      pending = null;
      snapshot();
    }, debounceMs);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('close', () => {
    if (pending !== null) schedule.clearTimeout(pending);
    pending = null;
    snapshot();
  });
}

import { describe, expect, it } from 'vitest';
import { clampToDisplays, DEFAULT_SIZE, loadWindowState, serializeWindowState, trackWindowState } from './window-state.js';
import { FakeWindow, ManualScheduler } from './testing/fake-electron.js';

const primary = { x: 0, y: 0, width: 1920, height: 1050 };
const right = { x: 1920, y: 0, width: 1280, height: 1000 };

describe('remembered window state', () => {
  it('when there is no state file, then the window is centred at the default size', () => {
    const s = loadWindowState(() => null, [primary], primary);
    expect(s.bounds).toEqual({ x: 240, y: 75, ...DEFAULT_SIZE });
    expect(s.maximized).toBe(false);
  });

  it('when the file is corrupt or malformed, then the default is used instead of failing', () => {
    for (const text of ['{not json', '{"bounds":{"x":"a"}}', '[]', '{"bounds":{"x":0,"y":0,"width":-5,"height":10},"maximized":false}']) {
      expect(loadWindowState(() => text, [primary], primary).bounds.width).toBe(DEFAULT_SIZE.width);
    }
  });

  it('when the saved state round-trips, then it comes back as it was', () => {
    const state = { bounds: { x: 2000, y: 100, width: 1100, height: 700 }, maximized: true };
    expect(loadWindowState(() => serializeWindowState(state), [primary, right], primary)).toEqual(state);
  });

  it('when the window was on a monitor that is gone, then it comes back on the primary display', () => {
    const s = clampToDisplays({ bounds: { x: 2000, y: 100, width: 1100, height: 700 }, maximized: false }, [primary], primary);
    expect(s.bounds.x).toBeLessThan(primary.width);
    expect(s.bounds.x + s.bounds.width).toBeLessThanOrEqual(primary.width);
  });

  it('when the window hangs off the edge or is larger than the display, then it is pulled in and shrunk to fit', () => {
    const s = clampToDisplays({ bounds: { x: -500, y: -40, width: 3000, height: 2000 }, maximized: false }, [primary, right], primary);
    expect(s.bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1050 });
    const t = clampToDisplays({ bounds: { x: 2800, y: 500, width: 1000, height: 700 }, maximized: false }, [primary, right], primary);
    // 1000 px wide is below the minimum width (1024): it grows to that and moves left to stay on screen.
    expect(t.bounds).toEqual({ x: 2176, y: 300, width: 1024, height: 700 });
  });

  it('when the window moves, then the state is saved once after the moves settle, and again on close', () => {
    const win = new FakeWindow({});
    const saved: unknown[] = [];
    const clock = new ManualScheduler();
    trackWindowState(win, (s) => saved.push(s), clock, 1000);
    win.emit('move');
    clock.advance(500);
    win.emit('resize');
    clock.advance(999);
    expect(saved).toHaveLength(0);
    clock.advance(1);
    expect(saved).toEqual([{ bounds: { x: 10, y: 20, width: 1300, height: 800 }, maximized: false }]);
    win.maximized = true;
    win.emit('close');
    expect(saved).toHaveLength(2);
    expect(saved[1]).toMatchObject({ maximized: true });
  });
});

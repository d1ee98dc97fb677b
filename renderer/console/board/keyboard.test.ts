import { describe, expect, it } from 'vitest';
import { arrowOf, findCard, neighbourColumn, nextCard } from './keyboard.js';

// The board's keyboard focus and move targets (keyboard.ts): pure, so they run under Node.

const grid = [['n1', 'n2', 'n3'], [], ['d1'], ['e1', 'e2', 'e3', 'e4']];

describe('board keyboard focus', () => {
  it('when moving up or down, then focus stays in the column and stops at its ends', () => {
    expect(nextCard(grid, { col: 0, row: 0 }, 'down')).toEqual({ col: 0, row: 1 });
    expect(nextCard(grid, { col: 0, row: 1 }, 'up')).toEqual({ col: 0, row: 0 });
    expect(nextCard(grid, { col: 0, row: 0 }, 'up')).toBeNull();
    expect(nextCard(grid, { col: 0, row: 2 }, 'down')).toBeNull();
  });

  it('when moving sideways, then empty columns are skipped and the row is kept or clamped to the shorter column', () => {
    expect(nextCard(grid, { col: 0, row: 2 }, 'right')).toEqual({ col: 2, row: 0 });
    expect(nextCard(grid, { col: 2, row: 0 }, 'right')).toEqual({ col: 3, row: 0 });
    expect(nextCard(grid, { col: 3, row: 3 }, 'left')).toEqual({ col: 2, row: 0 });
    expect(nextCard(grid, { col: 3, row: 1 }, 'right')).toBeNull();
    expect(nextCard(grid, { col: 0, row: 1 }, 'left')).toBeNull();
    expect(nextCard([['a'], ['b', 'c', 'd']], { col: 1, row: 2 }, 'left')).toEqual({ col: 0, row: 0 });
  });

  it('when a card id is looked up, then its column and row are found, or null', () => {
    expect(findCard(grid, 'e3')).toEqual({ col: 3, row: 2 });
    expect(findCard(grid, 'gone')).toBeNull();
  });

  it('when a card is moved with Shift+arrow, then the target is the neighbouring column even if empty, and none past the ends', () => {
    const cols = ['NEW', 'SCHEDULED', 'DISPATCHED'] as const;
    expect(neighbourColumn(cols, 'NEW', 'right')).toBe('SCHEDULED');
    expect(neighbourColumn(cols, 'DISPATCHED', 'left')).toBe('SCHEDULED');
    expect(neighbourColumn(cols, 'NEW', 'left')).toBeNull();
    expect(neighbourColumn(cols, 'DISPATCHED', 'right')).toBeNull();
    expect(neighbourColumn(cols, 'CLOSED', 'right')).toBeNull();
  });

  it('when a key is not an arrow, then it has no direction', () => {
    expect(arrowOf('ArrowLeft')).toBe('left');
    expect(arrowOf('Enter')).toBeNull();
  });
});

// Pure (no React, no DOM) so logic-style Node tests can load it: keyboard.test.ts beside it.

/** Where focus sits on the board: a column index and a row within it. */
export interface CardAt {
  col: number;
  row: number;
}

export type Direction = 'up' | 'down' | 'left' | 'right';

/**
 * The card focus goes to from `at`, given the card ids of each column in screen order.
 * Up/down stay in the column (and stop at its ends); left/right go to the nearest column that has
 * cards, at the same row or its last card when it is shorter, so a dispatcher's eye keeps its height.
 * Null when there is nowhere to go.
 */
export function nextCard(grid: readonly (readonly string[])[], at: CardAt, dir: Direction): CardAt | null {
  const column = grid[at.col];
  if (!column) return null;
  if (dir === 'up') return at.row > 0 ? { col: at.col, row: at.row - 1 } : null;
  if (dir === 'down') return at.row < column.length - 1 ? { col: at.col, row: at.row + 1 } : null;
  const step = dir === 'left' ? -1 : 1;
  for (let c = at.col + step; c >= 0 && c < grid.length; c += step) {
    const cards = grid[c]!;
    if (cards.length) return { col: c, row: Math.min(at.row, cards.length - 1) };
  }
  return null;
}

/** Where a card id is on the board, or null. */
export function findCard(grid: readonly (readonly string[])[], id: string): CardAt | null {
  for (let col = 0; col < grid.length; col++) {
    const row = grid[col]!.indexOf(id);
    if (row >= 0) return { col, row };
  }
  return null;
}

/**
 * The status column a keyboard move goes to: the neighbouring column, empty or not (a drop can land in
 * an empty column too). Whether the lifecycle allows it is judged afterwards, exactly as for a drop.
 */
export function neighbourColumn<S extends string>(columns: readonly S[], status: string, dir: 'left' | 'right'): S | null {
  const i = columns.indexOf(status as S);
  if (i < 0) return null;
  return columns[i + (dir === 'left' ? -1 : 1)] ?? null;
}

/** Arrow key → direction, or null for any other key. */
export function arrowOf(key: string): Direction | null {
  if (key === 'ArrowUp') return 'up';
  if (key === 'ArrowDown') return 'down';
  if (key === 'ArrowLeft') return 'left';
  if (key === 'ArrowRight') return 'right';
  return null;
}

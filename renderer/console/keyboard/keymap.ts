/**
 * The keys the help overlay (`?`) lists, per view. Kept as data beside the overlay so the list is one
 * place to read; the handlers live with their views (board/useBoardKeys.ts, planning/useGanttKeys.ts,
 * shell/Layout.tsx, shell/GlobalSearch.tsx, work-orders/).
 */
export interface KeyRow {
  keys: string[];
  what: string;
}
export interface KeyGroup {
  title: string;
  rows: KeyRow[];
}

export const GLOBAL_KEYS: KeyGroup = {
  title: 'Everywhere',
  rows: [
    { keys: ['Alt+1', '…', 'Alt+9'], what: 'Switch view (Board, Planning, Map, …)' },
    { keys: ['/'], what: 'Search work orders, locations, assets' },
    { keys: ['n'], what: 'New work order' },
    { keys: ['e'], what: 'Edit the open work order' },
    { keys: ['Esc'], what: 'Close the work order drawer' },
    { keys: ['?'], what: 'Show or hide these keys' },
  ],
};

const BOARD_KEYS: KeyGroup = {
  title: 'SLA board',
  rows: [
    { keys: ['↓'], what: 'With nothing focused: the first card' },
    { keys: ['↑', '↓'], what: 'Previous / next card in the column' },
    { keys: ['←', '→'], what: 'Card in the neighbouring column, same height' },
    { keys: ['Enter'], what: 'Open the work order' },
    { keys: ['Shift+←', 'Shift+→'], what: 'Move the card to the previous / next status (asks a reason when needed)' },
    { keys: ['a'], what: 'Assign: open the work order at its assignee field' },
    { keys: ['f'], what: 'Go to the board filters' },
  ],
};

const PLANNING_KEYS: KeyGroup = {
  title: 'Planning',
  rows: [
    { keys: ['↓'], what: 'With nothing focused: the first bar (or Tab into the chart)' },
    { keys: ['←', '→'], what: 'Previous / next bar in the crew’s lane' },
    { keys: ['↑', '↓'], what: 'Nearest bar in the lane above / below' },
    { keys: ['Enter'], what: 'Open the work order' },
    { keys: ['Shift+←', 'Shift+→'], what: 'Carry the bar earlier / later (Day 30 min, Week 1 h, Month 1 day)' },
    { keys: ['Shift+↑', 'Shift+↓'], what: 'Carry the bar to the previous / next crew' },
    { keys: ['Enter'], what: 'While carrying: save the move (rules checked, as a drag)' },
    { keys: ['Esc'], what: 'While carrying: put the bar back' },
    { keys: ['a'], what: 'Assign: open the work order at its assignee field' },
  ],
};

/** The groups for a view: its own keys first, then the global ones. */
export function keyGroupsFor(view: string): KeyGroup[] {
  const own = view === 'board' ? [BOARD_KEYS] : view === 'planning' ? [PLANNING_KEYS] : [];
  return [...own, GLOBAL_KEYS];
}

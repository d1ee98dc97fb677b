import { useCallback, useEffect, useLayoutEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';
import { isTyping } from '../work-orders/form-utils';
import { openAssign } from '../keyboard/open-assign';
import { arrowOf, findCard, nextCard, neighbourColumn } from './keyboard';

interface Options<S extends string> {
  root: RefObject<HTMLElement | null>;
  /** Card ids per column, in screen order (what is rendered, cards being saved included). */
  grid: string[][];
  columns: readonly S[];
  /** Asks for the same move a drop onto column `to` asks for; false when nothing was started. */
  move(id: string, to: S): boolean;
  canMove: boolean;
  /** A drop dialog is open: it owns the keyboard until it closes. */
  dialogOpen: boolean;
}

const cardSelector = (id: string) => `[data-testid="board-card"][data-id="${CSS.escape(id)}"]`;

/**
 * The board's keys. On a card: arrows move focus (up/down in its column, left/right to the nearest
 * column with cards, at the same height), Shift+←/→ moves the card to the neighbouring status column
 * through the drop path, `a` opens its assignment. Anywhere on the board: `f` focuses the filters, and
 * an arrow with nothing focused picks up the first card (so a dispatcher never needs the mouse to start).
 */
export function useBoardKeys<S extends string>({ root, grid, columns, move, canMove, dialogOpen }: Options<S>) {
  // The card a keyboard move is carrying. It is drawn in a new column (a new element) while saving, and
  // back in its old one if the host refuses: each time, focus follows it so the next key acts on it.
  const carried = useRef<string | null>(null);
  const gridRef = useRef(grid);
  gridRef.current = grid;

  const focusCard = useCallback(
    (id: string) => {
      const el = root.current?.querySelector<HTMLElement>(cardSelector(id));
      el?.focus();
      return Boolean(el);
    },
    [root],
  );

  useLayoutEffect(() => {
    const id = carried.current;
    if (!id || dialogOpen) return;
    const el = root.current?.querySelector<HTMLElement>(cardSelector(id));
    if (el && document.activeElement !== el) el.focus();
  });

  // The mouse takes over, or focus went somewhere else on purpose (Tab, the search box): stop carrying.
  // A drop dialog's field is part of the move, so it does not count.
  useEffect(() => {
    const drop = () => (carried.current = null);
    const onFocus = (e: FocusEvent) => {
      const el = e.target as HTMLElement | null;
      if (el?.closest?.('[data-testid="board-drop-dialog"]')) return;
      if (el?.dataset?.id !== carried.current) carried.current = null;
    };
    window.addEventListener('pointerdown', drop, true);
    document.addEventListener('focusin', onFocus);
    return () => {
      window.removeEventListener('pointerdown', drop, true);
      document.removeEventListener('focusin', onFocus);
    };
  }, []);

  const onCardKey = (e: ReactKeyboardEvent<HTMLElement>) => {
    const card = (e.target as HTMLElement).closest<HTMLElement>('[data-testid="board-card"]');
    const id = card?.dataset.id;
    if (!card || !id || e.target !== card || e.ctrlKey || e.metaKey || e.altKey) return;
    const dir = arrowOf(e.key);
    if (dir && e.shiftKey) {
      e.preventDefault();
      if (dir === 'up' || dir === 'down' || !canMove) return;
      const to = neighbourColumn(columns, card.dataset.status ?? '', dir);
      if (to && move(id, to)) carried.current = id;
      return;
    }
    if (dir) {
      e.preventDefault();
      carried.current = null;
      const at = findCard(gridRef.current, id);
      const next = at && nextCard(gridRef.current, at, dir);
      if (next) focusCard(gridRef.current[next.col]![next.row]!);
      return;
    }
    if (e.key === 'a' && !e.shiftKey) {
      e.preventDefault();
      carried.current = null;
      openAssign(id);
    }
  };

  // Keys that do not start on a card.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey || dialogOpen) return;
      if (e.key === 'f') {
        const filter = root.current?.querySelector<HTMLElement>('.board-toolbar select');
        if (filter) {
          e.preventDefault();
          filter.focus();
        }
        return;
      }
      const nothingFocused = document.activeElement === document.body || document.activeElement === null;
      if (nothingFocused && !e.shiftKey && arrowOf(e.key)) {
        const first = gridRef.current.find((c) => c.length)?.[0];
        if (first && focusCard(first)) e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [root, dialogOpen, focusCard]);

  return { onCardKey, focusCard };
}

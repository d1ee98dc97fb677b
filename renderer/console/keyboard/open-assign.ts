import { openWorkOrder } from '../shell/router';

/** How long to wait for the drawer's assignment form (a cold detail fetch on a loaded host). */
const WAIT_MS = 5000;

/**
 * `a` on a card or bar: the work order drawer, with focus in its Assignment form's assignee field.
 * The drawer's own form is the one assign UI (team, assignee, planned window, its checks and errors);
 * this only opens it and puts the caret there, so a dispatcher types the name and presses Enter.
 * The form appears once the drawer has loaded the work order, hence the wait for it.
 */
export function openAssign(id: string): void {
  openWorkOrder(id);
  // This work order's drawer only: another one may still be showing while the route changes.
  const find = () =>
    document.querySelector<HTMLElement>(`[data-testid="wo-drawer"][data-id="${CSS.escape(id)}"] [data-testid="wo-assign-assignee"]`);
  const now = find();
  if (now) return now.focus();
  const observer = new MutationObserver(() => {
    const field = find();
    if (!field) return;
    stop();
    field.focus();
  });
  const timer = setTimeout(() => stop(), WAIT_MS);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-id'] });
}

/**
 * The map's popups, built as DOM nodes with textContent: titles come from the depots' users, so
 * nothing of theirs is ever parsed as HTML.
 */

export interface PopupText {
  status(code: string): string;
  /** A due time, in the organization's zone. */
  due(iso: string): string;
  count(n: number): string;
}

type Props = Record<string, unknown>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function workPopup(p: Props, text: PopupText): HTMLElement {
  const root = el('div', undefined, 'org-popup');
  root.dataset.testid = 'work-popup';
  const head = el('div');
  head.append(el('strong', String(p.number ?? '')), document.createTextNode(` ${String(p.title ?? '')}`));
  const due = String(p.due ?? '');
  const overdue = p.overdue === true;
  const meta = el('div', undefined, 'muted');
  meta.append(document.createTextNode(`${text.status(String(p.status ?? ''))} · ${String(p.priority ?? '')} · `));
  meta.append(el('span', due ? `due ${text.due(due)}` : 'no due time', overdue ? 'org-bad' : undefined));
  if (overdue) meta.append(el('span', ' (overdue)', 'org-bad'));
  root.append(head, meta);
  return root;
}

export function depotPopup(p: Props, text: PopupText, open: (id: string) => void): HTMLElement {
  const root = el('div', undefined, 'org-popup');
  root.dataset.testid = 'depot-popup';
  const head = el('div');
  head.append(el('strong', String(p.name ?? '')), el('span', ` ${String(p.code ?? '')}`, 'muted'));
  const overdue = Number(p.overdueNow ?? 0);
  const meta = el('div', `${text.count(Number(p.openNow ?? 0))} open now · ${text.count(overdue)} overdue`, overdue ? 'org-bad' : 'muted');
  const button = el('button', 'Open its report', 'link');
  button.type = 'button';
  button.addEventListener('click', () => open(String(p.id)));
  root.append(head, meta, button);
  return root;
}

export function clusterTip(p: Props, text?: PopupText): HTMLElement {
  const count = (n: number) => (text ? text.count(n) : String(n));
  const root = el('div');
  const overdue = Number(p.overdue ?? 0);
  root.append(el('strong', count(Number(p.point_count ?? 0))), document.createTextNode(' open'));
  if (overdue) root.append(document.createTextNode(' · '), el('span', `${count(overdue)} overdue`, 'org-bad'));
  root.append(el('br'), el('span', 'Click to zoom in', 'muted'));
  return root;
}

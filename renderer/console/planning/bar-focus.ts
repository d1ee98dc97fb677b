import { firstBar, type BarSpot } from './keyboard';

const barSelector = (id: string) => `.bar-wrapper[data-id="${CSS.escape(id)}"]`;

/**
 * Keyboard focus on frappe-gantt's bars (SVG groups it draws and redraws at will).
 *
 * One tab stop for the whole chart (a "roving" tabindex): Tab enters the chart on the bar last
 * focused (or the top lane's first), arrows move between bars, Tab leaves. Giving 2,000 bars each a
 * tab stop would make the rest of the page unreachable by Tab, and each its aria-label up front
 * would cost what the lazy tooltips save; so only the tab stop and the bar being focused get one.
 *
 * Every redraw replaces the bar elements and focus falls to the page: the bar the keyboard is on is
 * focused again in its new element, without scrolling (a redraw may come from the user's own scroll).
 */
export class BarFocus {
  /** The chart's tab stop: the bar last focused. */
  private current: string | null = null;
  /** Focus should follow this bar through redraws (set by keyboard use, cleared by the mouse or focus elsewhere). */
  private carried: string | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly labelFor: (id: string) => string,
  ) {}

  /** Listeners; returns their removal. */
  attach(onKey: (id: string, e: KeyboardEvent) => void): () => void {
    const key = (e: KeyboardEvent) => {
      const bar = (e.target as Element).closest?.('.bar-wrapper');
      const id = bar?.getAttribute('data-id');
      if (id) onKey(id, e);
    };
    const focusIn = (e: FocusEvent) => {
      const id = (e.target as Element).closest?.('.bar-wrapper')?.getAttribute('data-id') ?? null;
      if (id) this.makeStop(id);
    };
    // Focus moved anywhere but to the carried bar (Tab away, the tray, a field): stop carrying it.
    const focusElsewhere = (e: FocusEvent) => {
      const id = (e.target as Element).closest?.('.bar-wrapper')?.getAttribute('data-id') ?? null;
      if (id !== this.carried) this.carried = null;
    };
    const pointer = () => (this.carried = null);
    this.host.addEventListener('keydown', key);
    this.host.addEventListener('focusin', focusIn);
    document.addEventListener('focusin', focusElsewhere);
    this.host.addEventListener('pointerdown', pointer);
    return () => {
      this.host.removeEventListener('keydown', key);
      this.host.removeEventListener('focusin', focusIn);
      document.removeEventListener('focusin', focusElsewhere);
      this.host.removeEventListener('pointerdown', pointer);
    };
  }

  /** Focuses a drawn bar and keeps focus on it through redraws. False when it is not drawn. */
  focus(id: string, scroll = true): boolean {
    const el = this.element(id);
    if (!el) return false;
    this.carried = id;
    this.makeStop(id);
    el.focus({ preventScroll: !scroll });
    return true;
  }

  /** Keeps focus on `id` through the next redraws even though it is not drawn yet (moved to a lane out of view). */
  carry(id: string): void {
    this.carried = id;
  }

  /** After every draw: one tab stop, and focus back on the carried bar if the page lost it. */
  afterDraw(bars: readonly BarSpot[]): void {
    const stop = (this.current && bars.some((b) => b.id === this.current) ? this.current : null) ?? firstBar(bars);
    if (stop) this.makeStop(stop);
    const carried = this.carried;
    if (!carried) return;
    const el = this.element(carried);
    const active = document.activeElement;
    if (el && active !== el && (active === null || active === document.body || this.host.contains(active))) {
      this.makeStop(carried);
      el.focus({ preventScroll: true });
    }
  }

  private element(id: string): SVGGElement | null {
    return this.host.querySelector<SVGGElement>(barSelector(id));
  }

  private makeStop(id: string): void {
    const el = this.element(id);
    if (!el) return;
    if (this.current !== id) {
      const old = this.current ? this.element(this.current) : null;
      old?.setAttribute('tabindex', '-1');
    }
    this.current = id;
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', this.labelFor(id));
  }
}

import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import 'frappe-gantt/dist/frappe-gantt.css';
import { BAR_HEIGHT, BAR_PADDING, HEADER_HEIGHT, LaneGantt, LOWER_HEADER, ROW_HEIGHT, UPPER_HEADER, type LaneTask } from './LaneGantt';
import { timeMap, VIEWS, type Range, type TimeMap, type ViewName } from './timeline';
import { BarFocus } from './bar-focus';

export interface ChartBar {
  id: string;
  /** Row within the rendered window of lanes. */
  lane: number;
  start: number;
  end: number;
  label: string;
  className: string;
}

export interface BarChange {
  id: string;
  start: number;
  end: number;
  /** Row (within the window) under the pointer when the gesture ended, or null when it ended outside the chart. */
  lane: number | null;
  /** Lane label under the pointer (data-lane-id), if the bar was dropped on a label. */
  laneId: string | null;
}

export interface ChartHandle {
  /** Window row and time under a viewport point (for drops from the tray); time snapped to the hour. */
  locate(clientX: number, clientY: number): { lane: number; time: number } | null;
  /** Puts keyboard focus on a drawn bar (false if it is not drawn), or keeps it on the bar through redraws until it is. */
  focusBar(id: string, opts?: { waitForDraw?: boolean }): boolean;
}

interface Props {
  view: ViewName;
  zone: string;
  range: Range;
  columnWidth: number;
  laneCount: number;
  /** Lane rows drawn as group headers (team lanes). */
  headerLanes: number[];
  /** Bump to force a full redraw (e.g. to snap a bar back after the host refused a change). */
  revision: number;
  bars: ChartBar[];
  now: number;
  readonly: boolean;
  onChange(change: BarChange): void;
  onOpen(id: string): void;
  /** The hover text of a bar, built when the pointer reaches it (2,000 of them up front cost ~0.1 s per change). */
  tooltipFor(id: string): string;
  /** Called after each frappe-gantt render with its duration (ms), for the bench. */
  onRendered?(ms: number): void;
  /** What a screen reader says for a bar (number, title, crew, time), asked only for the bar the keyboard is on. */
  labelFor(id: string): string;
  /** A key pressed on a focused bar (planning/useGanttKeys.ts decides what it does). */
  onBarKey(id: string, e: KeyboardEvent): void;
}

/**
 * The Gantt engine as a controlled widget: data in as props (STYLE 12), changes out as one
 * `onChange` per gesture. During a drag frappe-gantt fires on_date_change as it goes and on_click
 * on mouse-up (TOOLCHAIN.md); we collect and report once, when the mouse is released.
 */
export const GanttChart = forwardRef<ChartHandle, Props>(function GanttChart(props, ref) {
  const hostRef = useRef<HTMLDivElement>(null);
  // Bars show their number (⚠ when a rule is broken); the title is in the tooltip, since titles never fit.
  const ganttRef = useRef<LaneGantt | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  const gesture = useRef<{ id: string; resize: 'left' | 'right' | null; moved: boolean; start?: number; end?: number } | null>(null);
  const stale = useRef(false);
  const focusRef = useRef<BarFocus | null>(null);

  // One mapping per range; a new range makes a new chart (below), so old bars never mix with new dates.
  const mapRef = useRef<{ range: Range; map: TimeMap } | null>(null);
  const mapFor = (range: Range) => {
    if (!mapRef.current || mapRef.current.range.from !== range.from || mapRef.current.range.to !== range.to)
      mapRef.current = { range, map: timeMap(range) };
    return mapRef.current.map;
  };
  const tasks = (): LaneTask[] => {
    const { toDisplay } = mapFor(propsRef.current.range);
    return propsRef.current.bars.map((b) => ({
      id: b.id,
      name: b.label,
      lane: b.lane,
      start: toDisplay(b.start),
      end: toDisplay(b.end),
      progress: 0,
    }));
  };
  const layout = () => ({
    laneCount: propsRef.current.laneCount,
    range: propsRef.current.range,
    view: propsRef.current.view,
    zone: propsRef.current.zone,
    columnWidth: propsRef.current.columnWidth,
    map: mapFor(propsRef.current.range),
  });

  const decorate = () => {
    const g = ganttRef.current;
    const host = hostRef.current;
    if (!g || !host) return;
    const p = propsRef.current;
    const byId = new Map(p.bars.map((b) => [b.id, b]));
    for (const bar of g.bars) {
      const info = byId.get(bar.task.id);
      if (!info) continue;
      // frappe-gantt's custom_class takes a single class token; we need several.
      bar.group.classList.add(...info.className.split(' ').filter(Boolean));
    }
    // Bars grow from zero width on every draw (SMIL <animate>); on a board redrawn by every live change that is noise.
    for (const a of Array.from(g.$svg.querySelectorAll('animate'))) a.remove();
    const rows = g.$svg.querySelectorAll('.grid-row');
    for (const lane of p.headerLanes) rows[lane]?.classList.add('lane-header');
    placeNowLine();
  };

  /** Today marker: frappe's own highlight uses the browser's wall-clock, which our display dates are not. */
  const placeNowLine = () => {
    const g = ganttRef.current;
    if (!g) return;
    const p = propsRef.current;
    const spec = VIEWS[p.view];
    const x = ((p.now - p.range.from) / (spec.stepHours * 3_600_000)) * p.columnWidth;
    const drawn = g.$container.querySelector<HTMLDivElement>(':scope > .pl-now');
    if (p.now >= p.range.from && p.now < p.range.to) {
      // Kept between renders: a new positioned element each time made the browser re-layer the chart.
      const line = drawn ?? document.createElement('div');
      line.className = 'pl-now';
      line.dataset.testid = 'today-marker';
      line.style.left = `${x}px`;
      line.style.top = `${HEADER_HEIGHT - 10}px`;
      line.style.height = `${Math.max(0, g.grid_height - HEADER_HEIGHT + 10)}px`;
      if (!drawn) g.$container.appendChild(line);
    } else drawn?.remove();
  };

  /**
   * A change that only moves bars in time or changes their marks (a save, a live update) is applied
   * to the drawn bars in place: redrawing 2,000 bars costs ~0.5 s, moving one costs nothing.
   * Anything else (lanes, range, bars added or removed) redraws.
   */
  const drawnBars = useRef<Map<string, ChartBar>>(new Map());
  const drawnShape = useRef('');
  const shapeOf = (p: Props) => `${p.revision}|${p.headerLanes.join(',')}`;
  const patchInPlace = (): boolean => {
    const g = ganttRef.current;
    const p = propsRef.current;
    const cur = g?.layout;
    if (
      !g ||
      !cur ||
      cur.view !== p.view ||
      cur.zone !== p.zone ||
      cur.columnWidth !== p.columnWidth ||
      cur.map !== mapFor(p.range) ||
      cur.laneCount !== p.laneCount
    )
      return false;
    const before = drawnBars.current;
    if (drawnShape.current !== shapeOf(p) || before.size !== p.bars.length || p.bars.some((b) => before.get(b.id)?.lane !== b.lane))
      return false;
    const stepMs = VIEWS[p.view].stepHours * 3_600_000;
    const { toDisplay } = mapFor(p.range);
    const byId = new Map(g.bars.map((bar) => [bar.task.id, bar]));
    for (const b of p.bars) {
      const old = before.get(b.id)!;
      const bar = byId.get(b.id);
      if (!bar || old === b) continue;
      if (old.start !== b.start || old.end !== b.end) {
        bar.task._start = toDisplay(b.start);
        bar.task._end = toDisplay(b.end);
        // frappe skips x when it is 0 (falsy): nudge it.
        bar.update_bar_position({
          x: ((b.start - p.range.from) / stepMs) * p.columnWidth || 0.01,
          width: ((b.end - b.start) / stepMs) * p.columnWidth,
        });
      }
      if (old.className !== b.className) {
        bar.group.setAttribute('class', `bar-wrapper ${b.className}`);
      }
      if (old.label !== b.label) {
        const label = bar.group.querySelector('.bar-label');
        if (label) label.textContent = b.label;
        bar.update_bar_position({});
      }
    }
    return true;
  };

  const render = () => {
    const host = hostRef.current;
    if (!host) return;
    const t0 = performance.now();
    const p = propsRef.current;
    if (patchInPlace()) {
      drawnBars.current = new Map(p.bars.map((b) => [b.id, b]));
      placeNowLine();
      focusRef.current?.afterDraw(p.bars);
      p.onRendered?.(performance.now() - t0);
      return;
    }
    const cur = ganttRef.current?.layout;
    if (
      !ganttRef.current ||
      cur?.view !== p.view ||
      cur.zone !== p.zone ||
      cur.columnWidth !== p.columnWidth ||
      cur.map !== mapFor(p.range)
    ) {
      host.innerHTML = '';
      ganttRef.current = new LaneGantt(host, tasks(), layout(), {
        bar_height: BAR_HEIGHT,
        padding: BAR_PADDING,
        bar_corner_radius: 3,
        upper_header_height: UPPER_HEADER,
        lower_header_height: LOWER_HEADER,
        infinite_padding: false,
        holidays: {},
        readonly: p.readonly,
        readonly_progress: true,
        move_dependencies: false,
        popup: false,
        today_button: false,
        view_mode_select: false,
        scroll_to: null,
        on_date_change: (task, start, end) => {
          const g = gesture.current;
          if (!g || g.id !== task.id) return;
          g.moved = true;
          const { fromDisplay } = mapFor(propsRef.current.range);
          g.start = fromDisplay(start);
          g.end = fromDisplay(end) + 1000; // frappe reports the end minus one second
        },
        on_click: (task) => {
          if (!gesture.current?.moved) propsRef.current.onOpen(task.id);
        },
      });
    } else ganttRef.current.update(tasks(), layout());
    decorate();
    drawnBars.current = new Map(p.bars.map((b) => [b.id, b]));
    drawnShape.current = shapeOf(p);
    focusRef.current?.afterDraw(p.bars);
    p.onRendered?.(performance.now() - t0);
  };

  // Keyboard focus on the bars; declared before the render effect so the first draw already gets a tab stop.
  useEffect(() => {
    const focus = new BarFocus(hostRef.current!, (id) => propsRef.current.labelFor(id));
    focusRef.current = focus;
    return focus.attach((id, e) => propsRef.current.onBarKey(id, e));
  }, []);

  // One render per change of what is shown; never while a bar is held (it would vanish under the pointer).
  useEffect(() => {
    if (gesture.current) stale.current = true;
    else render();
    // Deps: render reads the latest props through propsRef
  }, [
    props.view,
    props.zone,
    props.range.from,
    props.range.to,
    props.laneCount,
    props.columnWidth,
    props.bars,
    props.now,
    props.readonly,
    props.revision,
  ]);

  useEffect(() => {
    const host = hostRef.current!;
    const onDown = (e: MouseEvent) => {
      const wrapper = (e.target as Element).closest('.bar-wrapper');
      if (!wrapper || e.button !== 0) return;
      const handle = (e.target as Element).closest('.handle');
      const resize = handle?.classList.contains('left') ? 'left' : handle?.classList.contains('right') ? 'right' : null;
      gesture.current = { id: wrapper.getAttribute('data-id')!, resize, moved: false };
    };
    // The "grabbing" cursor goes on the held bar only: a class on an ancestor of 2,000 bars made the
    // browser restyle every bar when it was added and again when removed (~110 ms of each drop).
    const heldBar = () => hostRef.current?.querySelector(`.bar-wrapper[data-id="${CSS.escape(gesture.current?.id ?? '')}"]`);
    const onMove = (e: MouseEvent) => {
      const g = gesture.current;
      if (g && e.buttons === 1 && !g.moved) {
        g.moved = true;
        heldBar()?.classList.add('dragging');
      }
    };
    // Window, bubbling: runs after frappe-gantt's own mouseup on the SVG has fired on_date_change.
    const onUp = (e: MouseEvent) => {
      const g = gesture.current;
      if (!g) return;
      const bar = propsRef.current.bars.find((b) => b.id === g.id);
      const at = locate(e.clientX, e.clientY);
      const label = (document.elementFromPoint(e.clientX, e.clientY) as Element | null)?.closest<HTMLElement>('[data-lane-id]');
      heldBar()?.classList.remove('dragging');
      // on_click fires after mouseup; keep the gesture until then so a drag does not also open the drawer.
      setTimeout(() => {
        gesture.current = null;
        if (stale.current) {
          stale.current = false;
          render();
        }
      }, 0);
      if (!bar || !g.moved) return;
      const laneChanged = (at && at.lane !== bar.lane) || Boolean(label);
      if (g.start === undefined && !laneChanged) return;
      // frappe-gantt rounds both ends to whole hours; a move keeps the job's own duration, a resize moves one end.
      // Dropped on a crew's name, the job changes crew only: the pointer's trip left across the chart to the
      // labels is not a time move (it took a 13:00 job to 01:00).
      const start = label ? bar.start : g.resize === 'right' ? bar.start : (g.start ?? bar.start);
      const end = label ? bar.end : g.resize === null ? start + (bar.end - bar.start) : g.resize === 'left' ? bar.end : (g.end ?? bar.end);
      propsRef.current.onChange({
        id: g.id,
        start,
        end,
        lane: at?.lane ?? null,
        laneId: label?.dataset.laneId ?? null,
      });
    };
    const onOver = (e: MouseEvent) => {
      const wrapper = (e.target as Element).closest('.bar-wrapper');
      if (!wrapper) return;
      let title = wrapper.querySelector(':scope > title');
      if (!title) {
        title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
        wrapper.appendChild(title);
      }
      title.textContent = propsRef.current.tooltipFor(wrapper.getAttribute('data-id')!);
    };
    host.addEventListener('mouseover', onOver);
    host.addEventListener('mousedown', onDown);
    window.addEventListener('mousemove', onMove);
    window.addEventListener('mouseup', onUp);
    return () => {
      host.removeEventListener('mouseover', onOver);
      host.removeEventListener('mousedown', onDown);
      window.removeEventListener('mousemove', onMove);
      window.removeEventListener('mouseup', onUp);
    };
    // Deps: listeners read the latest state through refs
  }, []);

  const locate = (clientX: number, clientY: number) => {
    const g = ganttRef.current;
    if (!g) return null;
    const box = g.$svg.getBoundingClientRect();
    const scroller = g.$container.getBoundingClientRect();
    if (clientX < scroller.left || clientX > scroller.right || clientY < scroller.top + HEADER_HEIGHT || clientY > scroller.bottom)
      return null;
    const p = propsRef.current;
    const lane = Math.floor((clientY - box.top - HEADER_HEIGHT) / ROW_HEIGHT);
    if (lane < 0 || lane >= p.laneCount) return null;
    const spec = VIEWS[p.view];
    const raw = p.range.from + ((clientX - box.left) / p.columnWidth) * spec.stepHours * 3_600_000;
    return { lane, time: Math.floor(raw / 3_600_000) * 3_600_000 };
  };
  const focusBar = (id: string, opts?: { waitForDraw?: boolean }) => {
    const focus = focusRef.current;
    if (!focus) return false;
    if (focus.focus(id)) return true;
    if (opts?.waitForDraw) focus.carry(id);
    return false;
  };
  useImperativeHandle(ref, () => ({ locate, focusBar }));

  return <div className="pl-gantt" ref={hostRef} data-testid="gantt" />;
});

import Gantt, { type GanttOptions, type GanttTask } from 'frappe-gantt';
import { labelsFor, VIEWS, type Range, type TimeMap, type ViewName } from './timeline';

/**
 * frappe-gantt with LANES: one row per crew holding all of that crew's bars. frappe-gantt 1.2 draws
 * one bar per row (a task's row is its index in the list); we subclass it so a task's row is its
 * `lane` instead, the grid has one row per lane, and the time axis is exactly the chosen range in
 * real hours (see timeline.ts for why). Everything else (drawing, dragging, resizing, snapping) is
 * frappe-gantt's own.
 */
export interface LaneLayout {
  laneCount: number;
  range: Range;
  view: ViewName;
  zone: string;
  columnWidth: number;
  /** Real time ↔ the dates frappe-gantt is given (timeline.ts). */
  map: TimeMap;
}

export const BAR_HEIGHT = 18;
export const BAR_PADDING = 10;
export const ROW_HEIGHT = BAR_HEIGHT + BAR_PADDING;
/** Average glyph width of the 11 px bar labels (planning.css), for placing labels without measuring them. */
const LABEL_CHAR_PX = 6.4;
export const UPPER_HEADER = 24;
export const LOWER_HEADER = 22;
/** frappe-gantt adds 10 px under its two header rows. */
export const HEADER_HEIGHT = UPPER_HEADER + LOWER_HEADER + 10;

export interface LaneTask extends GanttTask {
  lane: number;
  start: Date;
  end: Date;
}

// The base constructor calls our overrides before subclass fields exist, so the layout of the
// instance being built is parked here for those first calls.
let constructing: LaneLayout | null = null;

export class LaneGantt extends Gantt {
  declare layout: LaneLayout;

  constructor(host: HTMLElement, tasks: LaneTask[], layout: LaneLayout, options: GanttOptions) {
    constructing = layout;
    try {
      super(host, tasks, { ...options, ...viewOptions(layout) });
    } finally {
      constructing = null;
    }
    this.layout = layout;
  }

  private get lanes(): LaneLayout {
    return this.layout ?? constructing!;
  }

  /** New data and/or range and lanes (same view and zone: those make a new chart), keeping the horizontal scroll. */
  update(tasks: LaneTask[], layout: LaneLayout): void {
    const left = this.$container.scrollLeft;
    this.layout = layout;
    this.refresh(tasks);
    this.$container.scrollLeft = left;
  }

  override setup_tasks(tasks: GanttTask[]): void {
    super.setup_tasks(tasks);
    for (const t of this.tasks) {
      t._index = (t as unknown as LaneTask).lane;
      // frappe treats an end at exactly 00:00:00 as "the whole last day" and adds 24 h; our ends are exact.
      t._end = (t as unknown as LaneTask).end;
    }
  }

  override setup_gantt_dates(): void {
    const { range } = this.lanes;
    const stepMs = VIEWS[this.lanes.view].stepHours * 3_600_000;
    this.gantt_start = this.lanes.map.toDisplay(range.from);
    // setup_date_values makes one column per step up to and including gantt_end.
    this.gantt_end = this.lanes.map.toDisplay(range.to - stepMs);
    (this.config as unknown as { date_format: string }).date_format = 'YYYY-MM-DD HH:';
  }

  override setup_date_values(): void {
    const { range, view } = this.lanes;
    const stepMs = VIEWS[view].stepHours * 3_600_000;
    this.dates = [];
    for (let t = range.from; t < range.to; t += stepMs) this.dates.push(this.lanes.map.toDisplay(t));
  }

  override make_grid_background(): void {
    const tasks = this.tasks;
    // The grid's height is computed from tasks.length: make it count lanes.
    this.tasks = { length: Math.max(1, this.lanes.laneCount) } as unknown as typeof tasks;
    try {
      super.make_grid_background();
    } finally {
      this.tasks = tasks;
    }
  }

  override make_bars(): void {
    super.make_bars();
    const first = this.bars[0];
    if (first && patchBar(Object.getPrototypeOf(first) as BarProto)) {
      // The prototype was patched just now: draw these bars again with the right widths.
      this.layers.bar.innerHTML = '';
      super.make_bars();
    }
  }

  /** Only feeds frappe's "scroll back to the tasks" arrow, which we hide; the original measures every bar. */
  override get_start_end_positions(): [number, number, number] {
    return [0, 0, 0];
  }

  /** We keep the scroll position ourselves (update); frappe would jump to "today" on every render. */
  override set_scroll_position(): void {}
}

interface BarProto {
  compute_duration(this: BarThis): void;
  update_label_position(this: BarThis): void;
  __depotdeskPatched?: boolean;
}
interface BarThis {
  group: SVGGElement;
  $bar: SVGRectElement;
  task: { _start: Date; _end: Date; actual_duration: number; ignored_duration: number };
  gantt: { config: { step: number; unit: string } };
  duration: number;
  actual_duration_raw: number;
  ignored_duration_raw: number;
}

/**
 * frappe-gantt 1.2 measures a bar in WHOLE DAYS (Bar.compute_duration counts calendar days), so a
 * two-hour job is drawn a day wide in an hour view (frappe/gantt#534; fix pending in PR #555). The
 * Bar class is not exported; we reach its
 * prototype through the first bar and measure in hours instead (all our views step in hours).
 * Its label placement measures every label with getBBox() after changing the previous one, so each
 * bar forces a layout: ~1.1 s of a 2,000-bar draw. Our labels are short ("⚠ AVM-001234") in one font
 * size, so we estimate their width instead.
 * Returns true when it patched (once per page).
 */
function patchBar(proto: BarProto): boolean {
  if (proto.__depotdeskPatched) return false;
  proto.__depotdeskPatched = true;
  proto.compute_duration = function (this: BarThis) {
    // Display dates are real elapsed time (timeline.ts), so a plain difference is the duration.
    const hours = Math.max(0, (this.task._end.getTime() - this.task._start.getTime()) / 3_600_000);
    this.task.actual_duration = hours / 24;
    this.task.ignored_duration = 0;
    this.duration = this.gantt.config.unit === 'hour' ? hours / this.gantt.config.step : hours / 24 / this.gantt.config.step;
    this.actual_duration_raw = this.duration;
    this.ignored_duration_raw = 0;
  };
  proto.update_label_position = function (this: BarThis) {
    const label = this.group.querySelector('.bar-label');
    if (!label) return;
    const x = Number(this.$bar.getAttribute('x'));
    const width = Number(this.$bar.getAttribute('width'));
    const big = (label.textContent ?? '').length * LABEL_CHAR_PX + 8 > width;
    label.classList.toggle('big', big);
    label.setAttribute('x', String(big ? x + width + 5 : x + width / 2));
  };
  return true;
}

function viewOptions(layout: LaneLayout): GanttOptions {
  const spec = VIEWS[layout.view];
  const labels = labelsFor(layout.view, layout.zone, layout.map);
  return {
    view_mode: layout.view,
    view_modes: [
      {
        name: layout.view,
        step: `${spec.stepHours}h`,
        column_width: layout.columnWidth,
        lower_text: labels.lower,
        upper_text: labels.upper,
        thick_line: labels.thick,
        snap_at: '1h',
      },
    ],
  };
}

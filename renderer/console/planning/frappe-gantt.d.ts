/**
 * The part of frappe-gantt 1.2 we use; the package ships no types (TOOLCHAIN.md). Method names
 * below `// internals` are not public API: LaneGantt overrides them to draw several bars per row.
 */
declare module 'frappe-gantt' {
  export interface GanttTask {
    id: string;
    name: string;
    start: Date | string;
    end: Date | string;
    progress?: number;
    dependencies?: string | string[];
    custom_class?: string;
    [extra: string]: unknown;
  }

  export interface GanttViewMode {
    name: string;
    step: string;
    padding?: string | [string, string];
    column_width?: number;
    date_format?: string;
    lower_text?: string | ((d: Date, ld: Date | null, lang: string) => string);
    upper_text?: string | ((d: Date, ld: Date | null, lang: string) => string);
    upper_text_frequency?: number;
    thick_line?: (d: Date) => boolean;
    snap_at?: string;
  }

  export interface GanttOptions {
    view_mode?: string;
    view_modes?: GanttViewMode[];
    bar_height?: number;
    bar_corner_radius?: number;
    padding?: number;
    column_width?: number | null;
    container_height?: number | 'auto';
    upper_header_height?: number;
    lower_header_height?: number;
    snap_at?: string | null;
    infinite_padding?: boolean;
    holidays?: Record<string, unknown>;
    lines?: 'both' | 'vertical' | 'horizontal' | 'none';
    readonly?: boolean;
    readonly_dates?: boolean;
    readonly_progress?: boolean;
    move_dependencies?: boolean;
    popup?: false | ((ctx: unknown) => void);
    popup_on?: 'click' | 'hover';
    scroll_to?: string | null;
    today_button?: boolean;
    view_mode_select?: boolean;
    language?: string;
    on_click?: (task: GanttTask) => void;
    on_date_change?: (task: GanttTask, start: Date, end: Date) => void;
    on_progress_change?: (task: GanttTask, progress: number) => void;
    on_view_change?: (mode: GanttViewMode) => void;
  }

  export interface GanttBar {
    task: GanttTask & { _index: number; _start: Date; _end: Date };
    group: SVGGElement;
    $bar: SVGRectElement;
    update_bar_position(pos: { x?: number | null; width?: number | null }): void;
  }

  export default class Gantt {
    constructor(wrapper: HTMLElement | SVGElement | string, tasks: GanttTask[], options?: GanttOptions);
    tasks: (GanttTask & { _index: number; _start: Date; _end: Date })[];
    bars: GanttBar[];
    options: Required<GanttOptions>;
    config: { column_width: number; header_height: number; step: number; unit: string };
    $svg: SVGSVGElement;
    $container: HTMLDivElement;
    gantt_start: Date;
    gantt_end: Date;
    dates: Date[];
    grid_height: number;
    refresh(tasks: GanttTask[]): void;
    change_view_mode(mode?: string, maintain_pos?: boolean): void;
    // internals
    setup_tasks(tasks: GanttTask[]): void;
    setup_gantt_dates(refresh: boolean): void;
    setup_date_values(): void;
    make_grid_background(): void;
    make_bars(): void;
    get_start_end_positions(): [number, number, number];
    layers: { bar: SVGGElement; grid: SVGGElement };
    set_scroll_position(date: unknown): void;
    render(): void;
  }
}

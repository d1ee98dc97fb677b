import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Settings } from 'luxon';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../shared/api/client';
import { useSession } from '../../shared/api/session';
import { useLookups } from '../../shared/catalog/queries';
import { openWorkOrder } from '../shell/router';
import { useToasts } from '../shell/toasts';
import { STATUS_LABEL } from '../../shared/work-orders/labels';
import type { WorkOrderDto } from '../../shared/work-orders/queries';
import { GanttChart, type BarChange, type ChartBar, type ChartHandle } from './GanttChart';
import { HEADER_HEIGHT, ROW_HEIGHT } from './LaneGantt';
import { buildLanes, crewsOf, laneIdOf, OPEN_STATUSES, toJob, type Lane } from './model';
import { planningQueries } from './queries';
import { CrewRuleCache } from './violations';
import { TrayPanel, ViolationPanel } from './PlanningPanels';
import { useTrayDrag } from './useTrayDrag';
import { violationRows } from './violation-list';
import { RangeControls, type PlanDates } from './RangeControls';
import { checkRules, type PlannedJob, type Violation } from './rules';
import { columnWidthFor, defaultRange, rangeOf, todayIn, type ViewName } from './timeline';
import type { PendingMove } from './keyboard';
import { useGanttKeys } from './useGanttKeys';
import { KeyMoveStatus } from './KeyMoveStatus';
import { useOptimiser } from './useOptimiser';
import { OptimisePanel } from './OptimisePanel';
import { OptimiseButton } from './OptimiseButton';
import { ghostBars, ghostTooltip, GHOST_PREFIX, isGhost } from './ghosts';
import './planning.css';
import { useDepotFormat } from '../../shared/locale/context';
import { FORECAST_LANE_ID, ForecastPatterns, isForecastBar, useForecastLane } from './forecast-lane';

const OVERSCAN = 2;
const VIEW_KEY = 'depotdesk.planning.view';
const LABELS_WIDTH = 170; // .pl-labels in planning.css

/** Planning: crews' lanes on a Gantt, the unscheduled tray beside it, rule violations listed. */
export function PlanningView() {
  const fmt = useDepotFormat();
  // The Gantt's header and the rule messages are luxon-formatted: their day and month names in the
  // depot's language, not the browser's. A plain, idempotent global write, so safe during render.
  Settings.defaultLocale = fmt.locale;
  const session = useSession();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const lookups = useLookups();
  const depots = useQuery(planningQueries.depots());
  const roster = useQuery(planningQueries.roster());
  const skills = useQuery(planningQueries.skills());
  const me = session.user ? lookups.users.get(session.user.id) : undefined;
  const zone = depots.data?.find((d) => d.id === me?.homeDepotId)?.timeZone ?? depots.data?.[0]?.timeZone ?? 'UTC';

  // The dispatcher's last view is remembered on this machine.
  const [view, setView] = useState<ViewName>(
    // First visit: the week, where the planned work is (a day view of today showed 2 jobs beside 200 waiting).
    () => (['Day', 'Week', 'Month'].find((v) => v === localStorage.getItem(VIEW_KEY)) as ViewName | undefined) ?? 'Week',
  );
  const [dates, setDates] = useState<PlanDates | null>(null);
  useEffect(() => {
    if (!dates && depots.isSuccess) setDates(defaultRange(view, todayIn(zone), zone));
  }, [dates, depots.isSuccess, zone, view]);
  const range = useMemo(() => (dates ? rangeOf(dates.fromDate, dates.toDate, zone) : null), [dates, zone]);

  const list = useQuery({ ...planningQueries.range(range?.from ?? 0, range?.to ?? 0), enabled: Boolean(range) });
  // Preventive maintenance not yet generated: its own lane on top, dashed bars (forecast-lane.ts).
  const forecast = useForecastLane(range, fmt);
  const tray = useQuery(planningQueries.tray());
  const [crewFilter, setCrewFilter] = useState('');
  const [nonce, setNonce] = useState(0); // bumped to redraw after a refused change (the bar snaps back)
  const [saves, setSaves] = useState(0);
  const [apiMs, setApiMs] = useState(0); // the last save's round trip, for the bench
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(t);
  }, []);

  const workOrders = useMemo(() => {
    if (!range) return [];
    return (list.data ?? []).filter((w) => {
      const j = toJob(w);
      return j && j.end > range.from && j.start < range.to;
    });
  }, [list.data, range]);

  const allLanes = useMemo(
    () => [...forecast.lanes, ...buildLanes(lookups.usersList, lookups.teamsList, roster.data, workOrders)],
    [lookups.usersList, lookups.teamsList, roster.data, workOrders, forecast.lanes],
  );
  const lanes = useMemo(() => {
    const q = crewFilter.trim().toLowerCase();
    if (!q) return allLanes;
    return allLanes.filter(
      (l) =>
        l.label.toLowerCase().includes(q) ||
        (l.teamId && allLanes.some((t) => t.kind === 'team' && t.teamId === l.teamId && t.label.toLowerCase().includes(q))),
    );
  }, [allLanes, crewFilter]);

  const ruleCtx = useMemo(
    () => ({
      crews: crewsOf(lookups.usersList, roster.data),
      skillNames: new Map((skills.data ?? []).map((s) => [s.id, s.name])),
      zone,
      locale: fmt.locale,
    }),
    [lookups.usersList, roster.data, skills.data, zone, fmt.locale],
  );
  const ruleCache = useRef<CrewRuleCache | null>(null);
  const violations = useMemo(() => {
    ruleCache.current ??= new CrewRuleCache();
    return ruleCache.current.check(
      workOrders.filter((w) => OPEN_STATUSES.has(w.status)),
      ruleCtx,
    );
  }, [workOrders, ruleCtx]);

  // Vertical windowing: only the lanes in view (plus a little overscan) go to frappe-gantt.
  const scrollRef = useRef<HTMLDivElement>(null);
  const [win, setWin] = useState({ first: 0, count: 20, width: 800 });
  const measure = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const first = Math.max(0, Math.floor(el.scrollTop / ROW_HEIGHT));
    const count = Math.ceil((el.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT) + OVERSCAN;
    const width = el.clientWidth - LABELS_WIDTH;
    setWin((w) => (w.first === first && w.count === count && w.width === width ? w : { first, count, width }));
  }, []);
  useEffect(() => {
    measure();
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [measure, range]);
  const windowLanes = useMemo(() => lanes.slice(win.first, win.first + win.count), [lanes, win]);
  const opt = useOptimiser(range);

  const byId = useMemo(() => new Map(workOrders.map((w) => [w.id, w])), [workOrders]);
  // A bar stays the same object while its work order, row and violations do (the rule cache keeps a crew's
  // lists), so after a save the chart compares one changed bar instead of rebuilding 2,000.
  const barCache = useRef(new WeakMap<WorkOrderDto, { lane: number; v: Violation[] | undefined; bar: ChartBar }>());
  // A keyboard move not yet saved (useGanttKeys): its bar is drawn where it would land.
  const [keyMove, setKeyMove] = useState<PendingMove | null>(null);
  const bars = useMemo<ChartBar[]>(() => {
    const row = new Map(windowLanes.map((l, i) => [l.id, i]));
    const out: ChartBar[] = [];
    for (const w of workOrders) {
      const moving = keyMove?.id === w.id ? keyMove : null;
      const laneId = moving ? moving.laneId : laneIdOf(w);
      const lane = laneId === null ? undefined : row.get(laneId);
      if (lane === undefined) continue;
      const found = violations.get(w.id);
      const cached = barCache.current.get(w);
      if (cached && cached.lane === lane && cached.v === found && !moving) {
        out.push(cached.bar);
        continue;
      }
      const job = moving ?? toJob(w);
      if (!job) continue;
      const v = found ?? [];
      const kinds = [...new Set(v.map((x) => x.kind))];
      const bar: ChartBar = {
        id: w.id,
        lane,
        start: job.start,
        end: job.end,
        label: `${v.length ? '⚠ ' : ''}${w.number}`,
        className: [
          `wo-${w.priority}`,
          `wo-st-${w.status}`,
          OPEN_STATUSES.has(w.status) ? '' : 'wo-done',
          v.length ? 'wo-conflict' : '',
          moving ? 'kb-pending' : '',
          ...kinds.map((k) => `v-${k}`),
        ]
          .filter(Boolean)
          .join(' '),
      };
      // Never cached while carried: once the move is saved or cancelled, the bar is drawn from its work order again.
      if (!moving) barCache.current.set(w, { lane, v: found, bar });
      out.push(bar);
    }
    out.push(...forecast.barsIn(row.get(FORECAST_LANE_ID)));
    return out;
  }, [workOrders, windowLanes, violations, keyMove, forecast]);
  // The optimiser's proposal on top, as ghost bars (the same array while there is none).
  const shownBars = useMemo(
    () => (opt.moves.length ? [...bars, ...ghostBars(opt.moves, windowLanes, opt.selected)] : bars),
    [bars, opt.moves, windowLanes, opt.selected],
  );

  const loaded = Boolean(
    range &&
    list.isSuccess &&
    !list.isPlaceholderData &&
    lookups.ready &&
    roster.isSuccess &&
    depots.isSuccess &&
    tray.isSuccess &&
    forecast.ready,
  );
  // "ready" once the chart has drawn the loaded data (tests and the bench wait on it).
  const [drawn, setDrawn] = useState<{ bars: ChartBar[] | null; ms: number }>({ bars: null, ms: 0 });
  const tooltipFor = useCallback(
    (id: string) => {
      if (isGhost(id)) return ghostTooltip(opt.moves, id);
      if (isForecastBar(id)) return forecast.tooltip(id);
      const w = byId.get(id);
      const job = w && toJob(w);
      if (!w || !job) return '';
      const v = violations.get(id) ?? [];
      const who = w.assigneeId ? lookups.users.get(w.assigneeId)?.name : lookups.teams.get(w.teamId ?? '')?.name;
      return [
        `${w.number} · ${w.title}`,
        `${STATUS_LABEL[w.status]} · ${w.priority}${who ? ` · ${who}` : ''}`,
        `${fmt.dateTime(job.start)} – ${fmt.time(job.end)}`,
        ...v.map((x) => `⚠ ${x.message}`),
      ].join('\n');
    },
    [byId, violations, lookups, fmt, opt.moves, forecast],
  );

  const ready = loaded && drawn.bars === shownBars;
  const canAssign = session.can('workorder:assign');
  const columnWidth = range ? columnWidthFor(view, range, win.width) : 0;
  const barsRef = useRef(bars);
  barsRef.current = shownBars;
  const onRendered = useCallback((ms: number) => setDrawn({ bars: barsRef.current, ms }), []);
  const chartRef = useRef<ChartHandle>(null);

  /** Saves a plan in one request and one transaction: who, when, and NEW → SCHEDULED (with the version we looked at). Errors snap the bar back. */
  const save = useCallback(
    async (w: WorkOrderDto, lane: Lane, start: number, end: number) => {
      const body: Record<string, unknown> = { plannedStart: new Date(start).toISOString(), plannedEnd: new Date(end).toISOString() };
      if (laneIdOf(w) !== lane.id) {
        if (lane.kind === 'user') Object.assign(body, { assigneeId: lane.userId, teamId: lane.teamId ?? w.teamId });
        else if (lane.teamId) Object.assign(body, { assigneeId: null, teamId: lane.teamId });
        else return toasts.push({ kind: 'error', text: 'Drop on a team or a technician.' });
      }
      // The rules, checked before saving; a violation is a warning the dispatcher sees, never a block.
      const proposed = {
        ...w,
        assigneeId: lane.kind === 'user' ? lane.userId : null,
        plannedStart: body.plannedStart as string,
        plannedEnd: body.plannedEnd as string,
      };
      // Only the crew it lands on matters (every rule is within one crew): checking all 2,000 jobs here cost ~70 ms before the request left.
      const others = workOrders
        .filter((x) => x.id !== w.id && x.assigneeId === proposed.assigneeId && OPEN_STATUSES.has(x.status))
        .map(toJob)
        .filter((j): j is PlannedJob => j !== null);
      const found = checkRules([...others, toJob(proposed)!], ruleCtx).get(w.id) ?? [];
      const t0 = performance.now();
      try {
        const dto = await api.post<WorkOrderDto>(`/work-orders/${w.id}/plan`, body, { ifMatch: w.version });
        if (range) {
          queryClient.setQueryData(planningQueries.range(range.from, range.to).queryKey, (old) =>
            // The host's change message may have refetched it already: then keep the array, and skip a redraw.
            !old || old.some((x) => x.id === dto.id && x.version >= dto.version)
              ? old
              : old.some((x) => x.id === dto.id)
                ? old.map((x) => (x.id === dto.id ? dto : x))
                : [...old, dto],
          );
        }
        // Keep the same array when the job was not in the tray, so nothing that shows the tray renders again.
        queryClient.setQueryData(planningQueries.tray().queryKey, (old) =>
          old?.some((x) => x.id === dto.id) ? old.filter((x) => x.id !== dto.id) : old,
        );
        // No refetch here: the host's change message does that (live.ts), for this console and every other.
        if (found.length)
          toasts.push({
            kind: 'info',
            text: `${dto.number} saved with ${found.length === 1 ? 'a warning' : `${found.length} warnings`}`,
            detail: found.map((v) => v.message).join('\n'),
          });
        setApiMs(performance.now() - t0);
        setSaves((n) => n + 1);
      } catch (err) {
        toasts.error(err);
        setNonce((n) => n + 1);
        void queryClient.invalidateQueries({ queryKey: ['work_orders'] });
      }
    },
    [workOrders, ruleCtx, range, queryClient, toasts],
  );

  const onChange = useCallback(
    (c: BarChange) => {
      if (isGhost(c.id)) return setNonce((n) => n + 1); // a proposal is accepted, not dragged
      const w = byId.get(c.id);
      // A forecast bar is not work yet: it snaps back (it moves by editing its plan).
      if (!w) return setNonce((n) => n + 1);
      const target =
        (c.laneId ? lanes.find((l) => l.id === c.laneId) : c.lane !== null ? windowLanes[c.lane] : undefined) ??
        lanes.find((l) => l.id === laneIdOf(w));
      if (!target) return setNonce((n) => n + 1);
      return save(w, target, c.start, c.end);
    },
    [byId, lanes, windowLanes, save],
  );

  // Tray → chart: dropped on a lane or a crew's name (useTrayDrag.ts).
  const { trayDrag, onLift } = useTrayDrag((wo, x, y) => {
    if (!range) return;
    const at = chartRef.current?.locate(x, y);
    const label = (document.elementFromPoint(x, y) as Element | null)?.closest<HTMLElement>('[data-lane-id]');
    const lane = label ? lanes.find((l) => l.id === label.dataset.laneId) : at ? windowLanes[at.lane] : undefined;
    if (!lane) return;
    // On a label: the next whole hour if the range is today, else 08:00 on its first day.
    const start = at?.time ?? (now >= range.from && now < range.to ? Math.ceil(now / 3_600_000) * 3_600_000 : range.from + 8 * 3_600_000);
    void save(wo, lane, start, start + wo.durationMin * 60_000);
  });

  const pickView = (v: ViewName) => {
    localStorage.setItem(VIEW_KEY, v);
    setView(v);
    // Around today when today is in the range shown, else around its first day.
    const today = todayIn(zone);
    const anchor = !dates || (today >= dates.fromDate && today <= dates.toDate) ? today : dates.fromDate;
    setDates(defaultRange(v, anchor, zone));
  };
  const violationList = useMemo(() => violationRows(violations, byId), [violations, byId]);
  const lanesRef = useRef(lanes);
  lanesRef.current = lanes;
  const showLane = useCallback((wo: WorkOrderDto) => {
    const i = lanesRef.current.findIndex((l) => l.id === laneIdOf(wo));
    if (i >= 0 && scrollRef.current) scrollRef.current.scrollTop = Math.max(0, (i - 2) * ROW_HEIGHT);
  }, []);
  const whoOf = useCallback(
    (wo: WorkOrderDto) => (wo.assigneeId ? lookups.users.get(wo.assigneeId)?.name : lookups.teams.get(wo.teamId ?? '')?.name),
    [lookups],
  );
  const trayItems = useMemo(() => tray.data ?? [], [tray.data]);

  // Keyboard: a bar's spoken label is its tooltip; a keyboard move scrolls only when its lane is out of view.
  const labelFor = useCallback((id: string) => tooltipFor(id).replace(/\n/g, ', '), [tooltipFor]);
  const revealLane = useCallback(
    (laneId: string) => {
      const i = lanesRef.current.findIndex((l) => l.id === laneId);
      if (i < 0 || !scrollRef.current) return;
      if (i < win.first || i >= win.first + win.count - OVERSCAN) scrollRef.current.scrollTop = Math.max(0, (i - 2) * ROW_HEIGHT);
    },
    [win],
  );
  const keys = useGanttKeys({
    chart: chartRef,
    bars,
    lanes,
    view,
    byId,
    canAssign,
    onChange,
    showLane: revealLane,
    pending: keyMove,
    setPending: setKeyMove,
  });

  return (
    <div
      className="planning"
      data-testid="planning"
      data-state={ready ? 'ready' : 'loading'}
      data-saves={saves}
      data-render-ms={Math.round(drawn.ms)}
      data-bars={bars.length}
      data-column-px={columnWidth}
      data-api-ms={Math.round(apiMs)}
    >
      <div className="toolbar">
        <h2>Planning</h2>
        <RangeControls view={view} onView={pickView} dates={dates} setDates={setDates} zone={zone} />
        <input
          className="crew-filter"
          placeholder="Filter crews"
          value={crewFilter}
          onChange={(e) => setCrewFilter(e.target.value)}
          data-testid="plan-crew-filter"
        />
        {session.can('plan:optimise') && <OptimiseButton opt={opt} />}
        <span className="spacer" />
        <span className="muted small" data-testid="plan-count">
          {workOrders.length} work orders · {lanes.length} lanes · times in {zone}
          {list.isFetching ? ' · updating…' : ''}
        </span>
      </div>
      <div className="pl-body">
        <TrayPanel items={trayItems} canAssign={canAssign} liftedId={trayDrag?.wo.id ?? null} onLift={onLift} />
        <div className="pl-chart" ref={scrollRef} onScroll={measure} data-testid="plan-scroll">
          <div className="pl-spacer" style={{ height: HEADER_HEIGHT + lanes.length * ROW_HEIGHT + 16 }}>
            <div className="pl-stage">
              <div className="pl-labels">
                <div className="pl-labels-head" style={{ height: HEADER_HEIGHT }}>
                  Crew
                </div>
                {windowLanes.map((l) => (
                  <div
                    key={l.id}
                    className={`pl-label ${l.kind}${trayDrag ? ' droppable' : ''}`}
                    style={{ height: ROW_HEIGHT }}
                    data-lane-id={l.id}
                    data-testid="lane-label"
                    title={l.kind === 'user' ? 'Drop here to assign to this technician' : 'Drop here to assign to the team'}
                  >
                    {l.label}
                  </div>
                ))}
              </div>
              {range && (
                <GanttChart
                  ref={chartRef}
                  view={view}
                  zone={zone}
                  range={range}
                  columnWidth={columnWidth}
                  laneCount={windowLanes.length}
                  headerLanes={windowLanes.flatMap((l, i) => (l.kind === 'team' ? [i] : []))}
                  revision={nonce}
                  bars={shownBars}
                  now={now}
                  readonly={!canAssign}
                  onChange={onChange}
                  onOpen={(id) => !isForecastBar(id) && openWorkOrder(isGhost(id) ? id.slice(GHOST_PREFIX.length) : id)}
                  onRendered={onRendered}
                  tooltipFor={tooltipFor}
                  labelFor={labelFor}
                  onBarKey={keys.onBarKey}
                />
              )}
            </div>
          </div>
        </div>
        <ViolationPanel rows={violationList} whoOf={whoOf} onShow={showLane} />
        <OptimisePanel opt={opt} />
      </div>
      {forecast.lanes.length > 0 && <ForecastPatterns />}
      <KeyMoveStatus pending={keyMove} saving={keys.saving} lanes={lanes} byId={byId} />
      {trayDrag && (
        <div className="pl-ghost" style={{ left: trayDrag.x + 12, top: trayDrag.y + 8 }}>
          {trayDrag.wo.number} · {Math.round(trayDrag.wo.durationMin / 6) / 10} h
        </div>
      )}
    </div>
  );
}

/**
 * The seam between the KPI engine (server/reports/kpi/: SQL over work orders and events) and what
 * presents it (API, console Reports view, PDF, workbook). Every consumer shows these exact numbers.
 * Times are epoch ms inside the host; the API turns them into ISO strings.
 */

export interface KpiFilters {
  depotId?: string | undefined;
  teamId?: string | undefined;
  assigneeId?: string | undefined;
  type?: string | undefined;
  locationId?: string | undefined;
  assetId?: string | undefined;
}

export interface KpiQuery {
  orgId: string;
  /** Half-open period [from, to) in epoch ms. */
  from: number;
  to: number;
  filters: KpiFilters;
  /** Time zone for day/week buckets (the depot's, else the org's). */
  zone: string;
  /** BCP 47 locale printed reports write dates and numbers in (the depot's); absent = the zone's default. */
  locale?: string;
  /** "now" for backlog age and overdue (the host clock; tests pin it). */
  now: number;
}

/** A ratio keeps its parts, so consumers can show "37 / 40" and tests can check both. */
export interface Ratio {
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when the denominator is 0. */
  value: number | null;
}

/**
 * Definitions (server/reports/kpi/sql.ts implements them; "in the period" = in [from, to); T = min(to, now)).
 * Cancelled work never counts in an SLA ratio (slaState gives it no state).
 */
export interface KpiSummary {
  /** created_at in the period. */
  created: number;
  /** completed_at in the period (the current completion: a rejected closure clears it until the crew completes again). */
  completed: number;
  /** cancelled_at in the period. */
  cancelled: number;
  /** Open at T: created before T and neither completed nor cancelled before T. */
  backlog: number;
  /** Mean and max age in hours of the backlog at that instant. */
  backlogAgeMeanH: number | null;
  backlogAgeMaxH: number | null;
  /** Completed in the period at or before their planned end, over those completed in the period that have a planned end. */
  onTime: Ratio;
  /**
   * Response SLA: denominator = work with a response due time whose response clock stopped in the
   * period (respondedAt in it) or that is still unanswered and whose due time passed in [from, T);
   * numerator = responded at or before the due time. Each work order counts once, in the period its
   * clock stopped (or, while unanswered, the period it breached).
   */
  slaResponse: Ratio;
  /**
   * Resolution SLA, the same way with completedAt and resolutionDueAt. Time on hold is excluded
   * because resuming pushes resolutionDueAt out by the business time held (server/sla extendForHold);
   * open work on hold is judged at the moment it was held, as slaState does.
   */
  slaResolution: Ratio;
  /** Mean hours from creation to the first ON_SITE (respondedAt), for work responded to in the period. */
  mttrRespondH: number | null;
  /** Mean hours from creation to COMPLETED minus the wall-clock time spent ON_HOLD (from status events), for work completed in the period. */
  mttrRepairH: number | null;
  /**
   * Over work completed in the period: those never sent back by a rejected closure and with no
   * follow-up corrective/emergency work order (not cancelled) created on the same asset within 30
   * days after completion.
   */
  firstTimeFix: Ratio;
  /** Open at T and past its resolution due time at T (work on hold judged when it was held). */
  overdue: number;
  /**
   * Over work completed in the period that was on site: planned = durationMin; actual = time spent
   * ON_SITE up to the completion (every stretch from arriving to the next status change: holds,
   * travel and the wait after a rejected closure are not counted), rounded to minutes.
   */
  plannedMin: number;
  actualMin: number;
  /**
   * Minutes of planned work (plannedStart..plannedEnd, not cancelled, clipped to the period) inside
   * the assignee's weekly shift (in `zone`) ÷ shift minutes of the active technicians in scope
   * (filters: team members, the assignee, the depot's technicians). Team rows: the team's members'
   * shifts; technician rows: their own; type/location/asset rows: all in scope (share of capacity).
   * Overlapping jobs both count, so overbooking shows as > 1.
   */
  utilisation: Ratio;
}

export type KpiDimension = 'team' | 'technician' | 'type' | 'location' | 'asset';

/**
 * One row per team / technician / type / location / asset. `key` is the id (or the type), "(none)"
 * for work without one, and "(other)" for the locations/assets beyond the top 50 by volume
 * (created + completed + backlog), summed into one row. Rows sorted by that volume, descending.
 */
export interface KpiRow extends KpiSummary {
  dimension: KpiDimension;
  key: string;
  label: string;
}

export interface AssetMtbf {
  assetId: string;
  label: string;
  /** Corrective/emergency work orders (not cancelled) created on the asset in the period. */
  failures: number;
  /** Mean hours between consecutive ones: (last − first) / (failures − 1); null with < 2. */
  mtbfH: number | null;
}

/**
 * Buckets from the one holding `from` to the one holding min(to, now) (no future buckets): created,
 * completed and slaResolution (judged at completion, or at the due time for open misses) inside
 * [from, to); backlog = open at the bucket's end (the last point equals summary.backlog).
 */
export interface TrendPoint {
  /** Bucket start, epoch ms (local midnight or Monday 00:00 in `zone`; DST days are 23 or 25 h). */
  at: number;
  created: number;
  completed: number;
  backlog: number;
  slaResolution: Ratio;
}

export interface BreachedWorkOrder {
  id: string;
  number: string;
  title: string;
  teamName: string | null;
  assigneeName: string | null;
  kind: 'response' | 'resolution';
  dueAt: number;
  /** When it was met late, or null if still open and past due. */
  metAt: number | null;
  lateByMin: number;
  /** Hold reasons and rejection comments found on its timeline, in order. */
  reasons: string[];
}

export interface KpiReport {
  query: KpiQuery;
  generatedAt: number;
  summary: KpiSummary;
  byDimension: Record<KpiDimension, KpiRow[]>;
  mtbf: AssetMtbf[];
  daily: TrendPoint[];
  weekly: TrendPoint[];
  /** The misses counted in slaResponse/slaResolution, most late first, at most 200 (see breachedTotal). */
  breached: BreachedWorkOrder[];
  /** How many misses there are in all (breached holds the first 200). Always set by computeKpis; optional only for hand-made fixtures. */
  breachedTotal?: number;
}

import type { AlertRow, RuleRow } from '../repo.js';
import { MINUTE, subjectOf, type StoredReading } from '../pipeline/store.js';

/**
 * Threshold rules, evaluated in memory on every stored reading with a small state machine per
 * (rule, subject):
 *
 *   idle ──breach──▶ pending ──breach held minDurationMs──▶ active (alert raised)
 *   active ──back inside limit ∓ hysteresis──▶ clearing ──held minDurationMs──▶ idle (alert cleared)
 *
 * A reading that breaks the streak sends pending back to idle and clearing back to active, so a
 * value hovering at the limit neither fires nor clears repeatedly. The durable part of the state
 * is the alert row: after a restart every active alert is restored as "active" (see restore()),
 * and raising re-checks the database, so a restart can never raise or open work twice.
 */

export type Phase = 'idle' | 'pending' | 'active' | 'clearing';

export interface RuleState {
  phase: Phase;
  since: number;
  alertId: string | null;
  trigger: number | null;
  peak: number | null;
  /** rate_of_change: the subject's previous reading of the metric. */
  prev: { value: number; at: number } | null;
}

export interface Subject {
  kind: 'asset' | 'vehicle' | 'device';
  id: string;
}

export interface RuleActions {
  /** Raises the alert (and work order); returns the alert id, or null if it could not (retried on the next reading). */
  fire(rule: RuleRow, subject: Subject, reading: StoredReading, measured: number): string | null;
  clear(rule: RuleRow, alertId: string, reading: StoredReading, peak: number | null): boolean;
}

const THRESHOLD_KINDS = new Set(['above', 'below', 'outside_band', 'rate_of_change']);

export function isThresholdRule(rule: RuleRow): boolean {
  return THRESHOLD_KINDS.has(rule.kind);
}

function breach(rule: RuleRow, x: number): boolean {
  const t = rule.threshold ?? 0;
  switch (rule.kind) {
    case 'above':
      return x > t;
    case 'below':
      return x < t;
    case 'outside_band':
      return x < (rule.low ?? -Infinity) || x > (rule.high ?? Infinity);
    case 'rate_of_change':
      return Math.abs(x) > t;
    default:
      return false;
  }
}

function backInside(rule: RuleRow, x: number): boolean {
  const t = rule.threshold ?? 0;
  const h = rule.hysteresis;
  switch (rule.kind) {
    case 'above':
      return x <= t - h;
    case 'below':
      return x >= t + h;
    case 'outside_band':
      return x >= (rule.low ?? -Infinity) + h && x <= (rule.high ?? Infinity) - h;
    case 'rate_of_change':
      return Math.abs(x) <= t - h;
    default:
      return true;
  }
}

/** The worse of two measured values, for the alert's peak. */
function worse(rule: RuleRow, a: number | null, b: number): number {
  if (a === null) return b;
  switch (rule.kind) {
    case 'below':
      return Math.min(a, b);
    case 'rate_of_change':
      return Math.abs(b) > Math.abs(a) ? b : a;
    case 'outside_band': {
      const dist = (x: number) => Math.max((rule.low ?? x) - x, x - (rule.high ?? x));
      return dist(b) > dist(a) ? b : a;
    }
    default:
      return Math.max(a, b);
  }
}

export function ruleApplies(rule: RuleRow, r: StoredReading): boolean {
  if (rule.orgId !== r.orgId || rule.metric !== r.metric) return false;
  if (rule.assetId) return r.assetId === rule.assetId;
  if (rule.vehicleId) return r.vehicleId === rule.vehicleId;
  return true;
}

export class ThresholdEngine {
  private rules: RuleRow[] = [];
  /** Rules by metric: a batch of readings meets only the rules that watch its metrics. */
  private byMetric = new Map<string, RuleRow[]>();
  private readonly states = new Map<string, RuleState>();
  failures = 0;

  constructor(private readonly actions: RuleActions) {}

  setRules(rules: RuleRow[]): void {
    const previous = new Map(this.rules.map((r) => [r.id, r]));
    this.rules = rules.filter(isThresholdRule);
    this.byMetric = new Map();
    for (const r of this.rules) this.byMetric.set(r.metric ?? '', [...(this.byMetric.get(r.metric ?? '') ?? []), r]);
    const keep = new Map(this.rules.map((r) => [r.id, r]));
    for (const [key, state] of this.states) {
      const ruleId = key.slice(0, key.indexOf('|'));
      const now = keep.get(ruleId);
      if (!now) this.states.delete(key);
      // A changed rule starts its "held for" timers again; an alert already raised stays raised.
      else if (previous.get(ruleId)?.version !== now.version && (state.phase === 'pending' || state.phase === 'clearing')) {
        state.phase = state.phase === 'pending' ? 'idle' : 'active';
      }
    }
  }

  /** After a restart: active alerts come back as active states. */
  restore(alerts: AlertRow[]): void {
    for (const a of alerts) {
      const s = this.state(a.ruleId, a.subjectId);
      s.phase = 'active';
      s.alertId = a.id;
      s.trigger = a.triggerValue;
      s.peak = a.peakValue;
    }
  }

  /** True when some threshold rule is enabled, i.e. stored readings are worth handing over. */
  get watching(): boolean {
    return this.rules.length > 0;
  }

  stateOf(ruleId: string, subjectId: string): RuleState | undefined {
    return this.states.get(`${ruleId}|${subjectId}`);
  }

  evaluate(readings: StoredReading[]): void {
    if (this.rules.length === 0) return;
    for (const r of readings) for (const rule of this.byMetric.get(r.metric) ?? []) if (ruleApplies(rule, r)) this.step(rule, r);
  }

  private state(ruleId: string, subjectId: string): RuleState {
    const key = `${ruleId}|${subjectId}`;
    let s = this.states.get(key);
    if (!s) {
      s = { phase: 'idle', since: 0, alertId: null, trigger: null, peak: null, prev: null };
      this.states.set(key, s);
    }
    return s;
  }

  private step(rule: RuleRow, r: StoredReading): void {
    const subject = subjectOf(r);
    const s = this.state(rule.id, subject.id);
    let x = r.value;
    if (rule.kind === 'rate_of_change') {
      const prev = s.prev;
      s.prev = { value: r.value, at: r.at };
      if (!prev || r.at <= prev.at) return;
      x = ((r.value - prev.value) / (r.at - prev.at)) * MINUTE;
    }
    const held = (since: number) => r.at - since >= rule.minDurationMs;
    switch (s.phase) {
      case 'idle':
        if (!breach(rule, x)) return;
        s.phase = 'pending';
        s.since = r.at;
        s.peak = x;
        if (held(s.since)) this.fire(rule, subject, s, r, x);
        return;
      case 'pending':
        if (!breach(rule, x)) {
          s.phase = 'idle';
          return;
        }
        s.peak = worse(rule, s.peak, x);
        if (held(s.since)) this.fire(rule, subject, s, r, x);
        return;
      case 'active':
        if (!backInside(rule, x)) {
          s.peak = worse(rule, s.peak, x);
          return;
        }
        s.phase = 'clearing';
        s.since = r.at;
        if (held(s.since)) this.clear(rule, s, r);
        return;
      case 'clearing':
        if (!backInside(rule, x)) {
          s.phase = 'active';
          s.peak = worse(rule, s.peak, x);
          return;
        }
        if (held(s.since)) this.clear(rule, s, r);
        return;
    }
  }

  private fire(rule: RuleRow, subject: Subject, s: RuleState, r: StoredReading, x: number): void {
    const alertId = this.actions.fire(rule, subject, r, x);
    if (!alertId) {
      this.failures += 1;
      return;
    }
    s.phase = 'active';
    s.alertId = alertId;
    s.trigger = x;
  }

  private clear(rule: RuleRow, s: RuleState, r: StoredReading): void {
    if (s.alertId && !this.actions.clear(rule, s.alertId, r, s.peak)) {
      this.failures += 1;
      return;
    }
    s.phase = 'idle';
    s.alertId = null;
    s.trigger = null;
    s.peak = null;
  }
}

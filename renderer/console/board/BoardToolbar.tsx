import { useMemo } from 'react';
import { useLookups } from '../../shared/catalog/queries';
import { PRIORITIES, SLA_LABEL, TYPES } from '../../shared/work-orders/labels';
import type { BoardFilters } from './queries';

const FILTER_FIELDS = ['teamId', 'priority', 'type', 'slaState', 'assigneeId'] as const;

/** Stored JSON is checked before it is trusted (STYLE 8): unknown or malformed fields are dropped. */
export function parseFilters(value: unknown): BoardFilters {
  const out: BoardFilters = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  const v = value as Record<string, unknown>;
  for (const key of FILTER_FIELDS) {
    const field = v[key];
    if (typeof field === 'string' && field.length > 0 && field.length <= 64) out[key] = field;
  }
  if (v.showFinished === true) out.showFinished = true;
  return out;
}

interface Props {
  filters: BoardFilters;
  onChange(next: BoardFilters): void;
  openCount: number;
  openMore: boolean;
  breachedTotal: number | null;
  breachedMore: boolean;
}

export function BoardToolbar({ filters, onChange, openCount, openMore, breachedTotal, breachedMore }: Props) {
  const lookups = useLookups();
  const set = (key: (typeof FILTER_FIELDS)[number]) => (e: { target: { value: string } }) =>
    onChange({ ...filters, [key]: e.target.value || undefined });
  const assignees = useMemo(
    () => lookups.usersList.filter((u) => u.active && u.role === 'technician').sort((a, b) => a.name.localeCompare(b.name)),
    [lookups.usersList],
  );
  const teams = useMemo(() => [...lookups.teamsList].sort((a, b) => a.name.localeCompare(b.name)), [lookups.teamsList]);
  const active = FILTER_FIELDS.some((k) => filters[k]);
  const breachedOnly = filters.slaState === 'breached';
  return (
    <div className="toolbar board-toolbar">
      <h2>SLA board</h2>
      <select value={filters.teamId ?? ''} onChange={set('teamId')} aria-label="Team" data-testid="board-filter-team">
        <option value="">All teams</option>
        {teams.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <select value={filters.priority ?? ''} onChange={set('priority')} aria-label="Priority" data-testid="board-filter-priority">
        <option value="">Any priority</option>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {p[0]!.toUpperCase() + p.slice(1)}
          </option>
        ))}
      </select>
      <select value={filters.type ?? ''} onChange={set('type')} aria-label="Type" data-testid="board-filter-type">
        <option value="">Any type</option>
        {TYPES.map((t) => (
          <option key={t} value={t}>
            {t[0]!.toUpperCase() + t.slice(1)}
          </option>
        ))}
      </select>
      <select value={filters.slaState ?? ''} onChange={set('slaState')} aria-label="SLA state" data-testid="board-filter-sla">
        <option value="">Any SLA state</option>
        {Object.entries(SLA_LABEL).map(([k, v]) => (
          <option key={k} value={k}>
            {v}
          </option>
        ))}
      </select>
      <select value={filters.assigneeId ?? ''} onChange={set('assigneeId')} aria-label="Assignee" data-testid="board-filter-assignee">
        <option value="">Anyone</option>
        <option value="unassigned">Unassigned</option>
        {assignees.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </select>
      {active && (
        <button className="link small" onClick={() => onChange({ showFinished: filters.showFinished })} data-testid="board-filter-clear">
          Clear filters
        </button>
      )}
      <label className="board-check small">
        <input
          type="checkbox"
          checked={Boolean(filters.showFinished)}
          onChange={(e) => onChange({ ...filters, showFinished: e.target.checked || undefined })}
          data-testid="board-show-finished"
        />
        Recent closed &amp; cancelled
      </label>
      <span className="spacer" />
      <span className="muted small" data-testid="board-open-total">
        {openCount}
        {openMore ? '+' : ''} shown
      </span>
      <button
        className={`board-breached${breachedTotal ? ' has' : ''}${breachedOnly ? ' on' : ''}`}
        onClick={() => onChange({ ...filters, slaState: breachedOnly ? undefined : 'breached' })}
        title={breachedOnly ? 'Show every SLA state' : 'Show only breached work'}
        data-testid="board-breached-total"
      >
        <b>
          {breachedTotal ?? '…'}
          {breachedMore ? '+' : ''}
        </b>{' '}
        breached
      </button>
    </div>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api } from '../../shared/api/client';
import { useSession } from '../../shared/api/session';
import { useToasts } from '../shell/toasts';
import { useOfferUndo } from './deleted-queries';
import { Field, FormError, num, SidePanel } from './forms';
import {
  adminQueries,
  fieldErrors,
  saveRecord,
  useWrite,
  type Holiday,
  type SlaCalendarDto,
  type SlaPolicyDto,
  type WorkingHours,
} from './queries';

/**
 * SLA targets count working minutes of the cell's calendar, so "2d" would mislead on a 10-hour
 * business calendar: show hours and minutes only.
 */
function fmtTarget(m: number): string {
  const h = Math.floor(m / 60);
  const min = m % 60;
  return h === 0 ? `${min}m` : min === 0 ? `${h}h` : `${h}h ${String(min).padStart(2, '0')}m`;
}
import { WeekEditor, weeklyHours, weekSummary } from './WeekEditor';
import { DateField } from '../../shared/locale/DateField';
import { useDepotFormat } from '../../shared/locale/context';

// ---------------------------------------------------------------- SLA matrix

/** Work-order type × priority grid; a cell is one SLA policy (or none: no targets). */
export function SlaMatrixTab({ toolbar }: { toolbar: ReactNode }) {
  const canEdit = useSession().can('sla:manage');
  const matrix = useQuery(adminQueries.slaMatrix());
  const calendars = useQuery(adminQueries.calendars());
  const calName = new Map((calendars.data ?? []).map((c) => [c.id, c.name]));
  const [cell, setCell] = useState<Pick<SlaPolicyDto, 'type' | 'priority'> | null>(null);
  const m = matrix.data;
  const current = cell && m ? (m.cells[cell.type]?.[cell.priority] ?? null) : null;
  return (
    <div
      className="adm-view"
      data-testid="admin-settings"
      data-tab="sla"
      data-state={matrix.isPending || calendars.isPending ? 'loading' : 'ready'}
    >
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        <span className="muted">Response / resolution targets; the calendar decides which hours count.</span>
      </div>
      <div className="adm-body">
        <div className="adm-scroll">
          {m && (
            <div className="adm-card">
              <h3>
                SLA matrix{' '}
                <span className="muted small" style={{ fontWeight: 400 }}>
                  {canEdit ? 'click a cell to edit' : 'read only'}
                </span>
              </h3>
              <table className="matrix" data-testid="sla-matrix">
                <thead>
                  <tr>
                    <th>Type \ priority</th>
                    {m.priorities.map((p) => (
                      <th key={p}>
                        <span className={`badge prio-${p}`}>{p}</span>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {m.types.map((t) => (
                    <tr key={t}>
                      <th>{t}</th>
                      {m.priorities.map((p) => {
                        const pol = m.cells[t]?.[p] ?? null;
                        const selected = cell?.type === t && cell.priority === p;
                        return (
                          <td
                            key={p}
                            className={`cell${canEdit ? ' editable' : ''}${selected ? ' selected' : ''}`}
                            onClick={() => canEdit && setCell({ type: t, priority: p })}
                            data-testid={`sla-cell-${t}-${p}`}
                          >
                            {pol ? (
                              <>
                                <div className="targets">
                                  {fmtTarget(pol.responseMinutes)} / {fmtTarget(pol.resolutionMinutes)}
                                </div>
                                <div className="cal">
                                  {pol.calendarId ? `${calName.get(pol.calendarId) ?? 'calendar'}` : 'round the clock'}
                                </div>
                              </>
                            ) : (
                              <span className="none">no target</span>
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="adm-card">
            <h3>
              Calendars{' '}
              <span className="muted small" style={{ fontWeight: 400 }}>
                edit them on the Calendars tab
              </span>
            </h3>
            <table className="matrix">
              <tbody>
                {(calendars.data ?? []).map((c) => (
                  <tr key={c.id}>
                    <th style={{ width: 160, textTransform: 'none' }}>{c.name}</th>
                    <td>{c.timeZone}</td>
                    <td>{weekSummary(c.workingHours)}</td>
                    <td>{c.holidays.length} holidays</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small" style={{ margin: '0 2px' }}>
            Each cell is “response / resolution” in working hours of its calendar. The response clock stops when the crew is on site, the
            resolution clock when the work is completed; a work order turns “at risk” at 75 % of its target. A cell without a target gives
            work orders of that kind no due times.
          </p>
        </div>
        {cell && canEdit && (
          <PolicyForm
            key={`${cell.type}-${cell.priority}-${current?.version ?? 0}`}
            type={cell.type}
            priority={cell.priority}
            policy={current}
            calendars={calendars.data ?? []}
            onClose={() => setCell(null)}
          />
        )}
      </div>
    </div>
  );
}

function PolicyForm({
  type,
  priority,
  policy,
  calendars,
  onClose,
}: {
  type: string;
  priority: string;
  policy: SlaPolicyDto | null;
  calendars: SlaCalendarDto[];
  onClose(): void;
}) {
  const toasts = useToasts();
  const [f, setF] = useState({
    name: policy?.name ?? `${type[0]!.toUpperCase()}${type.slice(1)} · ${priority}`,
    responseMinutes: String(policy?.responseMinutes ?? 240),
    resolutionMinutes: String(policy?.resolutionMinutes ?? 1440),
    calendarId: policy?.calendarId ?? '',
  });
  const save = useWrite(
    ['sla_policies'],
    () =>
      saveRecord<SlaPolicyDto>('/sla/policies', policy?.id, policy?.version, {
        name: f.name,
        type,
        priority,
        calendarId: f.calendarId || null,
        responseMinutes: num(f.responseMinutes),
        resolutionMinutes: num(f.resolutionMinutes),
      }),
    () => {
      toasts.push({ kind: 'success', text: `SLA for ${type} · ${priority} saved; new work orders use it` });
      onClose();
    },
  );
  const offerUndo = useOfferUndo();
  const remove = useWrite(
    ['sla_policies', 'deleted'],
    () => api.delete(`/sla/policies/${policy!.id}`),
    () => {
      const id = policy!.id;
      const cell = `${type} · ${priority}`;
      offerUndo({ done: `SLA target for ${cell} removed`, undone: `SLA target for ${cell} restored` }, ['sla_policies'], () =>
        api.post(`/sla/policies/${id}/restore`),
      );
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  return (
    <SidePanel
      title={`SLA · ${type} · ${priority}`}
      onClose={onClose}
      testId="policy-form"
      footer={
        <>
          {policy && (
            <button
              style={{ marginRight: 'auto' }}
              onClick={() => remove.mutate(undefined, { onError: (e) => toasts.error(e) })}
              data-testid="policy-remove"
            >
              Remove target
            </button>
          )}
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)} data-testid="policy-save">
            Save
          </button>
        </>
      }
    >
      <fieldset className="adm-grid">
        <Field label="Name" error={errs.name} wide>
          <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
        </Field>
        <Field label="Response (minutes)" error={errs.responseMinutes}>
          <input
            type="number"
            min={1}
            value={f.responseMinutes}
            onChange={(e) => setF({ ...f, responseMinutes: e.target.value })}
            data-testid="policy-response"
          />
        </Field>
        <Field label="Resolution (minutes)" error={errs.resolutionMinutes}>
          <input
            type="number"
            min={1}
            value={f.resolutionMinutes}
            onChange={(e) => setF({ ...f, resolutionMinutes: e.target.value })}
            data-testid="policy-resolution"
          />
        </Field>
        <div className="muted small">= {Number.isFinite(num(f.responseMinutes)) ? fmtTarget(num(f.responseMinutes)) : '—'}</div>
        <div className="muted small">= {Number.isFinite(num(f.resolutionMinutes)) ? fmtTarget(num(f.resolutionMinutes)) : '—'}</div>
        <Field label="Calendar" error={errs.calendarId} wide>
          <select value={f.calendarId} onChange={(e) => setF({ ...f, calendarId: e.target.value })} data-testid="policy-calendar">
            <option value="">24/7 — every minute counts</option>
            {calendars.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.timeZone})
              </option>
            ))}
          </select>
        </Field>
      </fieldset>
      <p className="muted small">Existing work orders keep the due times they were given; the change applies to new work orders.</p>
      <FormError error={save.error ?? remove.error} shown={['name', 'responseMinutes', 'resolutionMinutes', 'calendarId']} />
    </SidePanel>
  );
}

// ---------------------------------------------------------------- calendars

export function CalendarsTab({ toolbar }: { toolbar: ReactNode }) {
  const canEdit = useSession().can('sla:manage');
  const calendars = useQuery(adminQueries.calendars());
  const [editing, setEditing] = useState<SlaCalendarDto | 'new' | null>(null);
  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="calendars" data-state={calendars.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        {canEdit && (
          <button className="primary" onClick={() => setEditing('new')} data-testid="new-calendar">
            New calendar
          </button>
        )}
      </div>
      <div className="adm-body">
        <div className="table-wrap">
          <table className="grid" data-testid="calendars-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Time zone</th>
                <th>Working hours</th>
                <th className="num">h/week</th>
                <th className="num">Holidays</th>
              </tr>
            </thead>
            <tbody>
              {(calendars.data ?? []).map((c) => (
                <tr
                  key={c.id}
                  className={`clickable${editing !== 'new' && editing?.id === c.id ? ' selected' : ''}`}
                  onClick={() => setEditing(c)}
                  data-testid="calendar-row"
                >
                  <td>
                    <b>{c.name}</b>
                  </td>
                  <td>{c.timeZone}</td>
                  <td className="muted" title={weekSummary(c.workingHours)}>
                    {weekSummary(c.workingHours)}
                  </td>
                  <td className="num">{weeklyHours(c.workingHours).toFixed(1)}</td>
                  <td className="num">{c.holidays.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {editing && (
          <CalendarForm
            key={editing === 'new' ? 'new' : editing.id}
            calendar={editing === 'new' ? null : editing}
            readOnly={!canEdit}
            onClose={() => setEditing(null)}
          />
        )}
      </div>
    </div>
  );
}

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function CalendarForm({ calendar, readOnly, onClose }: { calendar: SlaCalendarDto | null; readOnly: boolean; onClose(): void }) {
  const fmt = useDepotFormat();
  const toasts = useToasts();
  const [name, setName] = useState(calendar?.name ?? '');
  const [timeZone, setTimeZone] = useState(calendar?.timeZone ?? BROWSER_ZONE);
  const [hours, setHours] = useState<WorkingHours>(
    calendar?.workingHours ?? {
      mon: [['08:00', '18:00']],
      tue: [['08:00', '18:00']],
      wed: [['08:00', '18:00']],
      thu: [['08:00', '18:00']],
      fri: [['08:00', '18:00']],
    },
  );
  const [holidays, setHolidays] = useState<Holiday[]>([...(calendar?.holidays ?? [])].sort((a, b) => a.date.localeCompare(b.date)));
  const save = useWrite(
    ['sla_calendars'],
    () => saveRecord<SlaCalendarDto>('/sla/calendars', calendar?.id, calendar?.version, { name, timeZone, workingHours: hours, holidays }),
    (c) => {
      toasts.push({ kind: 'success', text: `Calendar ${c.name} saved` });
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return (
    <SidePanel
      title={readOnly ? (calendar?.name ?? '') : calendar ? `Edit ${calendar.name}` : 'New calendar'}
      onClose={onClose}
      testId="calendar-form"
      footer={
        !readOnly && (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)} data-testid="calendar-save">
              {calendar ? 'Save changes' : 'Create calendar'}
            </button>
          </>
        )
      }
    >
      <fieldset disabled={readOnly} className="adm-grid">
        <Field label="Name" error={errs.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="calendar-name" />
        </Field>
        <Field label="Time zone" error={errs.timeZone}>
          <input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} list="tz-list" />
        </Field>
      </fieldset>
      <datalist id="tz-list">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <div>
        <h4>Working hours</h4>
        <WeekEditor value={hours} onChange={setHours} errors={errs} prefix="workingHours" readOnly={readOnly} />
        {errs.workingHours && <em className="adm-field-error small">{errs.workingHours}</em>}
      </div>
      <div>
        <h4>Holidays ({holidays.length})</h4>
        <fieldset disabled={readOnly} className="adm-holidays" style={{ border: 0, padding: 0, margin: 0 }}>
          {holidays.map((h, i) => {
            const err = Object.entries(errs).find(([k]) => k.startsWith(`holidays.${i}`))?.[1];
            return (
              <div key={i}>
                <div className="row">
                  <DateField
                    value={h.date}
                    onChange={(v) => setHolidays(holidays.map((x, j) => (j === i ? { ...x, date: v } : x)))}
                    aria-label="Date"
                  />
                  <input
                    value={h.name}
                    onChange={(e) => setHolidays(holidays.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
                    aria-label="Holiday name"
                  />
                  {!readOnly && (
                    <button className="link" onClick={() => setHolidays(holidays.filter((_x, j) => j !== i))} title="Remove">
                      ✕
                    </button>
                  )}
                </div>
                {err && <em className="adm-field-error small">{err}</em>}
              </div>
            );
          })}
        </fieldset>
        {!readOnly && (
          <button className="link small" onClick={() => setHolidays([...holidays, { date: fmt.dayKey(Date.now()), name: 'Holiday' }])}>
            + holiday
          </button>
        )}
      </div>
      <FormError error={save.error} shown={['name', 'timeZone', 'workingHours', 'holidays']} />
    </SidePanel>
  );
}

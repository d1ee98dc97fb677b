import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { catalogQueries } from '../../shared/catalog/queries';
import { useOfferUndo } from '../admin/deleted-queries';
import { useToasts } from '../shell/toasts';
import {
  createSchedule,
  deleteSchedule,
  downloadReport,
  restoreSchedule,
  scheduleQueries,
  updateSchedule,
  type ScheduleDto,
  type ScheduleInput,
} from './schedule-queries';
import { useDepotFormat } from '../../shared/locale/context';

const KIND_LABEL = { 'kpi-pdf': 'KPI PDF', workbook: 'Excel workbook', jobcard: 'Jobcards' } as const;
const size = (n: number | null) =>
  n === null ? '' : n > 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;

/**
 * Scheduled reports: the schedules (create, edit, pause, delete) and the files in the host's reports
 * folder, newest first, with downloads. Each schedule writes <kind>-<yyyy-mm-dd>-<slug>.<ext>.
 */
export function ScheduledReports() {
  const fmt = useDepotFormat();
  const schedules = useQuery(scheduleQueries.list());
  const files = useQuery(scheduleQueries.files());
  const toasts = useToasts();
  const [editing, setEditing] = useState<ScheduleDto | 'new' | null>(null);
  return (
    <section className="rep-panel" data-testid="scheduled-reports">
      <h3>
        Scheduled reports{' '}
        <button className="link small" onClick={() => setEditing('new')} data-testid="schedule-new">
          + New schedule
        </button>
      </h3>
      {editing && <ScheduleForm initial={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      <table className="rep-table" data-testid="schedule-list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Report</th>
            <th>Every</th>
            <th>Next run</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(schedules.data ?? []).map((s) => (
            <tr key={s.id} data-testid="schedule-row" className={s.enabled ? '' : 'muted'}>
              <td>
                {s.name}
                <div className="muted small">…-{s.slug}</div>
              </td>
              <td>{KIND_LABEL[s.kind]}</td>
              <td>{s.cadence}</td>
              <td>{s.enabled ? fmt.dateTimeFull(s.nextRunAt) : 'paused'}</td>
              <td>
                <button className="link small" onClick={() => setEditing(s)}>
                  Edit
                </button>
              </td>
            </tr>
          ))}
          {schedules.data?.length === 0 && (
            <tr>
              <td colSpan={5} className="muted small">
                No schedules yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h4>Recent files</h4>
      <ul className="rep-files" data-testid="report-files">
        {(files.data ?? []).slice(0, 20).map((f) => (
          <li key={f.runId}>
            <button className="link" onClick={() => void downloadReport(f).catch(toasts.error)}>
              {f.fileName}
            </button>{' '}
            <span className="muted small">
              {size(f.sizeBytes)} · {fmt.dateTimeFull(f.createdAt)}
            </span>
          </li>
        ))}
        {files.data?.length === 0 && <li className="muted small">No report files yet.</li>}
      </ul>
    </section>
  );
}

function ScheduleForm({ initial, onDone }: { initial: ScheduleDto | null; onDone(): void }) {
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const offerUndo = useOfferUndo();
  const teams = useQuery(catalogQueries.teams());
  const [form, setForm] = useState<ScheduleInput>({
    name: initial?.name ?? '',
    kind: initial?.kind === 'workbook' ? 'workbook' : 'kpi-pdf',
    cadence: initial?.cadence ?? 'weekly',
    filters: initial?.filters ?? {},
    enabled: initial?.enabled ?? true,
  });
  const save = async () => {
    try {
      if (initial) await updateSchedule(initial.id, initial.version, form);
      else await createSchedule(form);
      await queryClient.invalidateQueries({ queryKey: ['report_schedules'] });
      onDone();
    } catch (err) {
      toasts.error(err);
    }
  };
  const remove = async () => {
    if (!initial || !confirm(`Delete the schedule "${initial.name}"? Its files stay.`)) return;
    try {
      await deleteSchedule(initial.id);
      await queryClient.invalidateQueries({ queryKey: ['report_schedules'] });
      const { id, name } = initial;
      offerUndo({ done: `Schedule "${name}" deleted`, undone: `Schedule "${name}" restored` }, ['report_schedules'], () =>
        restoreSchedule(id),
      );
      onDone();
    } catch (err) {
      toasts.error(err);
    }
  };
  return (
    <form className="rep-schedule-form" data-testid="schedule-form" onSubmit={(e) => (e.preventDefault(), void save())}>
      <label>
        Name{' '}
        <input
          required
          maxLength={120}
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          data-testid="schedule-name"
        />
      </label>
      <label>
        Report
        <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as ScheduleInput['kind'] })}>
          <option value="kpi-pdf">KPI PDF</option>
          <option value="workbook">Excel workbook</option>
        </select>
      </label>
      <label>
        Every
        <select
          value={form.cadence}
          onChange={(e) => setForm({ ...form, cadence: e.target.value as ScheduleInput['cadence'] })}
          data-testid="schedule-cadence"
        >
          <option value="daily">day</option>
          <option value="weekly">week (Monday)</option>
          <option value="monthly">month</option>
        </select>
      </label>
      <label>
        Team
        <select
          value={form.filters?.teamId ?? ''}
          onChange={(e) => setForm({ ...form, filters: { ...form.filters, teamId: e.target.value || undefined } })}
        >
          <option value="">All teams</option>
          {(teams.data ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <label className="row">
        <input type="checkbox" checked={form.enabled ?? true} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> Enabled
      </label>
      <div className="row">
        <button type="submit" className="primary" data-testid="schedule-save">
          {initial ? 'Save' : 'Create'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {initial && (
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete
          </button>
        )}
      </div>
    </form>
  );
}

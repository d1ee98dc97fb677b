import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../shared/api/session';
import { useToasts } from '../shell/toasts';
import { adminQueries, useWrite } from '../admin/queries';
import { PlanForm } from './PlanForm';
import { maintenanceQueries, PLAN_TABLES, type MaintenancePlanDto } from './queries';
import { describeRule } from './rule-presets';
import { api } from '../../shared/api/client';
import { useLookups } from '../../shared/catalog/queries';
import './maintenance.css';

/** Preventive maintenance plans: what each covers, when it comes due, and a pause switch. */
export function PlansTab({ toolbar }: { toolbar: ReactNode }) {
  const canEdit = useSession().can('maintenance:plan');
  const toasts = useToasts();
  const plans = useQuery(maintenanceQueries.plans());
  const templates = useQuery(adminQueries.templates());
  const assets = useQuery(adminQueries.assets());
  const templateName = new Map((templates.data ?? []).map((t) => [t.id, t.name]));
  const assetTag = new Map((assets.data ?? []).map((a) => [a.id, a.tag]));
  const lookups = useLookups();
  const place = (id: string | null) => (id ? ` at ${lookups.locations.get(id)?.name ?? 'a location'}` : '');
  const [editing, setEditing] = useState<MaintenancePlanDto | 'new' | null>(null);
  const pause = useWrite(
    PLAN_TABLES,
    (p: MaintenancePlanDto) => api.patch<MaintenancePlanDto>(`/maintenance-plans/${p.id}`, { paused: !p.paused }, { ifMatch: p.version }),
    (p) => toasts.push({ kind: 'success', text: `“${p.name}” ${p.paused ? 'paused' : 'resumed'}` }),
  );
  const rows = plans.data ?? [];
  const covers = (p: MaintenancePlanDto) =>
    p.assetId
      ? (assetTag.get(p.assetId) ?? 'asset')
      : p.assetCategory
        ? `every ${p.assetCategory}${place(p.locationId)}`
        : p.locationId
          ? place(p.locationId).slice(' at '.length)
          : 'the meter’s asset';
  const when = (p: MaintenancePlanDto) =>
    p.kind === 'calendar'
      ? `${describeRule(p.rrule)} from ${p.dtstart?.replace('T', ' ')}`
      : p.meterMode === 'counter'
        ? `every ${p.meterInterval} ${p.meterMetric}`
        : `${p.meterMetric} reaching ${p.meterThreshold}`;
  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="maintenance" data-state={plans.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        <span className="muted">{rows.length} plans</span>
        {canEdit && (
          <button className="primary" onClick={() => setEditing('new')} data-testid="new-plan">
            New plan
          </button>
        )}
      </div>
      <div className="adm-body">
        <div className="table-wrap">
          <table className="grid" data-testid="plans-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Covers</th>
                <th>Template</th>
                <th>When</th>
                <th className="num">Horizon</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr
                  key={p.id}
                  className={`clickable${editing !== 'new' && editing?.id === p.id ? ' selected' : ''}`}
                  onClick={() => setEditing(p)}
                  data-testid="plan-row"
                >
                  <td>
                    <b>{p.name}</b>
                  </td>
                  <td>{covers(p)}</td>
                  <td>{templateName.get(p.templateId) ?? '—'}</td>
                  <td>{when(p)}</td>
                  <td className="num">{p.horizonDays} d</td>
                  <td>
                    {canEdit ? (
                      <button
                        className="link"
                        onClick={(e) => {
                          e.stopPropagation();
                          pause.mutate(p);
                        }}
                        data-testid="plan-pause"
                        title={p.paused ? 'Resume: generate its work again' : 'Pause: generate no more work'}
                      >
                        {p.paused ? 'Paused · resume' : 'Active · pause'}
                      </button>
                    ) : p.paused ? (
                      'Paused'
                    ) : (
                      'Active'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && !plans.isPending && <p className="muted">No maintenance plans yet.</p>}
        </div>
        {editing && (
          <PlanForm
            key={editing === 'new' ? 'new' : editing.id}
            plan={editing === 'new' ? null : editing}
            readOnly={!canEdit}
            onClose={() => setEditing(null)}
          />
        )}
      </div>
    </div>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../shared/api/session';
import { catalogQueries } from '../../shared/catalog/queries';
import { useToasts } from '../shell/toasts';
import { Field, FormError, num, orNull, SidePanel } from '../admin/forms';
import { adminQueries, fieldErrors, saveRecord, useWrite } from '../admin/queries';
import { telemetryQueries } from '../telemetry/queries';
import { PLAN_TABLES, type MaintenancePlanDto } from './queries';
import { RulePicker } from './RulePicker';
import { DateTimeField } from '../../shared/locale/DateField';

const optNum = (s: string) => (s.trim() === '' ? null : num(s));
/** Tomorrow at 08:00, local to the browser; the host reads it in the plan's depot zone. */
function tomorrowAt8(): string {
  const d = new Date(Date.now() + 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T08:00`;
}

/** Create or edit a plan. Saving an edit regenerates its future work that has not started (the host does it). */
export function PlanForm({ plan, readOnly, onClose }: { plan: MaintenancePlanDto | null; readOnly: boolean; onClose(): void }) {
  const toasts = useToasts();
  const canReadDevices = useSession().can('telemetry:read');
  const templates = useQuery(adminQueries.templates());
  const assets = useQuery(adminQueries.assets());
  const categories = useQuery(adminQueries.assetCategories());
  const locations = useQuery(catalogQueries.locations());
  const devices = useQuery({ ...telemetryQueries.devices(), enabled: canReadDevices, refetchInterval: false });
  const [f, setF] = useState({
    name: plan?.name ?? '',
    templateId: plan?.templateId ?? '',
    assetId: plan?.assetId ?? '',
    assetCategory: plan?.assetCategory ?? '',
    locationId: plan?.locationId ?? '',
    kind: plan?.kind ?? 'calendar',
    rrule: plan?.rrule ?? 'FREQ=MONTHLY;INTERVAL=3',
    dtstart: plan?.dtstart ?? tomorrowAt8(),
    meterDeviceId: plan?.meterDeviceId ?? '',
    meterMetric: plan?.meterMetric ?? 'run_hours',
    meterMode: plan?.meterMode ?? 'counter',
    meterInterval: plan?.meterInterval === null || plan?.meterInterval === undefined ? '500' : String(plan.meterInterval),
    meterBaseline: plan?.meterBaseline === null || plan?.meterBaseline === undefined ? '' : String(plan.meterBaseline),
    meterThreshold: plan?.meterThreshold === null || plan?.meterThreshold === undefined ? '' : String(plan.meterThreshold),
    horizonDays: String(plan?.horizonDays ?? 14),
    paused: plan?.paused ?? false,
  });
  const set = (patch: Partial<typeof f>) => setF({ ...f, ...patch });
  const calendar = f.kind === 'calendar';
  const save = useWrite(
    PLAN_TABLES,
    () =>
      saveRecord<MaintenancePlanDto>('/maintenance-plans', plan?.id, plan?.version, {
        name: f.name,
        templateId: f.templateId,
        assetId: orNull(f.assetId),
        assetCategory: orNull(f.assetCategory),
        locationId: orNull(f.locationId),
        kind: f.kind,
        rrule: calendar ? f.rrule : null,
        dtstart: calendar ? f.dtstart : null,
        meterDeviceId: calendar ? null : orNull(f.meterDeviceId),
        meterMetric: calendar ? null : orNull(f.meterMetric),
        meterMode: calendar ? null : f.meterMode,
        meterInterval: calendar || f.meterMode !== 'counter' ? null : optNum(f.meterInterval),
        meterBaseline: calendar ? null : optNum(f.meterBaseline),
        meterThreshold: calendar || f.meterMode !== 'trend' ? null : optNum(f.meterThreshold),
        horizonDays: num(f.horizonDays),
        paused: f.paused,
      }),
    (p) => {
      toasts.push({ kind: 'success', text: `Plan “${p.name}” saved` });
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  return (
    <SidePanel
      title={readOnly ? (plan?.name ?? '') : plan ? 'Edit maintenance plan' : 'New maintenance plan'}
      onClose={onClose}
      testId="plan-form"
      footer={
        !readOnly && (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)} data-testid="plan-save">
              {plan ? 'Save changes' : 'Create plan'}
            </button>
          </>
        )
      }
    >
      <fieldset disabled={readOnly} className="adm-grid">
        <Field label="Name" error={errs.name} wide>
          <input value={f.name} onChange={(e) => set({ name: e.target.value })} data-testid="plan-name" />
        </Field>
        <Field label="Task template" error={errs.templateId} wide>
          <select value={f.templateId} onChange={(e) => set({ templateId: e.target.value })} data-testid="plan-template">
            <option value="">—</option>
            {(templates.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Asset" error={errs.assetId}>
          <select value={f.assetId} onChange={(e) => set({ assetId: e.target.value })} data-testid="plan-asset">
            <option value="">— (category or location)</option>
            {(assets.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.tag} · {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="or every asset of category" error={errs.assetCategory}>
          <input
            list="pm-categories"
            value={f.assetCategory}
            onChange={(e) => set({ assetCategory: e.target.value })}
            data-testid="plan-category"
          />
          <datalist id="pm-categories">
            {(categories.data ?? []).map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </Field>
        <Field label="Location" error={errs.locationId}>
          <select value={f.locationId} onChange={(e) => set({ locationId: e.target.value })} data-testid="plan-location">
            <option value="">—</option>
            {(locations.data ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {l.code} · {l.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Horizon (days ahead)" error={errs.horizonDays}>
          <input
            type="number"
            min={1}
            max={366}
            value={f.horizonDays}
            onChange={(e) => set({ horizonDays: e.target.value })}
            data-testid="plan-horizon"
          />
        </Field>
        <Field label="Due by" error={errs.kind} wide>
          <div className="seg" role="group" aria-label="Kind">
            {(['calendar', 'meter'] as const).map((k) => (
              <button
                type="button"
                key={k}
                className={f.kind === k ? 'on' : ''}
                onClick={() => set({ kind: k })}
                data-testid={`plan-kind-${k}`}
              >
                {k === 'calendar' ? 'Calendar' : 'Meter'}
              </button>
            ))}
          </div>
        </Field>
        {calendar ? (
          <>
            <Field label="Repeats" error={errs.rrule} wide>
              <RulePicker value={f.rrule} onChange={(rrule) => set({ rrule })} disabled={readOnly} />
            </Field>
            <Field label="First time (depot time)" error={errs.dtstart} wide>
              {/* The depot's date and time, written the depot's way (issue 17 item 6), not the browser's. */}
              <DateTimeField value={f.dtstart} onChange={(dtstart) => set({ dtstart })} label="First time" testId="plan-dtstart" />
            </Field>
          </>
        ) : (
          <>
            <Field label="Device" error={errs.meterDeviceId}>
              <select value={f.meterDeviceId} onChange={(e) => set({ meterDeviceId: e.target.value })} data-testid="plan-device">
                <option value="">—</option>
                {(devices.data ?? []).map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Reading (metric)" error={errs.meterMetric}>
              <input value={f.meterMetric} onChange={(e) => set({ meterMetric: e.target.value })} data-testid="plan-metric" />
            </Field>
            <Field label="Meter" error={errs.meterMode}>
              <select
                value={f.meterMode}
                onChange={(e) => set({ meterMode: e.target.value as typeof f.meterMode })}
                data-testid="plan-meter-mode"
              >
                <option value="counter">Counter (run hours, cycles)</option>
                <option value="trend">Trend toward a limit</option>
              </select>
            </Field>
            {f.meterMode === 'counter' ? (
              <Field label="Every (units)" error={errs.meterInterval}>
                <input
                  type="number"
                  value={f.meterInterval}
                  onChange={(e) => set({ meterInterval: e.target.value })}
                  data-testid="plan-interval"
                />
              </Field>
            ) : (
              <Field label="Limit" error={errs.meterThreshold}>
                <input
                  type="number"
                  value={f.meterThreshold}
                  onChange={(e) => set({ meterThreshold: e.target.value })}
                  data-testid="plan-threshold"
                />
              </Field>
            )}
            <Field label={f.meterMode === 'counter' ? 'Reading at last service' : 'Healthy value'} error={errs.meterBaseline}>
              <input
                type="number"
                value={f.meterBaseline}
                onChange={(e) => set({ meterBaseline: e.target.value })}
                data-testid="plan-baseline"
              />
            </Field>
          </>
        )}
        <label className="adm-check">
          <input type="checkbox" checked={f.paused} onChange={(e) => set({ paused: e.target.checked })} data-testid="plan-paused" /> Paused
          (generates nothing)
        </label>
      </fieldset>
      {plan && !readOnly && (
        <p className="muted small">Saving a new schedule cancels and regenerates its future work that has not started.</p>
      )}
      <FormError
        error={save.error}
        shown={[
          'name',
          'templateId',
          'assetId',
          'assetCategory',
          'locationId',
          'horizonDays',
          'kind',
          'rrule',
          'dtstart',
          'meterDeviceId',
          'meterMetric',
          'meterMode',
          'meterInterval',
          'meterThreshold',
          'meterBaseline',
        ]}
      />
    </SidePanel>
  );
}

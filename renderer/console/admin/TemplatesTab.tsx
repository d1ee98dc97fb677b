import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../shared/api/session';
import { useToasts } from '../shell/toasts';
import { PRIORITIES, TYPES } from '../../shared/work-orders/labels';
import { Field, FormError, num, orNull, SidePanel } from './forms';
import { adminQueries, fieldErrors, saveRecord, useWrite, type ChecklistItem, type RequiredSkill, type TaskTemplateDto } from './queries';

export function fmtMinutes(m: number): string {
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  return [d && `${d}d`, h && `${h}h`, min && `${min}m`].filter(Boolean).join(' ') || '0m';
}

/** Task templates: type, priority, duration, required skills, checklist. */
export function TemplatesTab({ toolbar }: { toolbar: ReactNode }) {
  const canEdit = useSession().can('catalog:manage');
  const templates = useQuery(adminQueries.templates());
  const skills = useQuery(adminQueries.skills());
  const skillName = new Map((skills.data ?? []).map((s) => [s.id, s.name]));
  const [editing, setEditing] = useState<TaskTemplateDto | 'new' | null>(null);
  const rows = [...(templates.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="templates" data-state={templates.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        <span className="muted">{rows.length} templates</span>
        {canEdit && (
          <button className="primary" onClick={() => setEditing('new')} data-testid="new-template">
            New template
          </button>
        )}
      </div>
      <div className="adm-body">
        <div className="table-wrap">
          <table className="grid" data-testid="templates-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Priority</th>
                <th className="num">Duration</th>
                <th>Required skills</th>
                <th className="num">Checklist</th>
                <th>Signature</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr
                  key={t.id}
                  className={`clickable${editing !== 'new' && editing?.id === t.id ? ' selected' : ''}`}
                  onClick={() => setEditing(t)}
                  data-testid="template-row"
                >
                  <td>
                    <b>{t.name}</b>
                  </td>
                  <td style={{ textTransform: 'capitalize' }}>{t.type}</td>
                  <td>
                    <span className={`badge prio-${t.priority}`}>{t.priority}</span>
                  </td>
                  <td className="num">{fmtMinutes(t.durationMin)}</td>
                  <td title={t.requiredSkills.map((r) => `${skillName.get(r.skillId)} ≥ ${r.minLevel}`).join(', ')}>
                    {t.requiredSkills.map((r) => `${skillName.get(r.skillId) ?? '?'} ≥${r.minLevel}`).join(', ') || (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="num">{t.checklist.length ? `${t.checklist.length} items` : '—'}</td>
                  <td>{t.requiresSignature ? 'Required' : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {editing && (
          <TemplateForm
            key={editing === 'new' ? 'new' : editing.id}
            template={editing === 'new' ? null : editing}
            readOnly={!canEdit}
            onClose={() => setEditing(null)}
          />
        )}
      </div>
    </div>
  );
}

type ItemDraft = { id: string; label: string; kind: ChecklistItem['kind']; required: boolean; min: string; max: string; unit: string };

function toDraft(i: ChecklistItem): ItemDraft {
  return {
    id: i.id,
    label: i.label,
    kind: i.kind,
    required: i.required,
    min: i.min === undefined ? '' : String(i.min),
    max: i.max === undefined ? '' : String(i.max),
    unit: i.unit ?? '',
  };
}
function fromDraft(d: ItemDraft): ChecklistItem {
  const item: ChecklistItem = { id: d.id.trim(), label: d.label, kind: d.kind, required: d.required };
  if (d.kind === 'number') {
    if (d.min.trim() !== '') item.min = Number(d.min);
    if (d.max.trim() !== '') item.max = Number(d.max);
    if (d.unit.trim() !== '') item.unit = d.unit.trim();
  }
  return item;
}
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);

function TemplateForm({ template, readOnly, onClose }: { template: TaskTemplateDto | null; readOnly: boolean; onClose(): void }) {
  const toasts = useToasts();
  const skills = useQuery(adminQueries.skills());
  const [f, setF] = useState({
    name: template?.name ?? '',
    description: template?.description ?? '',
    type: template?.type ?? 'corrective',
    priority: template?.priority ?? 'medium',
    durationMin: String(template?.durationMin ?? 60),
    requiresSignature: template?.requiresSignature ?? false,
  });
  const [req, setReq] = useState<RequiredSkill[]>(template?.requiredSkills ?? []);
  const [items, setItems] = useState<ItemDraft[]>((template?.checklist ?? []).map(toDraft));
  const save = useWrite(
    ['task_templates'],
    () =>
      saveRecord<TaskTemplateDto>('/task-templates', template?.id, template?.version, {
        name: f.name,
        description: orNull(f.description),
        type: f.type,
        priority: f.priority,
        durationMin: num(f.durationMin),
        requiresSignature: f.requiresSignature,
        requiredSkills: req,
        checklist: items.map(fromDraft),
      }),
    (t) => {
      toasts.push({ kind: 'success', text: `Template “${t.name}” saved` });
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  const itemErr = (i: number) => Object.entries(errs).find(([k]) => k === `checklist.${i}` || k.startsWith(`checklist.${i}.`))?.[1];
  const setItem = (i: number, patch: Partial<ItemDraft>) => setItems(items.map((it, j) => (j === i ? { ...it, ...patch } : it)));
  return (
    <SidePanel
      title={readOnly ? (template?.name ?? '') : template ? `Edit template` : 'New template'}
      onClose={onClose}
      testId="template-form"
      footer={
        !readOnly && (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)} data-testid="template-save">
              {template ? 'Save changes' : 'Create template'}
            </button>
          </>
        )
      }
    >
      <fieldset disabled={readOnly} className="adm-grid">
        <Field label="Name" error={errs.name} wide>
          <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} data-testid="template-name" />
        </Field>
        <Field label="Type" error={errs.type}>
          <select value={f.type} onChange={(e) => setF({ ...f, type: e.target.value as typeof f.type })}>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Priority" error={errs.priority}>
          <select value={f.priority} onChange={(e) => setF({ ...f, priority: e.target.value as typeof f.priority })}>
            {PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </Field>
        <Field label="Duration (minutes)" error={errs.durationMin}>
          <input type="number" min={1} value={f.durationMin} onChange={(e) => setF({ ...f, durationMin: e.target.value })} />
        </Field>
        <label className="adm-check" style={{ alignSelf: 'end', paddingBottom: 6 }}>
          <input type="checkbox" checked={f.requiresSignature} onChange={(e) => setF({ ...f, requiresSignature: e.target.checked })} />{' '}
          Requires customer signature
        </label>
        <Field label="Description" error={errs.description} wide>
          <textarea rows={2} value={f.description} onChange={(e) => setF({ ...f, description: e.target.value })} />
        </Field>
      </fieldset>
      <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
        <h4>Required skills</h4>
        <div className="adm-req-skills">
          {req.map((r, i) => (
            <div className="row" key={i}>
              <select value={r.skillId} onChange={(e) => setReq(req.map((x, j) => (j === i ? { ...x, skillId: e.target.value } : x)))}>
                {(skills.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
              <span className="muted small">min level</span>
              <select
                value={r.minLevel}
                onChange={(e) => setReq(req.map((x, j) => (j === i ? { ...x, minLevel: Number(e.target.value) } : x)))}
              >
                {[1, 2, 3, 4, 5].map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
              {!readOnly && (
                <button className="link" onClick={() => setReq(req.filter((_x, j) => j !== i))} title="Remove">
                  ✕
                </button>
              )}
            </div>
          ))}
          {errs.requiredSkills && <em className="adm-field-error small">{errs.requiredSkills}</em>}
          {!readOnly && skills.data?.length ? (
            <button
              className="link small"
              style={{ alignSelf: 'flex-start' }}
              onClick={() =>
                setReq([
                  ...req,
                  { skillId: (skills.data.find((s) => !req.some((r) => r.skillId === s.id)) ?? skills.data[0]!).id, minLevel: 1 },
                ])
              }
            >
              + skill
            </button>
          ) : null}
        </div>
        <h4 style={{ marginTop: 12 }}>Checklist</h4>
        <div className="adm-checklist" data-testid="checklist-editor">
          {items.length === 0 && <span className="muted small">No checklist.</span>}
          {items.map((it, i) => (
            <div className="adm-check-item" key={i}>
              <input
                value={it.id}
                onChange={(e) => setItem(i, { id: e.target.value })}
                aria-label="Item id"
                title="Item id (letters, digits, - and _)"
              />
              <input
                value={it.label}
                onChange={(e) =>
                  setItem(i, { label: e.target.value, id: it.id === '' || it.id === slug(it.label) ? slug(e.target.value) : it.id })
                }
                placeholder="What to check"
                aria-label="Label"
              />
              <select value={it.kind} onChange={(e) => setItem(i, { kind: e.target.value as ItemDraft['kind'] })} aria-label="Kind">
                <option value="yesno">Yes / no</option>
                <option value="number">Number</option>
                <option value="text">Text</option>
              </select>
              <div className="row2">
                <label className="adm-check">
                  <input type="checkbox" checked={it.required} onChange={(e) => setItem(i, { required: e.target.checked })} /> required
                </label>
                {it.kind === 'number' && (
                  <>
                    <input
                      type="number"
                      placeholder="min"
                      value={it.min}
                      onChange={(e) => setItem(i, { min: e.target.value })}
                      aria-label="Min"
                    />
                    <input
                      type="number"
                      placeholder="max"
                      value={it.max}
                      onChange={(e) => setItem(i, { max: e.target.value })}
                      aria-label="Max"
                    />
                    <input
                      className="unit"
                      placeholder="unit"
                      value={it.unit}
                      onChange={(e) => setItem(i, { unit: e.target.value })}
                      aria-label="Unit"
                    />
                  </>
                )}
                <span className="spacer" />
                {!readOnly && (
                  <>
                    <button
                      className="link"
                      disabled={i === 0}
                      onClick={() => setItems(items.map((x, j) => (j === i - 1 ? items[i]! : j === i ? items[i - 1]! : x)))}
                      title="Move up"
                    >
                      ↑
                    </button>
                    <button className="link" onClick={() => setItems(items.filter((_x, j) => j !== i))} title="Remove">
                      ✕
                    </button>
                  </>
                )}
              </div>
              {itemErr(i) && (
                <em className="adm-field-error small" style={{ gridColumn: '1 / -1' }}>
                  {itemErr(i)}
                </em>
              )}
            </div>
          ))}
          {errs.checklist && <em className="adm-field-error small">{errs.checklist}</em>}
          {!readOnly && (
            <button
              className="link small"
              style={{ alignSelf: 'flex-start' }}
              onClick={() => setItems([...items, { id: '', label: '', kind: 'yesno', required: true, min: '', max: '', unit: '' }])}
            >
              + checklist item
            </button>
          )}
        </div>
      </fieldset>
      <FormError error={save.error} shown={['name', 'type', 'priority', 'durationMin', 'description', 'requiredSkills', 'checklist']} />
    </SidePanel>
  );
}

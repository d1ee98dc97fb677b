import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useSession } from '../../shared/api/session';
import { useLookups } from '../../shared/catalog/queries';
import { openWorkOrder } from '../shell/router';
import { useToasts } from '../shell/toasts';
import { FieldError, fieldErrors, isTyping, messageOf } from './form-utils';
import { PRIORITIES, TYPES } from '../../shared/work-orders/labels';
import { workOrderQueries, type CreateWorkOrderInput } from '../../shared/work-orders/queries';
import { formQueries, workOrderWrites } from './form-queries';
import { SearchSelect } from './SearchSelect';
import './work-orders.css';
import { useEscapeToClose } from '../../ui/useEscape';

const OPEN_EVENT = 'depotdesk:new-work-order';

/** Opens the "New work order" form from anywhere (toolbar buttons, the "n" shortcut). */
export function openNewWorkOrder(): void {
  window.dispatchEvent(new Event(OPEN_EVENT));
}

interface Draft {
  title: string;
  type: string;
  priority: string;
  templateId: string;
  locationId: string | null;
  assetId: string;
  teamId: string;
  description: string;
  durationMin: string;
}

/** Fields with a place for the host's message next to them; other messages go in the banner. */
const SHOWN_FIELDS = ['title', 'templateId', 'type', 'priority', 'locationId', 'assetId', 'teamId', 'durationMin', 'description'];

const EMPTY: Draft = {
  title: '',
  type: 'corrective',
  priority: 'medium',
  templateId: '',
  locationId: null,
  assetId: '',
  teamId: '',
  description: '',
  durationMin: '60',
};

function NewWorkOrderForm({ onClose }: { onClose(): void }) {
  const lookups = useLookups();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const templates = useQuery(formQueries.templates());
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const assets = useQuery({ ...formQueries.assetsAt(draft.locationId ?? ''), enabled: Boolean(draft.locationId) });
  const locationOptions = useMemo(
    () =>
      [...lookups.locations.values()]
        .map((l) => ({ id: l.id, label: l.name, hint: l.code }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [lookups.locations],
  );
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    // A message about a field goes once the user changes that field.
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest);
    setFailure(null);
  };

  const applyTemplate = (templateId: string) => {
    const t = templates.data?.find((x) => x.id === templateId);
    setDraft((d) =>
      t
        ? {
            ...d,
            templateId,
            type: t.type,
            priority: t.priority,
            durationMin: String(t.durationMin),
            description: d.description || (t.description ?? ''),
            title: d.title || t.name,
          }
        : { ...d, templateId: '' },
    );
  };

  // Esc closes the form, not the drawer underneath.
  useEscapeToClose(onClose);

  const submit = async () => {
    setSaving(true);
    setErrors({});
    setFailure(null);
    const body: CreateWorkOrderInput = {
      title: draft.title,
      type: draft.type as CreateWorkOrderInput['type'],
      priority: draft.priority as CreateWorkOrderInput['priority'],
      ...(draft.templateId ? { templateId: draft.templateId } : {}),
      ...(draft.locationId ? { locationId: draft.locationId } : {}),
      ...(draft.assetId ? { assetId: draft.assetId } : {}),
      ...(draft.teamId ? { teamId: draft.teamId } : {}),
      ...(draft.description.trim() ? { description: draft.description } : {}),
      ...(draft.durationMin ? { durationMin: Number(draft.durationMin) } : {}),
    };
    try {
      const created = await workOrderWrites.create(body);
      queryClient.setQueryData(workOrderQueries.detail(created.id).queryKey, created);
      void queryClient.invalidateQueries({ queryKey: ['work_orders'] });
      toasts.push({ kind: 'success', text: `${created.number} created` });
      onClose();
      openWorkOrder(created.id);
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(fields);
      setFailure(messageOf(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="wo-modal-backdrop" onMouseDown={onClose}>
      <form
        className="wo-modal wo-form"
        role="dialog"
        aria-label="New work order"
        data-testid="new-wo-form"
        onMouseDown={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <header className="wo-modal-head wide">
          <h3>New work order</h3>
          <span className="muted small">Enter to create · Esc to close</span>
        </header>
        {failure && !Object.keys(errors).some((k) => SHOWN_FIELDS.includes(k)) && (
          <div className="form-error wide" role="alert" data-testid="new-wo-error">
            {failure}
          </div>
        )}
        <label className="wide">
          Title
          <input
            autoFocus
            value={draft.title}
            onChange={(e) => set('title', e.target.value)}
            placeholder="What needs doing, where"
            data-testid="new-wo-title"
          />
          <FieldError text={errors.title} />
        </label>
        <label className="wide">
          Template
          <select value={draft.templateId} onChange={(e) => applyTemplate(e.target.value)} data-testid="new-wo-template">
            <option value="">No template</option>
            {templates.data?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} · {t.type}, {t.durationMin} min{t.checklist.length ? `, ${t.checklist.length} checks` : ''}
              </option>
            ))}
          </select>
          <FieldError text={errors.templateId} />
        </label>
        <label>
          Type
          <select value={draft.type} onChange={(e) => set('type', e.target.value)} data-testid="new-wo-type">
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          <FieldError text={errors.type} />
        </label>
        <label>
          Priority
          <select value={draft.priority} onChange={(e) => set('priority', e.target.value)} data-testid="new-wo-priority">
            {PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
          <FieldError text={errors.priority} />
        </label>
        <label>
          Location
          <SearchSelect
            options={locationOptions}
            value={draft.locationId}
            onChange={(id) => setDraft((d) => ({ ...d, locationId: id, assetId: '' }))}
            placeholder="Search locations…"
            testId="new-wo-location"
          />
          <FieldError text={errors.locationId} />
        </label>
        <label>
          Asset
          <select
            value={draft.assetId}
            onChange={(e) => set('assetId', e.target.value)}
            disabled={!draft.locationId}
            data-testid="new-wo-asset"
          >
            <option value="">{draft.locationId ? (assets.data?.length ? 'No asset' : 'No assets here') : 'Pick a location first'}</option>
            {assets.data?.map((a) => (
              <option key={a.id} value={a.id}>
                {a.tag} · {a.name}
              </option>
            ))}
          </select>
          <FieldError text={errors.assetId} />
        </label>
        <label>
          Team
          <select value={draft.teamId} onChange={(e) => set('teamId', e.target.value)} data-testid="new-wo-team">
            <option value="">No team yet</option>
            {lookups.teamsList.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <FieldError text={errors.teamId} />
        </label>
        <label>
          Duration (min)
          <input
            type="number"
            min={1}
            value={draft.durationMin}
            onChange={(e) => set('durationMin', e.target.value)}
            data-testid="new-wo-duration"
          />
          <FieldError text={errors.durationMin} />
        </label>
        <label className="wide">
          Description
          <textarea
            rows={4}
            value={draft.description}
            onChange={(e) => set('description', e.target.value)}
            data-testid="new-wo-description"
          />
          <FieldError text={errors.description} />
        </label>
        <div className="wo-form-actions wide">
          <button type="submit" className="primary" disabled={saving} data-testid="new-wo-submit">
            {saving ? 'Creating…' : 'Create work order'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** Mounted once by the shell: the form, opened by openNewWorkOrder() or the "n" key (when not typing). */
export function NewWorkOrderHost() {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const allowed = session.can('workorder:create');
  useEffect(() => {
    if (!allowed) return;
    const show = () => setOpen(true);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'n' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e)) {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener(OPEN_EVENT, show);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener(OPEN_EVENT, show);
      window.removeEventListener('keydown', onKey);
    };
  }, [allowed]);
  return open && allowed ? <NewWorkOrderForm onClose={() => setOpen(false)} /> : null;
}

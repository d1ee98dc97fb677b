import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../../shared/api/client';
import { useSession } from '../../shared/api/session';
import { useLookups } from '../../shared/catalog/queries';
import { useToasts } from '../shell/toasts';
import { FieldError, fieldErrors, fromLocalInput, toLocalInput } from './form-utils';
import { PRIORITIES, TYPES } from '../../shared/work-orders/labels';
import { workOrderQueries, type UpdateWorkOrderInput, type WorkOrderDto } from '../../shared/work-orders/queries';
import { formQueries, workOrderWrites } from './form-queries';
import { SearchSelect } from './SearchSelect';
import { useDepotFormat } from '../../shared/locale/context';
import { DateTimeField } from '../../shared/locale/DateField';

type Lookups = ReturnType<typeof useLookups>;

function useLocationOptions(lookups: Lookups) {
  return useMemo(
    () =>
      [...lookups.locations.values()]
        .map((l) => ({ id: l.id, label: l.name, hint: l.code }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [lookups.locations],
  );
}

/** Read-only facts, dense two-column grid. */
function Facts({ wo, lookups }: { wo: WorkOrderDto; lookups: Lookups }) {
  const fmt = useDepotFormat();
  const asset = useQuery({ ...formQueries.asset(wo.assetId ?? ''), enabled: Boolean(wo.assetId) });
  const skills = useQuery({ ...formQueries.skills(), enabled: wo.requiredSkills.length > 0 });
  const skillName = (id: string) => skills.data?.find((s) => s.id === id)?.name ?? '…';
  const name = (map: Map<string, { name: string }>, id: string | null) => (id ? (map.get(id)?.name ?? '…') : null);
  const rows: [string, React.ReactNode][] = [
    ['Type', <span className="cap">{wo.type}</span>],
    ['Location', name(lookups.locations, wo.locationId) ?? <span className="muted">—</span>],
    ['Asset', wo.assetId ? asset.data ? `${asset.data.tag} · ${asset.data.name}` : '…' : <span className="muted">—</span>],
    ['Team', name(lookups.teams, wo.teamId) ?? <span className="muted">—</span>],
    ['Assignee', name(lookups.users, wo.assigneeId) ?? <span className="muted">Unassigned</span>],
    ['Duration', `${wo.durationMin} min`],
    ['Planned start', fmt.dateTime(wo.plannedStart)],
    ['Planned end', fmt.dateTime(wo.plannedEnd)],
    ['Created', `${fmt.dateTime(wo.createdAt)}${wo.createdBy ? ` by ${name(lookups.users, wo.createdBy)}` : ''}`],
    ['Updated', fmt.dateTime(wo.updatedAt)],
  ];
  return (
    <>
      <dl className="wo-facts" data-testid="wo-facts">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
        {wo.requiredSkills.length > 0 && (
          <div className="wide">
            <dt>Skills</dt>
            <dd>
              {wo.requiredSkills.map((s) => (
                <span key={s.skillId} className="badge wo-skill">
                  {skillName(s.skillId)} ≥{s.minLevel}
                </span>
              ))}
            </dd>
          </div>
        )}
      </dl>
      <div className="wo-description" data-testid="wo-description">
        {wo.description ? wo.description : <span className="muted">No description.</span>}
      </div>
    </>
  );
}

interface Draft {
  title: string;
  type: string;
  priority: string;
  locationId: string | null;
  assetId: string | null;
  durationMin: string;
  description: string;
}

const draftOf = (wo: WorkOrderDto): Draft => ({
  title: wo.title,
  type: wo.type,
  priority: wo.priority,
  locationId: wo.locationId,
  assetId: wo.assetId,
  durationMin: String(wo.durationMin),
  description: wo.description ?? '',
});

/**
 * Editing keeps the version the user started from. If the work order changes underneath, the form
 * says so and keeps their text; saving then meets the host's 409 and offers a reload.
 */
function EditForm({ wo, lastActor, onDone }: { wo: WorkOrderDto; lastActor: string | null; onDone(): void }) {
  const lookups = useLookups();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const [base, setBase] = useState(wo);
  const [draft, setDraft] = useState(() => draftOf(wo));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const locationOptions = useLocationOptions(lookups);
  const assets = useQuery({ ...formQueries.assetsAt(draft.locationId ?? ''), enabled: Boolean(draft.locationId) });
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const changedUnderneath = wo.version !== base.version;

  const initial = draftOf(base);
  const body: UpdateWorkOrderInput = {};
  if (draft.title !== initial.title) body.title = draft.title;
  if (draft.type !== initial.type) body.type = draft.type as UpdateWorkOrderInput['type'];
  if (draft.priority !== initial.priority) body.priority = draft.priority as UpdateWorkOrderInput['priority'];
  if (draft.locationId !== initial.locationId) body.locationId = draft.locationId;
  if (draft.assetId !== initial.assetId) body.assetId = draft.assetId;
  if (draft.durationMin !== initial.durationMin) body.durationMin = Number(draft.durationMin);
  if (draft.description !== initial.description) body.description = draft.description || null;
  const dirty = Object.keys(body).length > 0;

  // Esc would close the drawer and lose the edits: while dirty it only leaves the field.
  useEffect(() => {
    if (!dirty) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        (document.activeElement as HTMLElement | null)?.blur();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [dirty]);

  const save = async () => {
    if (!dirty) return onDone();
    setSaving(true);
    setErrors({});
    try {
      const saved = await workOrderWrites.update(wo.id, base.version, body);
      queryClient.setQueryData(workOrderQueries.detail(wo.id).queryKey, saved);
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setConflict(err.message);
      else {
        setErrors(fieldErrors(err));
        toasts.error(err);
      }
    } finally {
      setSaving(false);
    }
  };
  const reload = () => {
    setBase(wo);
    setDraft(draftOf(wo));
    setConflict(null);
    void queryClient.invalidateQueries({ queryKey: workOrderQueries.detail(wo.id).queryKey });
  };

  return (
    <form
      className="wo-form"
      data-testid="wo-edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {conflict ? (
        <div className="wo-banner wo-banner-conflict" role="alert" data-testid="wo-conflict">
          <span>
            <b>Changed by someone else</b>
            {lastActor ? ` (${lastActor})` : ''} since you started editing — reload to see their version.{' '}
            <span className="muted small">{conflict}</span>
          </span>
          <button type="button" onClick={reload} data-testid="wo-conflict-reload">
            Reload
          </button>
        </div>
      ) : (
        changedUnderneath && (
          <div className="wo-banner" data-testid="wo-changed-hint">
            Changed by {lastActor ?? 'someone'} just now. Your unsaved edits are kept.
          </div>
        )
      )}
      <label className="wide">
        Title
        <input value={draft.title} onChange={(e) => set('title', e.target.value)} data-testid="wo-edit-title" autoFocus />
        <FieldError text={errors.title} />
      </label>
      <label>
        Type
        <select value={draft.type} onChange={(e) => set('type', e.target.value)}>
          {TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Priority
        <select value={draft.priority} onChange={(e) => set('priority', e.target.value)} data-testid="wo-edit-priority">
          {PRIORITIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        Location
        <SearchSelect
          options={locationOptions}
          value={draft.locationId}
          onChange={(id) => setDraft((d) => ({ ...d, locationId: id, assetId: id === d.locationId ? d.assetId : null }))}
          placeholder="Search locations…"
        />
        <FieldError text={errors.locationId} />
      </label>
      <label>
        Asset
        <select value={draft.assetId ?? ''} onChange={(e) => set('assetId', e.target.value || null)} disabled={!draft.locationId}>
          <option value="">{draft.locationId ? 'No asset' : 'Pick a location first'}</option>
          {assets.data?.map((a) => (
            <option key={a.id} value={a.id}>
              {a.tag} · {a.name}
            </option>
          ))}
        </select>
        <FieldError text={errors.assetId} />
      </label>
      <label>
        Duration (min)
        <input type="number" min={1} value={draft.durationMin} onChange={(e) => set('durationMin', e.target.value)} />
        <FieldError text={errors.durationMin} />
      </label>
      <label className="wide">
        Description
        <textarea rows={4} value={draft.description} onChange={(e) => set('description', e.target.value)} />
        <FieldError text={errors.description} />
      </label>
      <div className="wo-form-actions wide">
        <button type="submit" className="primary" disabled={saving || Boolean(conflict)} data-testid="wo-edit-save">
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <span className="muted small">Editing version {base.version}</span>
      </div>
    </form>
  );
}

/** Team, assignee (people of that team) and the planned window: POST /assignment. */
function AssignmentForm({ wo }: { wo: WorkOrderDto }) {
  const fmt = useDepotFormat();
  const lookups = useLookups();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const initial = useMemo(
    () => ({
      teamId: wo.teamId ?? '',
      assigneeId: wo.assigneeId ?? '',
      plannedStart: toLocalInput(wo.plannedStart, fmt),
      plannedEnd: toLocalInput(wo.plannedEnd, fmt),
    }),
    [wo.teamId, wo.assigneeId, wo.plannedStart, wo.plannedEnd, fmt],
  );
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  // Someone else's assignment shows up unless this user is midway through their own.
  const [shown, setShown] = useState(initial);
  if (shown !== initial) {
    setShown(initial);
    if (!dirty) setDraft(initial);
  }
  const members = useQuery({ ...formQueries.teamMembers(draft.teamId), enabled: Boolean(draft.teamId) });
  const people = draft.teamId
    ? (members.data?.items ?? []).map((m) => ({ id: m.userId, name: m.name }))
    : lookups.usersList.filter((u) => u.active && u.role === 'technician').map((u) => ({ id: u.id, name: u.name }));
  const open = !['COMPLETED', 'CLOSED', 'CANCELLED'].includes(wo.status);

  const save = async () => {
    setSaving(true);
    setErrors({});
    try {
      const saved = await workOrderWrites.assign(wo.id, wo.version, {
        teamId: draft.teamId || null,
        assigneeId: draft.assigneeId || null,
        plannedStart: fromLocalInput(draft.plannedStart, fmt),
        plannedEnd: fromLocalInput(draft.plannedEnd, fmt),
      });
      queryClient.setQueryData(workOrderQueries.detail(wo.id).queryKey, saved);
      setDraft({
        teamId: saved.teamId ?? '',
        assigneeId: saved.assigneeId ?? '',
        plannedStart: toLocalInput(saved.plannedStart, fmt),
        plannedEnd: toLocalInput(saved.plannedEnd, fmt),
      });
    } catch (err) {
      setErrors(fieldErrors(err));
      toasts.error(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="wo-form wo-assign"
      data-testid="wo-assign-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h4 className="wide">Assignment</h4>
      <label>
        Team
        <select
          value={draft.teamId}
          disabled={!open}
          onChange={(e) => setDraft({ ...draft, teamId: e.target.value, assigneeId: '' })}
          data-testid="wo-assign-team"
        >
          <option value="">No team</option>
          {lookups.teamsList.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <FieldError text={errors.teamId} />
      </label>
      <label>
        Assignee
        <select
          value={draft.assigneeId}
          disabled={!open}
          onChange={(e) => setDraft({ ...draft, assigneeId: e.target.value })}
          data-testid="wo-assign-assignee"
        >
          <option value="">Unassigned</option>
          {draft.assigneeId && !people.some((p) => p.id === draft.assigneeId) && (
            <option value={draft.assigneeId}>{lookups.users.get(draft.assigneeId)?.name ?? '…'}</option>
          )}
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <FieldError text={errors.assigneeId} />
      </label>
      <label>
        Planned start
        <DateTimeField
          label="Planned start"
          value={draft.plannedStart}
          disabled={!open}
          onChange={(v) => setDraft((d) => ({ ...d, plannedStart: v }))}
          testId="wo-assign-start"
        />
        <FieldError text={errors.plannedStart} />
      </label>
      <label>
        Planned end
        <DateTimeField
          label="Planned end"
          value={draft.plannedEnd}
          disabled={!open}
          onChange={(v) => setDraft((d) => ({ ...d, plannedEnd: v }))}
          testId="wo-assign-end"
        />
        <FieldError text={errors.plannedEnd} />
      </label>
      {open && (
        <div className="wo-form-actions wide">
          <button type="submit" className="primary" disabled={!dirty || saving} data-testid="wo-assign-save">
            {saving ? 'Saving…' : 'Save assignment'}
          </button>
          {dirty && (
            <button type="button" onClick={() => setDraft(initial)}>
              Undo
            </button>
          )}
        </div>
      )}
    </form>
  );
}

export function DetailsTab({
  wo,
  editing,
  setEditing,
  lastActor,
}: {
  wo: WorkOrderDto;
  editing: boolean;
  setEditing(v: boolean): void;
  lastActor: string | null;
}) {
  const session = useSession();
  const lookups = useLookups();
  const final = ['CLOSED', 'CANCELLED'].includes(wo.status);
  return (
    <div className="wo-tab" data-testid="wo-details">
      {editing ? (
        <EditForm wo={wo} lastActor={lastActor} onDone={() => setEditing(false)} />
      ) : (
        <>
          <Facts wo={wo} lookups={lookups} />
          {session.can('workorder:update') && !final && (
            <div className="wo-form-actions">
              <button onClick={() => setEditing(true)} data-testid="wo-edit" title="Edit (E)">
                Edit details
              </button>
            </div>
          )}
        </>
      )}
      {session.can('workorder:assign') && <AssignmentForm wo={wo} />}
    </div>
  );
}

export function useLastActor(id: string): string | null {
  const events = useQuery(workOrderQueries.events(id));
  const items = events.data?.items;
  return items?.length ? (items[items.length - 1]!.actorName ?? null) : null;
}

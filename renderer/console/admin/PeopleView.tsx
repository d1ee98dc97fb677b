import { useInfiniteQuery, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, type Page, type Query } from '../../shared/api/client';
import { useSession } from '../../shared/api/session';
import { catalogQueries } from '../../shared/catalog/queries';
import { useToasts } from '../shell/toasts';
import { useOfferUndo } from './deleted-queries';
import { Field, FormError, orNull, SidePanel } from './forms';
import {
  adminQueries,
  fieldErrors,
  saveRecord,
  useWrite,
  type TeamDto,
  type TeamMemberDto,
  type UserDto,
  type WorkingHours,
} from './queries';
import { WeekEditor, weeklyHours, weekSummary } from './WeekEditor';
import './admin.css';
import { PairPhone } from './PairPhone';
import { FlaggedCheckins } from './FlaggedCheckins';
import { LoadMore } from '../shell/LoadMore';

const ROLES = ['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'] as const;
/** Said wherever a person without a password on this depot is shown (people from another depot by sync). */
const NO_PASSWORD =
  'No password is set on this depot, so this person cannot sign in here yet. Passwords never travel between depots: set one here (technicians may pair a phone instead).';

type Editing = { kind: 'user'; user: UserDto | null } | { kind: 'team'; team: TeamDto | null } | null;

export function PeopleView() {
  const session = useSession();
  const canUsers = session.can('user:manage');
  const canTeams = session.can('catalog:manage');
  const [filters, setFilters] = useState<Query>({ active: 'true' });
  const [editing, setEditing] = useState<Editing>(null);
  const teams = useQuery(catalogQueries.teams());
  const members = useQueries({ queries: (teams.data ?? []).map((t) => adminQueries.teamMembers(t.id)) });
  const membersByTeam = new Map((teams.data ?? []).map((t, i) => [t.id, members[i]?.data ?? []]));
  const teamsOfUser = new Map<string, TeamDto[]>();
  for (const t of teams.data ?? [])
    for (const m of membersByTeam.get(t.id) ?? []) teamsOfUser.set(m.userId, [...(teamsOfUser.get(m.userId) ?? []), t]);
  // Team membership is not a /users filter: it is applied here, from the members already loaded.
  const { teamId: teamFilter, ...apiFilters } = filters as Query & { teamId?: string };
  const list = useInfiniteQuery({
    queryKey: ['users', 'table', apiFilters],
    queryFn: ({ pageParam }) => api.get<Page<UserDto>>('/users', { ...apiFilters, limit: 200, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const shown = teamFilter ? rows.filter((u) => teamsOfUser.get(u.id)?.some((t) => t.id === teamFilter)) : rows;
  const set = (key: string) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value || undefined });
  const ready = !list.isPending && !teams.isPending;
  const selectedUser = editing?.kind === 'user' ? editing.user?.id : undefined;
  return (
    <div className="adm-view" data-testid="admin-people" data-state={ready ? 'ready' : 'loading'}>
      <div className="toolbar">
        <h2>Teams & people</h2>
        <input placeholder="Name or e-mail" onChange={set('q')} data-testid="people-filter-q" />
        <select onChange={set('role')} aria-label="Role">
          <option value="">Any role</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <select onChange={set('teamId')} aria-label="Team" value={teamFilter ?? ''}>
          <option value="">Any team</option>
          {(teams.data ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <select onChange={set('active')} value={String(filters.active ?? '')} aria-label="Active">
          <option value="true">Active</option>
          <option value="false">Deactivated</option>
          <option value="">Everyone</option>
        </select>
        <span className="spacer" />
        <span className="muted">
          {shown.length}
          {list.hasNextPage ? '+' : ''} people
        </span>
        {canTeams && (
          <button onClick={() => setEditing({ kind: 'team', team: null })} data-testid="new-team">
            New team
          </button>
        )}
        {canUsers && (
          <button className="primary" onClick={() => setEditing({ kind: 'user', user: null })} data-testid="new-user">
            New user
          </button>
        )}
      </div>
      <FlaggedCheckins />
      <div className="adm-split">
        <TeamsPanel
          teams={teams.data ?? []}
          membersByTeam={membersByTeam}
          canEdit={canTeams}
          onEdit={(team) => setEditing({ kind: 'team', team })}
        />
        <div className="table-wrap">
          <table className="grid" data-testid="people-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Team(s)</th>
                <th>Shift</th>
                <th className="num">h/week</th>
                <th>Phone</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((u) => (
                <tr
                  key={u.id}
                  className={`clickable${u.active ? '' : ' inactive'}${selectedUser === u.id ? ' selected' : ''}`}
                  onClick={() => setEditing({ kind: 'user', user: u })}
                  data-testid="person-row"
                >
                  <td className="person" title={u.email}>
                    <b>{u.name}</b>
                    {!u.active && (
                      <span className="badge" style={{ marginLeft: 6 }}>
                        deactivated
                      </span>
                    )}
                    {u.active && !u.hasPassword && (
                      <span className="badge" style={{ marginLeft: 6 }} title={NO_PASSWORD} data-testid="no-password">
                        no password here
                      </span>
                    )}
                    <span className="muted small">{u.email}</span>
                  </td>
                  <td>
                    <span className="badge role-badge">{u.role}</span>
                  </td>
                  <td>{(teamsOfUser.get(u.id) ?? []).map((t) => t.name).join(', ') || <span className="muted">—</span>}</td>
                  <td className="muted shift" title={weekSummary(u.shift)}>
                    {weekSummary(u.shift)}
                  </td>
                  <td className="num">{u.shift ? weeklyHours(u.shift).toFixed(1) : '—'}</td>
                  <td className="muted">{u.phone ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadMore list={list} />
        </div>
        {editing?.kind === 'user' && (
          <UserForm
            key={editing.user?.id ?? 'new'}
            user={editing.user}
            canEdit={canUsers}
            teams={teamsOfUser.get(editing.user?.id ?? '') ?? []}
            onClose={() => setEditing(null)}
          />
        )}
        {editing?.kind === 'team' && <TeamForm key={editing.team?.id ?? 'new'} team={editing.team} onClose={() => setEditing(null)} />}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------- teams

function TeamsPanel({
  teams,
  membersByTeam,
  canEdit,
  onEdit,
}: {
  teams: TeamDto[];
  membersByTeam: Map<string, TeamMemberDto[]>;
  canEdit: boolean;
  onEdit(t: TeamDto): void;
}) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="adm-teams" data-testid="teams-panel">
      <div className="toolbar">
        <h2>Teams</h2>
        <span className="muted">{teams.length}</span>
      </div>
      <div className="list">
        {teams.map((t) => {
          const members = membersByTeam.get(t.id) ?? [];
          return (
            <div key={t.id} className={`adm-team${open === t.id ? ' open' : ''}`} data-testid="team">
              <button className="head" onClick={() => setOpen(open === t.id ? null : t.id)}>
                <span className="swatch" style={{ background: t.color ?? undefined }} />
                <b>{t.name}</b>
                <span className="count">{members.length}</span>
              </button>
              {open === t.id && <TeamMembers team={t} members={members} canEdit={canEdit} onEdit={() => onEdit(t)} />}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function TeamMembers({ team, members, canEdit, onEdit }: { team: TeamDto; members: TeamMemberDto[]; canEdit: boolean; onEdit(): void }) {
  const toasts = useToasts();
  const users = useQuery(catalogQueries.users());
  const [pick, setPick] = useState('');
  const add = useWrite(['team_members'], (v: { userId: string; isLead: boolean }) => api.post(`/teams/${team.id}/members`, v));
  const offerUndo = useOfferUndo();
  // Undo adds the member again with their lead flag: the host brings the same membership row back.
  const remove = useWrite(['team_members'], (m: TeamMemberDto) => api.delete(`/teams/${team.id}/members/${m.userId}`));
  const onError = { onError: (e: unknown) => toasts.error(e) };
  const removeMember = (m: TeamMemberDto) =>
    remove.mutate(m, {
      ...onError,
      onSuccess: () =>
        offerUndo({ done: `${m.name} removed from ${team.name}`, undone: `${m.name} is back in ${team.name}` }, ['team_members'], () =>
          api.post(`/teams/${team.id}/members`, { userId: m.userId, isLead: m.isLead }),
        ),
    });
  const candidates = (users.data ?? []).filter((u) => u.active && !members.some((m) => m.userId === u.id));
  const sorted = [...members].sort((a, b) => Number(b.isLead) - Number(a.isLead) || a.name.localeCompare(b.name));
  return (
    <div className="adm-members" data-testid="team-members">
      {sorted.length === 0 && <span className="muted small">No members yet.</span>}
      {sorted.map((m) => (
        <div className="adm-member" key={m.userId} data-testid="team-member">
          <span className="name" title={m.email}>
            {m.name}
          </span>
          {m.isLead && <span className="badge lead-badge">lead</span>}
          {canEdit && (
            <>
              <button
                className={`star${m.isLead ? ' on' : ''}`}
                title={m.isLead ? 'Team lead — click to remove the lead flag' : 'Make team lead'}
                onClick={() => add.mutate({ userId: m.userId, isLead: !m.isLead }, onError)}
                data-testid="toggle-lead"
              >
                {m.isLead ? '★' : '☆'}
              </button>
              <button title="Remove from team" onClick={() => removeMember(m)} data-testid="remove-member">
                ✕
              </button>
            </>
          )}
        </div>
      ))}
      {canEdit && (
        <>
          <div className="add">
            <select value={pick} onChange={(e) => setPick(e.target.value)} aria-label="Add member" data-testid="add-member-select">
              <option value="">Add a member…</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.role})
                </option>
              ))}
            </select>
            <button
              disabled={!pick || add.isPending}
              onClick={() => add.mutate({ userId: pick, isLead: false }, { ...onError, onSuccess: () => setPick('') })}
              data-testid="add-member"
            >
              Add
            </button>
          </div>
          <button className="link small" style={{ alignSelf: 'flex-start' }} onClick={onEdit}>
            Edit team…
          </button>
        </>
      )}
    </div>
  );
}

function TeamForm({ team, onClose }: { team: TeamDto | null; onClose(): void }) {
  const toasts = useToasts();
  const depots = useQuery(adminQueries.depots());
  const [f, setF] = useState({ name: team?.name ?? '', color: team?.color ?? '#2563a8', depotId: team?.depotId ?? '' });
  const save = useWrite(
    ['teams'],
    () => saveRecord<TeamDto>('/teams', team?.id, team?.version, { name: f.name, color: orNull(f.color), depotId: f.depotId || null }),
    (t) => {
      toasts.push({ kind: 'success', text: `Team ${t.name} saved` });
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  return (
    <SidePanel
      title={team ? `Edit ${team.name}` : 'New team'}
      onClose={onClose}
      testId="team-form"
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)} data-testid="team-save">
            {team ? 'Save changes' : 'Create team'}
          </button>
        </>
      }
    >
      <fieldset className="adm-grid">
        <Field label="Name" error={errs.name} wide>
          <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} data-testid="team-name" />
        </Field>
        <Field label="Colour" error={errs.color}>
          <input type="color" value={f.color} onChange={(e) => setF({ ...f, color: e.target.value })} />
        </Field>
        <Field label="Depot" error={errs.depotId}>
          <select value={f.depotId} onChange={(e) => setF({ ...f, depotId: e.target.value })}>
            <option value="">—</option>
            {(depots.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.code} · {d.name}
              </option>
            ))}
          </select>
        </Field>
      </fieldset>
      <p className="muted small">Add and remove members in the team list on the left; mark one as lead.</p>
      <FormError error={save.error} shown={['name', 'color', 'depotId']} />
    </SidePanel>
  );
}

// ---------------------------------------------------------------- people

const DEFAULT_SHIFT: WorkingHours = {
  mon: [['07:00', '15:30']],
  tue: [['07:00', '15:30']],
  wed: [['07:00', '15:30']],
  thu: [['07:00', '15:30']],
  fri: [['07:00', '15:30']],
};

function UserForm({ user, canEdit, teams, onClose }: { user: UserDto | null; canEdit: boolean; teams: TeamDto[]; onClose(): void }) {
  const toasts = useToasts();
  const session = useSession();
  const depots = useQuery(adminQueries.depots());
  const [f, setF] = useState({
    name: user?.name ?? '',
    email: user?.email ?? '',
    role: user?.role ?? 'technician',
    phone: user?.phone ?? '',
    homeDepotId: user?.homeDepotId ?? '',
    password: '',
  });
  const [shift, setShift] = useState<WorkingHours | null>(user ? user.shift : DEFAULT_SHIFT);
  const up = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const save = useWrite(
    ['users'],
    () => {
      const body = { name: f.name, role: f.role, phone: orNull(f.phone), homeDepotId: f.homeDepotId || null, shift };
      return user
        ? api.patch<UserDto>(`/users/${user.id}`, body, { ifMatch: user.version })
        : api.post<UserDto>('/users', { ...body, email: f.email, password: f.password || undefined });
    },
    (u) => {
      toasts.push({ kind: 'success', text: `${u.name} saved` });
      onClose();
    },
  );
  const setActive = useWrite(
    ['users'],
    (active: boolean) => api.patch<UserDto>(`/users/${user!.id}`, { active }, { ifMatch: user!.version }),
    (u) => {
      toasts.push({ kind: 'success', text: `${u.name} ${u.active ? 'reactivated' : 'deactivated and signed out everywhere'}` });
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  const readOnly = !canEdit;
  return (
    <SidePanel
      title={user ? user.name : 'New user'}
      onClose={onClose}
      testId="user-form"
      footer={
        canEdit && (
          <>
            {user && user.id !== session.user?.id && (
              <button
                style={{ marginRight: 'auto' }}
                disabled={setActive.isPending}
                onClick={() => setActive.mutate(!user.active, { onError: (e) => toasts.error(e) })}
                data-testid="user-toggle-active"
              >
                {user.active ? 'Deactivate' : 'Reactivate'}
              </button>
            )}
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)} data-testid="user-save">
              {user ? 'Save changes' : 'Create user'}
            </button>
          </>
        )
      }
    >
      <fieldset disabled={readOnly} className="adm-grid">
        <Field label="Name" error={errs.name} wide>
          <input value={f.name} onChange={up('name')} data-testid="user-name" />
        </Field>
        <Field label="E-mail" error={errs.email} wide>
          <input type="email" value={f.email} onChange={up('email')} disabled={Boolean(user)} data-testid="user-email" />
        </Field>
        <Field label="Role" error={errs.role}>
          <select value={f.role} onChange={up('role')} data-testid="user-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Phone" error={errs.phone}>
          <input value={f.phone} onChange={up('phone')} />
        </Field>
        <Field label="Home depot" error={errs.homeDepotId}>
          <select value={f.homeDepotId} onChange={up('homeDepotId')}>
            <option value="">—</option>
            {(depots.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.code} · {d.name}
              </option>
            ))}
          </select>
        </Field>
        {!user && (
          <Field
            label={f.role === 'technician' ? 'Initial password (optional: crews can pair a phone)' : 'Initial password'}
            error={errs.password}
          >
            <input type="password" autoComplete="new-password" value={f.password} onChange={up('password')} data-testid="user-password" />
          </Field>
        )}
        {user && (
          <Field label="Teams">
            <input value={teams.map((t) => t.name).join(', ') || '—'} readOnly disabled />
          </Field>
        )}
      </fieldset>
      <div>
        <h4>
          Weekly shift{' '}
          {canEdit && (
            <button className="link small" onClick={() => setShift(shift ? null : DEFAULT_SHIFT)} data-testid="shift-toggle">
              {shift ? 'clear (no shift)' : 'set a shift'}
            </button>
          )}
        </h4>
        {shift ? (
          <WeekEditor value={shift} onChange={setShift} errors={errs} prefix="shift" readOnly={readOnly} testId="shift-editor" />
        ) : (
          <div className="muted small">No shift: planning treats this person as available any time.</div>
        )}
      </div>
      {user && <UserSkills userId={user.id} canEdit={canEdit} />}
      {user && canEdit && <PasswordReset userId={user.id} hasPassword={user.hasPassword} />}
      {user && user.role === 'technician' && user.active && <PairPhone userId={user.id} userName={user.name} />}
      <FormError error={save.error ?? setActive.error} shown={['name', 'email', 'role', 'phone', 'homeDepotId', 'password', 'shift']} />
    </SidePanel>
  );
}

function UserSkills({ userId, canEdit }: { userId: string; canEdit: boolean }) {
  const toasts = useToasts();
  const detail = useQuery(adminQueries.userDetail(userId));
  const skills = useQuery(adminQueries.skills());
  const [pick, setPick] = useState('');
  const setLevel = useWrite(['user_skills'], (v: { skillId: string; level: number }) =>
    api.put(`/users/${userId}/skills/${v.skillId}`, { level: v.level }),
  );
  const offerUndo = useOfferUndo();
  const remove = useWrite(['user_skills'], (skillId: string) => api.delete(`/users/${userId}/skills/${skillId}`));
  const onError = { onError: (e: unknown) => toasts.error(e) };
  // Undo sets the skill again at its old level: the host brings the same row back.
  const removeSkill = (s: { skillId: string; name: string; level: number }) =>
    remove.mutate(s.skillId, {
      ...onError,
      onSuccess: () =>
        offerUndo({ done: `Skill ${s.name} removed`, undone: `Skill ${s.name} restored at level ${s.level}` }, ['user_skills'], () =>
          api.put(`/users/${userId}/skills/${s.skillId}`, { level: s.level }),
        ),
    });
  const has = detail.data?.skills ?? [];
  const candidates = useMemo(() => (skills.data ?? []).filter((s) => !has.some((h) => h.skillId === s.id)), [skills.data, has]);
  return (
    <div data-testid="user-skills">
      <h4>
        Skills{' '}
        <span className="muted small" style={{ textTransform: 'none', letterSpacing: 0 }}>
          level 1 (trainee) – 5 (expert)
        </span>
      </h4>
      <div className="adm-skills">
        {detail.isPending && <span className="muted small">Loading…</span>}
        {!detail.isPending && has.length === 0 && <span className="muted small">No skills recorded.</span>}
        {has.map((s) => (
          <div className="adm-skill" key={s.skillId} data-testid="user-skill">
            <span className="name">
              {s.name} <span className="muted small">{s.category}</span>
            </span>
            <span className="adm-levels">
              {[1, 2, 3, 4, 5].map((n) => (
                <button
                  key={n}
                  className={n <= s.level ? 'on' : ''}
                  disabled={!canEdit}
                  onClick={() => setLevel.mutate({ skillId: s.skillId, level: n }, onError)}
                  title={`Level ${n}`}
                >
                  {n}
                </button>
              ))}
            </span>
            {canEdit && (
              <button className="link" title="Remove skill" onClick={() => removeSkill(s)}>
                ✕
              </button>
            )}
          </div>
        ))}
        {canEdit && (
          <div className="adm-skill">
            <select value={pick} onChange={(e) => setPick(e.target.value)} style={{ flex: 1 }} aria-label="Add skill">
              <option value="">Add a skill…</option>
              {candidates.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <button
              disabled={!pick}
              onClick={() => setLevel.mutate({ skillId: pick, level: 1 }, { ...onError, onSuccess: () => setPick('') })}
            >
              Add
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function PasswordReset({ userId, hasPassword: hadPassword }: { userId: string; hasPassword: boolean }) {
  const toasts = useToasts();
  const [pw, setPw] = useState('');
  // The panel's user is the row it was opened from: after a first password it says so without reopening.
  const [hasPassword, setHasPassword] = useState(hadPassword);
  const reset = useWrite(
    ['sessions', 'users'],
    () => api.post(`/users/${userId}/password`, { password: pw }),
    () => {
      setPw('');
      setHasPassword(true);
      toasts.push({
        kind: 'success',
        text: hasPassword ? 'Password reset; the user was signed out everywhere' : 'Password set; they can sign in here now',
      });
    },
  );
  const errs = fieldErrors(reset.error);
  return (
    <div>
      <h4>{hasPassword ? 'Reset password' : 'Set a password'}</h4>
      {!hasPassword && (
        <p className="muted small" data-testid="no-password-note">
          {NO_PASSWORD}
        </p>
      )}
      <div style={{ display: 'flex', gap: 6, alignItems: 'flex-start' }}>
        <Field label="New password" error={errs.password ?? (reset.error && !errs.password ? (reset.error as Error).message : undefined)}>
          <input
            type="password"
            autoComplete="new-password"
            value={pw}
            onChange={(e) => setPw(e.target.value)}
            data-testid="reset-password"
          />
        </Field>
        <button
          style={{ marginTop: 18 }}
          disabled={!pw || reset.isPending}
          onClick={() => reset.mutate(undefined)}
          data-testid="reset-password-submit"
        >
          Reset
        </button>
      </div>
    </div>
  );
}

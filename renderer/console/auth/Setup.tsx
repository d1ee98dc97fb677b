import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../shared/api/client';
import { useSession } from '../../shared/api/session';
import { forgetSetupCode, storedSetupCode } from './setup-code';

type Mode = 'new' | 'join';

/**
 * First run: create the organization and its admin, or join an organization's hub with an enrolment
 * code a hub admin issued (the depot then starts from the organization's snapshot; docs/sync.md).
 * The demo depot is loaded with `npm run seed -- --demo` or the button below.
 */
export function Setup() {
  const session = useSession();
  const [mode, setMode] = useState<Mode>('new');
  const [form, setForm] = useState({
    hubUrl: '',
    enrolmentCode: '',
    depotName: '',
    depotCode: '',
    setupCode: storedSetupCode(),
    org: '',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    name: '',
    email: '',
    password: '',
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  // A stale code (the host restarted and printed a new one) brings the code field back, empty.
  const onError = (err: Error) => {
    if (err instanceof ApiError && err.code === 'setup_code_required') {
      forgetSetupCode();
      setForm((f) => ({ ...f, setupCode: '' }));
    }
  };
  const create = useMutation({
    onError,
    mutationFn: () =>
      api.post<{ token: string }>(
        '/setup',
        mode === 'new'
          ? {
              setupCode: form.setupCode.trim(),
              organization: { name: form.org, timeZone: form.timeZone },
              admin: { name: form.name, email: form.email, password: form.password },
            }
          : {
              setupCode: form.setupCode.trim(),
              // The hub names the organization; the depot's own name stands in for the required field.
              organization: { name: form.depotName, timeZone: form.timeZone },
              depot: { name: form.depotName, code: form.depotCode.trim().toUpperCase() },
              admin: { name: form.name, email: form.email, password: form.password },
              join: { hubUrl: form.hubUrl.trim(), code: form.enrolmentCode.trim() },
            },
      ),
    onSuccess: (r) => {
      forgetSetupCode();
      session.signIn(r.token);
    },
  });
  const demo = useMutation({
    onError,
    mutationFn: () =>
      api.post<{ token: string; logins: { role: string; email: string; password: string }[] }>('/setup/demo', {
        setupCode: form.setupCode.trim(),
      }),
    onSuccess: (r) => {
      forgetSetupCode();
      // The demo logins stay findable: the host prints them too, and README lists them.
      sessionStorage.setItem('depotdesk.demoLogins', JSON.stringify(r.logins));
      session.signIn(r.token);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const err = create.error instanceof ApiError ? create.error : demo.error instanceof ApiError ? demo.error : null;
  const busy = create.isPending || demo.isPending;
  return (
    <div className="auth-screen" data-testid="setup" data-state="ready">
      <form className="auth-card wide" onSubmit={submit}>
        <h1>Set up this depot</h1>
        <div className="segmented" role="radiogroup" aria-label="How to set up">
          <label>
            <input type="radio" name="mode" checked={mode === 'new'} onChange={() => setMode('new')} data-testid="setup-mode-new" />
            New organization
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'join'} onChange={() => setMode('join')} data-testid="setup-mode-join" />
            Join an organization&apos;s hub
          </label>
        </div>
        <p className="muted">
          {mode === 'new'
            ? 'This depot host is new. Create your organization and its first administrator.'
            : "Enter the hub's address and an enrolment code from your organization's hub admin. This depot takes the organization's data from the hub, then works on its own and stays in sync."}
        </p>
        {/* Filled from the address the host printed; shown only when the console was opened without it. */}
        {!storedSetupCode() && (
          <label>
            Setup code{' '}
            <span className="muted small">
              (printed by the depot host when it started, after <code>#setup=</code>)
            </span>
            <input
              value={form.setupCode}
              onChange={set('setupCode')}
              required
              autoComplete="off"
              spellCheck={false}
              data-testid="setup-code"
            />
          </label>
        )}
        {mode === 'new' ? (
          <label>
            Organization
            <input value={form.org} onChange={set('org')} required data-testid="setup-org" />
          </label>
        ) : (
          <>
            <label>
              Hub address
              <input
                type="url"
                value={form.hubUrl}
                onChange={set('hubUrl')}
                placeholder="https://hub.example.org"
                required
                data-testid="setup-hub-url"
              />
            </label>
            <label>
              Enrolment code
              <input
                value={form.enrolmentCode}
                onChange={set('enrolmentCode')}
                required
                autoComplete="off"
                spellCheck={false}
                data-testid="setup-enrolment-code"
              />
            </label>
            <label>
              Depot name
              <input value={form.depotName} onChange={set('depotName')} required data-testid="setup-depot-name" />
            </label>
            <label>
              Depot code{' '}
              <span className="muted small">
                (on this depot&apos;s work-order numbers; different from the organization&apos;s other depots)
              </span>
              <input
                value={form.depotCode}
                onChange={set('depotCode')}
                required
                maxLength={20}
                pattern="[A-Za-z0-9-]+"
                data-testid="setup-depot-code"
              />
            </label>
          </>
        )}
        <label>
          Time zone
          <input value={form.timeZone} onChange={set('timeZone')} required />
        </label>
        <label>
          Your name
          <input value={form.name} onChange={set('name')} required data-testid="setup-name" />
        </label>
        <label>
          E-mail
          <input type="email" value={form.email} onChange={set('email')} required data-testid="setup-email" />
        </label>
        <label>
          Password (10+ characters)
          <input type="password" minLength={10} value={form.password} onChange={set('password')} required data-testid="setup-password" />
        </label>
        {err && (
          <div className="form-error" role="alert">
            {err.message}
            {err.errors.map((f) => (
              <div key={f.field}>
                {f.field}: {f.message}
              </div>
            ))}
          </div>
        )}
        <button className="primary" type="submit" disabled={busy} data-testid="setup-submit">
          {mode === 'new' ? 'Create organization' : create.isPending ? 'Joining…' : 'Join the organization'}
        </button>
        {mode === 'join' ? null : <div className="auth-or">or</div>}
        {mode === 'join' ? null : (
          <>
            <button type="button" disabled={busy} onClick={() => demo.mutate()} data-testid="setup-demo">
              {demo.isPending ? 'Loading the demo depot…' : 'Load the demo depot (Bristol & Bath, sample data)'}
            </button>
            {demo.isPending ? <DemoProgress /> : null}
            <p className="muted small" data-testid="demo-logins">
              The demo depot signs you in as its admin. Its other logins:
            </p>
            <ul className="muted small demo-logins">
              {DEMO_LOGINS.map(([role, email, password]) => (
                <li key={role}>
                  {role}: <code>{email}</code> / <code>{password}</code>
                </li>
              ))}
            </ul>
          </>
        )}
      </form>
    </div>
  );
}

/** The demo's logins (server/seed/catalog-people.ts); technicians sign in on the crew view. */
const DEMO_LOGINS: [string, string, string][] = [
  ['Dispatcher', 'dispatcher@avonvale.example', 'demo-dispatch-2026'],
  ['Supervisor', 'supervisor@avonvale.example', 'demo-supervisor-2026'],
  ['Technician (crew view, /crew/ on the LAN)', 'technician@avonvale.example', 'demo-tech-2026'],
  ['Viewer', 'viewer@avonvale.example', 'demo-viewer-2026'],
  ['Admin', 'admin@avonvale.example', 'demo-admin-2026'],
];

interface SeedProgress {
  running: boolean;
  done: number;
  total: number;
  elapsedMs: number;
}

/** While the demo loads (15 s idle, over a minute on a busy machine): how far it is, so an unchanged card never looks stuck. */
function DemoProgress() {
  const q = useQuery({
    queryKey: ['setup-demo-progress'],
    queryFn: () => api.get<SeedProgress>('/setup/demo/progress'),
    refetchInterval: 1000,
  });
  const p = q.data;
  const seconds = p ? Math.round(p.elapsedMs / 1000) : 0;
  const share = p && p.total > 0 ? p.done / p.total : null;
  return (
    <div className="demo-progress" data-testid="demo-progress" data-done={p?.done ?? 0} data-total={p?.total ?? 0}>
      <progress max={1} value={share ?? undefined} />
      <span className="muted small">
        {share === null ? 'Building the catalog: places, people, assets' : `${Math.floor(share * 100)} % of the work orders' history`} ·{' '}
        {seconds} s
      </span>
    </div>
  );
}

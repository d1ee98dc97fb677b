import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, ApiError } from '../../shared/api/client';
import { useSession } from '../../shared/api/session';
import { forgetSetupCode, storedSetupCode } from './setup-code';

/** First run: create the organization and its admin (the demo depot is loaded with `npm run seed -- --demo`). */
export function Setup() {
  const session = useSession();
  const [form, setForm] = useState({
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
      api.post<{ token: string }>('/setup', {
        setupCode: form.setupCode.trim(),
        organization: { name: form.org, timeZone: form.timeZone },
        admin: { name: form.name, email: form.email, password: form.password },
      }),
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
        <p className="muted">This depot host is new. Create your organization and its first administrator.</p>
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
        <label>
          Organization
          <input value={form.org} onChange={set('org')} required data-testid="setup-org" />
        </label>
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
          Create organization
        </button>
        <div className="auth-or">or</div>
        <button type="button" disabled={busy} onClick={() => demo.mutate()} data-testid="setup-demo">
          {demo.isPending ? 'Loading the demo depot… (about half a minute)' : 'Load the demo depot (Bristol & Bath, sample data)'}
        </button>
        <p className="muted small">
          The demo depot signs you in as its admin; other demo logins (dispatcher, supervisor, viewer) use the same pattern:{' '}
          <code>dispatcher@avonvale.example</code> / <code>demo-dispatch-2026</code>.
        </p>
      </form>
    </div>
  );
}

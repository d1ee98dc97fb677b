import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { LoginAnswer } from '../../../server/hub/accounts/contract';
import { ApiError } from '../../shared/api/errors';
import { hub } from '../api/client';
import { useSession } from './session';

/** What a refused sign-in means to the person at the keyboard. */
function reason(err: Error): string {
  if (!(err instanceof ApiError)) return 'Sign-in failed. Try again.';
  if (err.status === 401) return 'The e-mail or password is wrong, or the account is disabled.';
  // 429 and the rest: the hub's own words say what to do (e.g. "wait a minute").
  return err.message;
}

export function SignIn() {
  const session = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => hub.post('/auth/login', { email: email.trim(), password }, LoginAnswer),
    onSuccess: (answer) => session.signedIn(answer),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <main className="auth-screen" data-testid="sign-in" data-state="ready">
      <form className="auth-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">DepotDesk</h1>
        <p className="muted org-auth-sub">Managers' console: every depot of your organization</p>
        {session.notice && !login.error && (
          <div className="org-notice" role="status" data-testid="sign-in-notice">
            {session.notice}
          </div>
        )}
        <label>
          E-mail
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            autoFocus
            data-testid="email"
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            data-testid="password"
          />
        </label>
        {login.error && (
          <div className="form-error" role="alert" data-testid="sign-in-error">
            {reason(login.error)}
          </div>
        )}
        <button className="primary" type="submit" disabled={login.isPending} data-testid="sign-in-submit">
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../shared/api/client';
import { useSession } from '../../shared/api/session';
import { Setup } from './Setup';

interface LoginResponse {
  token: string;
}

/** Sign-in, or first-run setup when the host has no organization yet. */
export function SignIn() {
  const session = useSession();
  const setup = useQuery({ queryKey: ['organizations', 'setup'], queryFn: () => api.get<{ needed: boolean }>('/setup') });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(true);
  const login = useMutation({
    mutationFn: () => api.post<LoginResponse>('/auth/login', { email, password }),
    onSuccess: (r) => session.signIn(r.token, remember),
  });

  if (setup.data?.needed) return <Setup />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  const message = login.error instanceof ApiError ? login.error.message : login.error ? 'Sign-in failed.' : null;
  return (
    <div className="auth-screen" data-testid="sign-in" data-state={setup.isPending ? 'loading' : 'ready'}>
      <form className="auth-card" onSubmit={submit}>
        <h1>DepotDesk</h1>
        <p className="muted">Sign in to the depot console</p>
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
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Keep me signed in on this computer
        </label>
        {message && (
          <div className="form-error" role="alert">
            {message}
          </div>
        )}
        <button className="primary" type="submit" disabled={login.isPending} data-testid="sign-in-submit">
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}

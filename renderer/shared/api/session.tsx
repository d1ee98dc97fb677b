import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, getToken, onUnauthorized, setToken } from './client';

export interface SessionUser {
  id: string;
  orgId: string;
  email: string;
  name: string;
  role: 'admin' | 'dispatcher' | 'supervisor' | 'technician' | 'viewer';
  permissions: string[];
  teamIds: string[];
  /** The depot whose locale and zone every date and number is shown in (absent from older hosts). */
  depot?: { depotId: string | null; timeZone: string; locale: string };
}

interface SessionValue {
  token: string | null;
  user: SessionUser | null;
  loading: boolean;
  signIn(token: string, remember?: boolean): void;
  signOut(): Promise<void>;
  can(permission: string): boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setTokenState] = useState<string | null>(getToken());
  const me = useQuery({
    queryKey: ['sessions', 'me', token],
    queryFn: () => api.get<SessionUser>('/auth/me'),
    enabled: Boolean(token),
    retry: false,
    staleTime: 60_000,
  });

  const signIn = useCallback((next: string, remember = true) => {
    setToken(next, remember);
    setTokenState(next);
  }, []);
  const signOut = useCallback(async () => {
    // Forget the token first, so nothing still polling or reconnecting uses it after the host has
    // ended the session (each such call was a 401 in the browser's console); then end it on the host.
    const old = getToken();
    setToken(null);
    setTokenState(null);
    queryClient.clear();
    if (!old) return;
    try {
      await api.post('/auth/logout', undefined, { token: old });
    } catch {
      /* the token may already be dead; signing out locally is what matters */
    }
  }, [queryClient]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setToken(null);
        setTokenState(null);
      }),
    [],
  );

  const value = useMemo<SessionValue>(
    () => ({
      token,
      user: me.data ?? null,
      loading: Boolean(token) && me.isPending,
      signIn,
      signOut,
      can: (p) => Boolean(me.data?.permissions.includes(p)),
    }),
    [token, me.data, me.isPending, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

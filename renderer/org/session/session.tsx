import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { MeAnswer, type LoginAnswer } from '../../../server/hub/accounts/contract';
import { getHubToken, hub, onHubUnauthorized, setHubToken } from '../api/client';

interface SessionValue {
  token: string | null;
  me: MeAnswer | null;
  /** Signed in, waiting for who we are. */
  loading: boolean;
  /** /auth/me failed for a reason other than the token (hub unreachable): the shell offers a retry. */
  meError: Error | null;
  retryMe(): void;
  /** Why the last session ended without the manager signing out (expired, revoked); shown on sign-in. */
  notice: string | null;
  signedIn(answer: LoginAnswer): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** setTimeout takes at most 2^31-1 ms (~24.8 days); a longer session is re-armed when the page is reloaded. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setTokenState] = useState<string | null>(getHubToken);
  const [notice, setNotice] = useState<string | null>(null);
  const me = useQuery({
    queryKey: ['me', token],
    queryFn: () => hub.get('/auth/me', MeAnswer),
    enabled: Boolean(token),
    retry: false,
    staleTime: 60_000,
  });

  /** Ends the session here: no token, no cached figures left for whoever signs in next. */
  const end = useCallback(
    (why: string | null) => {
      setHubToken(null);
      setTokenState(null);
      setNotice(why);
      queryClient.clear();
    },
    [queryClient],
  );

  useEffect(() => onHubUnauthorized(() => end('Your session has ended (it expired or was revoked). Sign in again.')), [end]);

  // Expiry is known in advance: sign-in comes back by itself rather than on the next failed click.
  const expiresAt = me.data?.expiresAt;
  useEffect(() => {
    if (!expiresAt) return;
    const ms = Date.parse(expiresAt) - Date.now();
    if (ms > MAX_TIMER_MS) return;
    const timer = setTimeout(() => end('Your session expired. Sign in again.'), Math.max(0, ms));
    return () => clearTimeout(timer);
  }, [expiresAt, end]);

  const signedIn = useCallback((answer: LoginAnswer) => {
    setHubToken(answer.token);
    setTokenState(answer.token);
    setNotice(null);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await hub.run('POST', '/auth/logout');
    } catch {
      // The token may already be dead; what matters is that this browser forgets it.
    }
    end(null);
  }, [end]);

  const value = useMemo<SessionValue>(
    () => ({
      token,
      me: me.data ?? null,
      loading: Boolean(token) && me.isPending,
      meError: me.error,
      retryMe: () => void me.refetch(),
      notice,
      signedIn,
      signOut,
    }),
    [token, me, notice, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The signed-in account; only for views the shell renders once it is known. */
export function useMe(): MeAnswer {
  const { me } = useSession();
  if (!me) throw new Error('useMe before the account is known');
  return me;
}

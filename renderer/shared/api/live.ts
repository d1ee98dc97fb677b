import { useEffect, useState } from 'react';
import type { QueryClient } from '@tanstack/react-query';

export type LiveState = 'connecting' | 'live' | 'offline';

export interface LiveMessage {
  type: string;
  orgId: string;
  data: { tables?: string[]; changes?: { table: string; id: string; op: string }[]; [k: string]: unknown };
  at: string;
}

type Listener = (m: LiveMessage) => void;
const listeners = new Set<Listener>();

/** Features that need the raw stream (toasts, live countdowns) subscribe here; most only need invalidation. */
export function onLiveMessage(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * STYLE 12: the socket notifies, the query fetches. Every query key starts with the table it
 * reads, so a change message invalidates exactly the queries over the tables that changed.
 */
export function useLiveUpdates(queryClient: QueryClient, token: string | null): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (!token) return;
    let socket: WebSocket | null = null;
    let retry = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    const connect = () => {
      setState('connecting');
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      socket = new WebSocket(url, [`depotdesk.bearer.${token}`]);
      socket.onopen = () => {
        retry = 0;
        setState('live');
        // Anything may have changed while we were away.
        void queryClient.invalidateQueries();
      };
      socket.onmessage = (event) => {
        const message = JSON.parse(String(event.data)) as LiveMessage;
        for (const table of message.data.tables ?? []) void queryClient.invalidateQueries({ queryKey: [table] });
        for (const l of listeners) l(message);
      };
      socket.onclose = () => {
        if (closed) return;
        setState('offline');
        retry += 1;
        timer = setTimeout(connect, Math.min(30_000, 500 * 2 ** retry));
      };
    };
    connect();
    // When the network comes back (a phone walking back into Wi-Fi), retry now instead of waiting
    // out the backoff, which may be 30 s by then.
    const onOnline = () => {
      if (closed || socket?.readyState === WebSocket.OPEN || socket?.readyState === WebSocket.CONNECTING) return;
      clearTimeout(timer);
      retry = 0;
      connect();
    };
    window.addEventListener('online', onOnline);
    return () => {
      closed = true;
      clearTimeout(timer);
      window.removeEventListener('online', onOnline);
      socket?.close();
    };
  }, [queryClient, token]);
  return state;
}

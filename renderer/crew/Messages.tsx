import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../shared/api/session';

import { fieldQueries } from '../shared/work-orders/field-queries';
import { crewActions } from './actions';
import type { OutboxAction } from './offline/types';
import { ofKind } from './pending';
import { PendingMark, Refused } from './proof-ui';
import { useDepotFormat } from '../shared/locale/context';

/**
 * The thread with the dispatcher: oldest first, newest at the bottom, the composer under it. Live:
 * the socket invalidates ['work_order_messages', id] when either side writes.
 */
export function Messages({ workOrderId, pending }: { workOrderId: string; pending: OutboxAction[] }) {
  const fmt = useDepotFormat();
  const session = useSession();
  const thread = useQuery(fieldQueries.messages(workOrderId));
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const end = useRef<HTMLDivElement>(null);
  const items = thread.data?.items ?? [];
  const queued = ofKind(pending, 'message');
  const count = items.length + queued.length;
  const first = useRef(true);
  useEffect(() => {
    // Keep the newest message in view as the thread grows (not on the first render: the page opens at its top).
    if (first.current) {
      first.current = false;
      return;
    }
    end.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [count]);

  const send = async () => {
    const body = draft.trim();
    if (!body) return;
    setError(null);
    try {
      await crewActions.message(workOrderId, body);
      setDraft('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section className="crew-block" data-testid="crew-messages" data-state={thread.isSuccess ? 'ready' : 'loading'}>
      <div className="crew-label">Messages with dispatch</div>
      {thread.isError && <p className="small muted">{thread.error.message}</p>}
      <ol className="cp-thread">
        {items.map((m) => {
          const mine = m.authorId === session.user?.id;
          return (
            <li key={m.id} className={mine ? 'mine' : 'theirs'} data-testid="crew-message" data-mine={mine ? 'yes' : 'no'}>
              <p>{m.body}</p>
              <span className="cp-meta">
                {mine ? 'You' : (m.authorName ?? 'Dispatch')} · {fmt.dateTime(m.writtenAt)}
              </span>
            </li>
          );
        })}
        {queued.map((a) => (
          <li key={a.id} className="mine pending" data-testid="crew-message-pending">
            <p>{String(a.preview.body ?? '')}</p>
            <span className="cp-meta">
              <PendingMark action={a} />
            </span>
            <Refused action={a} />
          </li>
        ))}
        {thread.isSuccess && !count && <li className="cp-empty small muted">No messages. Write to dispatch here.</li>}
      </ol>
      <div ref={end} />
      {error && (
        <p role="alert" className="crew-error">
          {error}
        </p>
      )}
      <form
        className="cp-compose"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <textarea
          data-testid="crew-message-input"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          rows={2}
          maxLength={2000}
          placeholder="Message to dispatch"
          aria-label="Message"
        />
        <button type="submit" className="crew-btn primary" disabled={!draft.trim()} data-testid="crew-message-send">
          Send
        </button>
      </form>
    </section>
  );
}

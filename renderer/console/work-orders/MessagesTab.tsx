import { useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../../shared/api/session';
import { useToasts } from '../shell/toasts';
import { fieldQueries, fieldWrites } from '../../shared/work-orders/field-queries';

import type { WorkOrderDto } from '../../shared/work-orders/queries';
import './field.css';
import { useDepotFormat } from '../../shared/locale/context';

/**
 * The work order's thread between the crew and dispatch: oldest first, newest at the bottom, a
 * composer under it. Live both ways: a message from either side names `work_order_messages` in its
 * change message and every open thread refetches.
 */
export function MessagesTab({ wo }: { wo: WorkOrderDto }) {
  const fmt = useDepotFormat();
  const session = useSession();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const thread = useQuery(fieldQueries.messages(wo.id));
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const items = thread.data?.items ?? [];
  const canWrite = session.can('workorder:field');

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [items.length]);

  const send = async () => {
    const body = draft.trim();
    if (!body) return;
    setBusy(true);
    try {
      await fieldWrites.message(wo.id, body);
      setDraft('');
      void queryClient.invalidateQueries({ queryKey: fieldQueries.messages(wo.id).queryKey });
    } catch (err) {
      toasts.error(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="wo-tab fx-messages" data-testid="wo-messages" data-state={thread.isSuccess ? 'ready' : 'loading'}>
      {thread.isError && <div className="form-error">{thread.error.message}</div>}
      <ol className="fx-thread" ref={list}>
        {items.map((m) => {
          const crew = m.authorRole === 'technician';
          const late = Date.parse(m.createdAt) - Date.parse(m.writtenAt) > 120_000;
          return (
            <li key={m.id} className={crew ? 'crew' : 'desk'} data-testid="wo-message" data-role={m.authorRole ?? ''}>
              <div className="fx-msg-head">
                <b>{m.authorName ?? 'Someone'}</b>
                <span className="muted">{crew ? 'crew' : (m.authorRole ?? '')}</span>
                <span className="spacer" />
                <time
                  dateTime={m.writtenAt}
                  title={
                    late ? `Written ${fmt.dateTime(m.writtenAt)}, received ${fmt.dateTime(m.createdAt)} (the phone was offline)` : undefined
                  }
                >
                  {fmt.dateTime(m.writtenAt)}
                  {late ? ' ⧗' : ''}
                </time>
              </div>
              <p>{m.body}</p>
            </li>
          );
        })}
        {thread.isSuccess && !items.length && (
          <li className="fx-empty muted">No messages yet. Write to the crew below; they see it on their phone at once.</li>
        )}
      </ol>
      {canWrite && (
        <form
          className="fx-compose"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <textarea
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              // Enter sends, Shift+Enter is a new line (chat habit).
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void send();
              }
            }}
            rows={2}
            maxLength={2000}
            placeholder="Message to the crew (Enter sends, Shift+Enter new line)"
            aria-label="Message to the crew"
            data-testid="wo-message-input"
          />
          <button type="submit" className="primary" disabled={busy || !draft.trim()} data-testid="wo-message-send">
            Send
          </button>
        </form>
      )}
    </div>
  );
}

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';

import { notesOf, type NoteData } from '../shared/work-orders/field-queries';
import { crewActions } from './actions';
import type { OutboxAction } from './offline/types';
import { ofKind } from './pending';
import { PendingMark, Refused } from './proof-ui';
import { crewQueries } from './queries';
import { useDepotFormat } from '../shared/locale/context';

/** Notes on the work order: the timeline's `note` events (dispatchers' internal ones are not the crew's). */
export function Notes({ workOrderId, pending }: { workOrderId: string; pending: OutboxAction[] }) {
  const fmt = useDepotFormat();
  const events = useQuery(crewQueries.events(workOrderId));
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const notes = notesOf(events.data?.items).filter((e) => !(e.data as NoteData).internal);
  const queued = ofKind(pending, 'note');
  const add = async () => {
    const body = draft.trim();
    if (!body) return;
    setError(null);
    try {
      await crewActions.note(workOrderId, body);
      setDraft('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section className="crew-block" data-testid="crew-notes">
      <div className="crew-label">Notes</div>
      <ul className="cp-notes">
        {notes.map((e) => (
          <li key={e.id} data-testid="crew-note">
            <p>{(e.data as NoteData).body}</p>
            <span className="small muted">
              {e.actorName ?? ''} · {fmt.dateTime(e.at)}
            </span>
          </li>
        ))}
        {queued.map((a) => (
          <li key={a.id} data-testid="crew-note-pending">
            <p>{String(a.preview.body ?? '')}</p>
            <PendingMark action={a} />
            <Refused action={a} />
          </li>
        ))}
        {!notes.length && !queued.length && <li className="muted small">No notes yet.</li>}
      </ul>
      {error && (
        <p role="alert" className="crew-error">
          {error}
        </p>
      )}
      <form
        className="cp-compose"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <textarea
          data-testid="crew-note-input"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          rows={2}
          maxLength={2000}
          placeholder="What did you find, what did you do?"
          aria-label="Note"
        />
        <button type="submit" className="crew-btn" disabled={!draft.trim()} data-testid="crew-note-add">
          Add note
        </button>
      </form>
    </section>
  );
}

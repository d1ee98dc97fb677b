import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CrewSuggestions as Suggestions } from '../../../server/optimise/contract';
import { api } from '../../shared/api/client';
import { useDepotFormat } from '../../shared/locale/context';
import { workOrderQueries, type WorkOrderDto } from '../../shared/work-orders/queries';
import { useToasts } from '../shell/toasts';
import { workOrderWrites } from './form-queries';

const suggestionsQuery = (id: string) => ({
  queryKey: ['work_orders', 'crew-suggestions', id],
  queryFn: () => api.get<Suggestions>(`/work-orders/${id}/crew-suggestions`),
  staleTime: 30_000,
});

/**
 * Best crews for new or scheduled work (issue 19 item 2): the host ranks every crew that may do it by
 * the earliest slot each has without moving the plan (driving, SLA, waiting), with its reasons.
 * Fetched when opened: each answer schedules every crew.
 */
export function CrewSuggestions({ wo }: { wo: WorkOrderDto }) {
  const [open, setOpen] = useState(false);
  const fmt = useDepotFormat();
  const toasts = useToasts();
  const qc = useQueryClient();
  const [saving, setSaving] = useState<string | null>(null);
  const list = useQuery({ ...suggestionsQuery(wo.id), enabled: open });
  const assign = async (userId: string, start: string, end: string) => {
    setSaving(userId);
    try {
      const saved = await workOrderWrites.assign(wo.id, wo.version, { assigneeId: userId, plannedStart: start, plannedEnd: end });
      qc.setQueryData(workOrderQueries.detail(wo.id).queryKey, saved);
      void qc.invalidateQueries({ queryKey: suggestionsQuery(wo.id).queryKey });
      toasts.push({ kind: 'success', text: `${wo.number} planned for ${fmt.dateTime(start)}` });
    } catch (err) {
      toasts.error(err);
    } finally {
      setSaving(null);
    }
  };
  return (
    <details className="wo-suggest" data-testid="crew-suggestions" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Best crews for this work</summary>
      {list.isPending && open && <p className="muted">Looking at every crew's day…</p>}
      {list.error && (
        <p className="muted" role="alert">
          {list.error.message}
        </p>
      )}
      {list.data && (
        <ol data-state="ready">
          {list.data.suggestions.map((s) => (
            <li key={s.userId} data-testid="crew-suggestion" data-user-id={s.userId}>
              <div className="wo-suggest-head">
                <b>{s.name}</b> <span className="muted">from {fmt.dateTime(s.start)}</span>
                <button type="button" disabled={saving !== null} onClick={() => void assign(s.userId, s.start, s.end)}>
                  {saving === s.userId ? 'Planning…' : 'Plan it'}
                </button>
              </div>
              <ul className="small muted">
                {s.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </li>
          ))}
          {list.data.suggestions.length === 0 && <li className="muted">No crew has the skills and a free slot in the next three days.</li>}
        </ol>
      )}
      {list.data && (list.data.ineligible > 0 || list.data.noSlot > 0) && (
        <p className="small muted">
          Left out: {list.data.ineligible} without the skills or the team, {list.data.noSlot} with no free slot.
        </p>
      )}
    </details>
  );
}

import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../../shared/api/session';
import { useToasts } from '../shell/toasts';
import { createShareLink, revokeShareLink, shareQueries, type CreatedShareLinkDto } from './queries';
import './share.css';
import { useDepotFormat } from '../../shared/locale/context';
import { DateField } from '../../shared/locale/DateField';

const DAY = 86_400_000;
const PRESETS = [
  { label: '1 day', days: 1 },
  { label: '1 week', days: 7 },
  { label: '30 days', days: 30 },
];

/** "Share" in the work-order drawer: a button that opens the share-link dialog (needs workorder:update). */
export function ShareButton({ wo }: { wo: { id: string; number: string } }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  if (!session.can('workorder:update')) return null;
  return (
    <>
      <button className="small" onClick={() => setOpen(true)} data-testid="wo-share">
        Share
      </button>
      {open && <ShareDialog wo={wo} onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * Makes read-only status links for a customer: expiry (preset or date), optional password, copy;
 * lists the work order's links with their open counts and revokes them. The full link is shown only
 * right after it is made (the host keeps only a hash of the code).
 */
function ShareDialog({ wo, onClose }: { wo: { id: string; number: string }; onClose(): void }) {
  const fmt = useDepotFormat();
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const links = useQuery(shareQueries.list(wo.id));
  const [days, setDays] = useState(7);
  const [date, setDate] = useState('');
  const [password, setPassword] = useState('');
  const [made, setMade] = useState<CreatedShareLinkDto | null>(null);
  const [copied, setCopied] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['share_links', wo.id] });
  const url = made ? `${location.origin}${made.url}` : '';

  const create = async () => {
    try {
      // A day picked means the end of that day at the depot (the link works through it), not in the browser's zone.
      const endOfDay = date ? fmt.instant(date, '23:59') : null;
      const expiresAt = new Date(endOfDay !== null ? endOfDay + 59_000 : Date.now() + days * DAY).toISOString();
      setMade(await createShareLink(wo.id, { expiresAt, ...(password ? { password } : {}) }));
      setCopied(false);
      setPassword('');
      await refresh();
    } catch (err) {
      toasts.error(err);
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // Clipboard refused (permissions): the link is selectable in the field instead.
      setCopied(false);
    }
  };
  const revoke = async (id: string) => {
    try {
      await revokeShareLink(id);
      await refresh();
    } catch (err) {
      toasts.error(err);
    }
  };

  return (
    <div className="share-backdrop" onClick={onClose}>
      <div
        className="share-dialog"
        role="dialog"
        aria-label={`Share ${wo.number}`}
        data-testid="share-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <header>
          <h3>Share {wo.number} with a customer</h3>
          <button className="wo-close" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <p className="muted small">
          A read-only page with the status, the service target and the timeline (no internal notes), and the jobcard PDF.
        </p>
        <form onSubmit={(e) => (e.preventDefault(), void create())} className="share-form">
          <fieldset>
            <legend>Expires</legend>
            {PRESETS.map((p) => (
              <label key={p.days}>
                <input type="radio" name="exp" checked={!date && days === p.days} onChange={() => (setDays(p.days), setDate(''))} />{' '}
                {p.label}
              </label>
            ))}
            <label>
              or on <DateField value={date} min={fmt.dayKey(Date.now() + DAY)} onChange={setDate} data-testid="share-date" />
            </label>
          </fieldset>
          <label>
            Password (optional){' '}
            <input
              type="text"
              autoComplete="off"
              minLength={4}
              maxLength={200}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="share-password"
            />
          </label>
          <button type="submit" className="primary" data-testid="share-create">
            Make link
          </button>
        </form>
        {made && (
          <div className="share-made" data-testid="share-made">
            <input readOnly value={url} onFocus={(e) => e.currentTarget.select()} data-testid="share-url" />
            <button onClick={() => void copy()} data-testid="share-copy">
              {copied ? 'Copied' : 'Copy link'}
            </button>
            <div className="muted small">Copy it now: for safety the full link is not shown again.</div>
          </div>
        )}
        <h4>Links</h4>
        <table className="share-links" data-testid="share-links">
          <thead>
            <tr>
              <th>Link</th>
              <th>Expires</th>
              <th>Opens</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(links.data ?? []).map((l) => (
              <tr key={l.id} data-testid="share-link-row" data-state={l.state}>
                <td>
                  <code>/s/{l.codeHint}…</code>
                  {l.hasPassword && <span className="muted small"> · password</span>}
                </td>
                <td>{fmt.dateTimeFull(l.expiresAt)}</td>
                <td data-testid="share-opens">{l.opens}</td>
                <td>{l.state}</td>
                <td>
                  {l.state === 'active' && (
                    <button className="link small danger" onClick={() => void revoke(l.id)} data-testid="share-revoke">
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {links.data?.length === 0 && (
              <tr>
                <td colSpan={5} className="muted small">
                  No links yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { LiveState } from '../../shared/api/live';

import { workOrderQueries } from '../../shared/work-orders/queries';
import { crewQueries } from '../queries';
import { outbox } from './outbox';
import { useOnline, useOutbox } from './useOutbox';
import type { OutboxAction } from './types';
import './offline.css';
import { useDepotFormat } from '../../shared/locale/context';

type Net = 'online' | 'offline' | 'connecting';

/**
 * The browser knows for sure only when there is no network at all; with a network, the socket
 * being up means the depot answers. A socket still waiting to reconnect is "connecting", not
 * "offline": the outbox may well be getting through meanwhile.
 */
function netState(online: boolean, live: LiveState): Net {
  if (!online) return 'offline';
  return live === 'live' ? 'online' : 'connecting';
}

/** "AVM-000123" (or an older "WO-000123") if the phone knows the work order, else nothing (the label says what it was). */
function useNumberOf(): (id: string) => string | null {
  const queryClient = useQueryClient();
  return (id) => {
    const one = queryClient.getQueryData(workOrderQueries.detail(id).queryKey);
    if (one) return one.number;
    const mine = queryClient.getQueryData(crewQueries.myWork().queryKey);
    return mine?.find((w) => w.id === id)?.number ?? null;
  };
}

/** Someone else's queued action on this phone: only they can send it (by pairing the phone as themselves). */
function HeldRow({ action, number }: { action: OutboxAction; number: string | null }) {
  const fmt = useDepotFormat();
  const [confirming, setConfirming] = useState(false);
  const who = action.userName || 'someone else';
  return (
    <li className="crew-ob-item ob-held" data-testid={`crew-outbox-${action.id}`} data-state="held" data-kind={action.kind}>
      <div className="crew-card-row">
        <span className="crew-strong">{action.label}</span>
        <span className="small muted">{fmt.dateTime(action.createdAt)}</span>
      </div>
      <div className="small muted" data-testid="crew-outbox-held">
        {number ?? 'Work order'} · queued by {who} — pair as them to send, or discard
      </div>
      {confirming ? (
        <div className="crew-row-buttons">
          <span className="small crew-ob-ask">Discard {who}&apos;s action? It will not reach the depot.</span>
          <button type="button" className="crew-btn" onClick={() => setConfirming(false)}>
            Keep
          </button>
          <button
            type="button"
            className="crew-btn danger"
            data-testid="crew-outbox-discard-confirm"
            onClick={() => void outbox.discard(action.id)}
          >
            Discard
          </button>
        </div>
      ) : (
        <div className="crew-row-buttons">
          <button type="button" className="crew-btn danger" data-testid="crew-outbox-discard" onClick={() => setConfirming(true)}>
            Discard
          </button>
        </div>
      )}
    </li>
  );
}

function ActionRow({ action, number, offline }: { action: OutboxAction; number: string | null; offline: boolean }) {
  const fmt = useDepotFormat();
  const [confirming, setConfirming] = useState(false);
  const refused = action.state === 'refused';
  if (action.state === 'held') return <HeldRow action={action} number={number} />;
  return (
    <li
      className={`crew-ob-item ob-${action.state}`}
      data-testid={`crew-outbox-${action.id}`}
      data-state={action.state}
      data-kind={action.kind}
    >
      <div className="crew-card-row">
        <span className="crew-strong">{action.label}</span>
        <span className="small muted">{fmt.dateTime(action.createdAt)}</span>
      </div>
      <div className="small muted">
        {number ?? 'Work order'} ·{' '}
        {action.state === 'sending'
          ? 'sending…'
          : refused
            ? 'not accepted by the depot'
            : action.attempts
              ? `waiting (tried ${action.attempts}×)`
              : 'waiting to send'}
      </div>
      {action.lastError && (
        <div className={refused ? 'crew-error small' : 'small muted'} data-testid="crew-outbox-error">
          {action.lastError}
        </div>
      )}
      {action.state !== 'sending' &&
        (confirming ? (
          <div className="crew-row-buttons">
            <span className="small crew-ob-ask">Discard this action? It will not reach the depot.</span>
            <button type="button" className="crew-btn" onClick={() => setConfirming(false)}>
              Keep
            </button>
            <button
              type="button"
              className="crew-btn danger"
              data-testid="crew-outbox-discard-confirm"
              onClick={() => void outbox.discard(action.id)}
            >
              Discard
            </button>
          </div>
        ) : (
          <div className="crew-row-buttons">
            {/* "Send now" with no network would only fail again; a refusal may be retried any time (it queues). */}
            {(refused || !offline) && (
              <button type="button" className="crew-btn" data-testid="crew-outbox-retry" onClick={() => void outbox.retry(action.id)}>
                {refused ? 'Retry' : 'Send now'}
              </button>
            )}
            <button
              type="button"
              className="crew-btn danger"
              data-testid="crew-outbox-discard"
              // A refused action is already dead; a waiting one may still matter, so ask first.
              onClick={() => (refused ? void outbox.discard(action.id) : setConfirming(true))}
            >
              Discard
            </button>
          </div>
        ))}
    </li>
  );
}

/**
 * The crew header's outbox badge: how many actions have not reached the depot yet, whether the
 * phone can reach it, and (tapped) the list with Retry / Discard.
 */
export function PendingIndicator({ live }: { live: LiveState }) {
  const actions = useOutbox();
  const online = useOnline();
  const numberOf = useNumberOf();
  const [open, setOpen] = useState(false);
  const net = netState(online, live);
  const waiting = actions.filter((a) => a.state === 'pending' || a.state === 'sending').length;
  const refused = actions.filter((a) => a.state === 'refused').length;
  const heldBy = [...new Set(actions.filter((a) => a.state === 'held').map((a) => a.userName || 'someone else'))];
  const held = actions.length - waiting - refused;

  useEffect(() => {
    if (!actions.length) setOpen(false);
  }, [actions.length]);

  let text = '';
  // Short: the header also carries the technician's name, which the longer "N waiting to send" cut
  // to "Freya J…" on a phone; the button's label and the list say it in full.
  if (waiting) text = `${waiting} to send`;
  else if (refused) text = `${refused} not accepted`;
  // First names keep the header short; the list says the rest.
  else if (held) text = `${held} queued by ${heldBy.length === 1 ? heldBy[0]!.split(' ')[0] : 'others'}`;
  else if (net === 'offline') text = 'Offline';
  return (
    <>
      <button
        type="button"
        className={`crew-pending net-${net} ${refused ? 'has-refused' : held && !waiting ? 'has-held' : ''} ${text ? '' : 'empty'}`}
        data-testid="crew-pending"
        data-count={waiting}
        data-refused={refused}
        data-held={held}
        data-net={net}
        aria-label={
          text ? `${waiting ? `${waiting} waiting to send` : text}${net === 'offline' ? ', offline' : ''}: show` : 'Everything sent'
        }
        disabled={!actions.length}
        onClick={() => setOpen(true)}
      >
        <span className="crew-pending-dot" aria-hidden />
        {text}
      </button>
      {open && (
        <div className="crew-sheet-backdrop" onClick={() => setOpen(false)}>
          <section
            className="crew-sheet"
            role="dialog"
            aria-label="Waiting to send"
            data-testid="crew-outbox"
            onClick={(e) => e.stopPropagation()}
          >
            <div className="crew-card-row">
              <h2 className="crew-sheet-title">Not yet at the depot</h2>
              <button type="button" className="crew-btn" data-testid="crew-outbox-close" onClick={() => setOpen(false)}>
                Close
              </button>
            </div>
            <p className="small muted crew-sheet-note">
              {waiting === 0 && refused === 0
                ? `Queued on this phone by ${heldBy.join(', ')} before it was paired as you. They are sent only under their own pairing: pair this phone as them to send, or discard.`
                : waiting === 0
                  ? 'The depot did not accept these. Retry once the cause is fixed (it goes to the back of the queue), or discard.'
                  : net === 'offline'
                    ? 'No connection to the depot. Everything is kept on this phone and sent in order when the connection is back.'
                    : net === 'connecting'
                      ? 'Reaching the depot… actions are sent in order as soon as it answers.'
                      : 'Connected. Actions are sent in order; refused ones wait here for you.'}
            </p>
            <ul className="crew-ob-list">
              {actions.map((a) => (
                <ActionRow key={a.id} action={a} number={numberOf(a.workOrderId)} offline={net === 'offline'} />
              ))}
            </ul>
          </section>
        </div>
      )}
    </>
  );
}

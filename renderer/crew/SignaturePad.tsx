import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { workOrderQueries } from '../shared/work-orders/queries';
import { crewActions } from './actions';
import type { OutboxAction } from './offline/types';
import { uploadsOf } from './pending';
import { HostThumb, LocalThumb, PendingMark, Refused, Viewer } from './proof-ui';

/**
 * The customer signs on the phone with a finger: pointer events (touch, pen, mouse), one stroke per
 * pointer-down, drawn at device pixel ratio so the exported PNG is crisp. Name is required (the
 * host refuses a signature without a signer).
 */
function Pad({ onChange, clearRef }: { onChange(hasInk: boolean): void; clearRef: React.RefObject<(() => void) | null> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ id: number; x: number; y: number } | null>(null);

  useEffect(() => {
    const c = canvas.current!;
    const size = () => {
      const rect = c.getBoundingClientRect();
      const dpr = Math.min(window.devicePixelRatio || 1, 2);
      c.width = Math.round(rect.width * dpr);
      c.height = Math.round(rect.height * dpr);
      const g = c.getContext('2d')!;
      g.scale(dpr, dpr);
      // White, not transparent: the host's thumbnail is a JPEG, where transparency turns black.
      g.fillStyle = '#ffffff';
      g.fillRect(0, 0, rect.width, rect.height);
      g.lineCap = 'round';
      g.lineJoin = 'round';
      g.lineWidth = 2.6;
      g.strokeStyle = '#0b1f3a';
      onChange(false);
    };
    size();
    clearRef.current = size;
    return () => {
      clearRef.current = null;
    };
  }, [onChange, clearRef]);

  const at = (e: React.PointerEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  return (
    <canvas
      ref={canvas}
      className="cp-pad"
      data-testid="crew-signature-pad"
      aria-label="Signature: sign here with your finger"
      onPointerDown={(e) => {
        e.preventDefault();
        canvas.current!.setPointerCapture(e.pointerId);
        const p = at(e);
        drawing.current = { id: e.pointerId, ...p };
        const g = canvas.current!.getContext('2d')!;
        g.beginPath();
        g.arc(p.x, p.y, 1.2, 0, Math.PI * 2);
        g.fillStyle = '#0b1f3a';
        g.fill();
        onChange(true);
      }}
      onPointerMove={(e) => {
        const d = drawing.current;
        if (!d || d.id !== e.pointerId) return;
        const g = canvas.current!.getContext('2d')!;
        // Coalesced events keep fast strokes smooth on phones that batch them.
        const events = e.nativeEvent.getCoalescedEvents?.() ?? [e.nativeEvent];
        const r = canvas.current!.getBoundingClientRect();
        g.beginPath();
        g.moveTo(d.x, d.y);
        for (const ev of events.length ? events : [e.nativeEvent]) {
          d.x = ev.clientX - r.left;
          d.y = ev.clientY - r.top;
          g.lineTo(d.x, d.y);
        }
        g.stroke();
      }}
      onPointerUp={() => (drawing.current = null)}
      onPointerCancel={() => (drawing.current = null)}
    />
  );
}

export function SignaturePad({
  workOrderId,
  required,
  pending,
  disabled,
}: {
  workOrderId: string;
  required: boolean;
  pending: OutboxAction[];
  disabled: boolean;
}) {
  const attachments = useQuery(workOrderQueries.attachments(workOrderId));
  const stored = (attachments.data?.items ?? []).filter((a) => a.kind === 'signature');
  const queued = uploadsOf(pending, 'signature');
  const [signing, setSigning] = useState(false);
  const [name, setName] = useState('');
  const [hasInk, setHasInk] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<(typeof stored)[number] | null>(null);
  const clearRef = useRef<(() => void) | null>(null);
  const padBox = useRef<HTMLDivElement>(null);
  const have = stored.length > 0 || queued.some((a) => a.state !== 'refused');

  const save = async () => {
    const c = padBox.current?.querySelector('canvas');
    if (!c || !hasInk || !name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const png = await new Promise<Blob | null>((resolve) => c.toBlob(resolve, 'image/png'));
      if (!png) throw new Error('The signature could not be saved on this phone.');
      await crewActions.upload(workOrderId, 'signature', png, 'signature.png', {
        signerName: name.trim(),
        takenAt: new Date().toISOString(),
      });
      setSigning(false);
      setName('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      className={`crew-block ${required && !have ? 'cp-needed' : ''}`}
      data-testid="crew-signature"
      data-signed={have ? 'yes' : 'no'}
    >
      <div className="crew-label">Customer signature {required && <span className="crew-req">required</span>}</div>
      {(stored.length > 0 || queued.length > 0) && (
        <div className="cp-thumbs">
          {stored.map((a) => (
            <div key={a.id} className="cp-sig">
              <HostThumb a={a} onOpen={() => setOpen(a)} />
              <span className="small">{String((a.meta as { signerName?: string } | null)?.signerName ?? '')}</span>
            </div>
          ))}
          {queued.map((a) => (
            <div key={a.id} className="cp-sig">
              <LocalThumb action={a} />
              <span className="small">
                {a.label.replace(/^Signature \((.*)\)$/, '$1')} <PendingMark action={a} />
              </span>
            </div>
          ))}
        </div>
      )}
      {queued.map((a) => (
        <Refused key={a.id} action={a} />
      ))}
      {error && (
        <p role="alert" className="crew-error">
          {error}
        </p>
      )}
      {signing ? (
        <div className="cp-signing">
          <div ref={padBox} className="cp-pad-box">
            <Pad onChange={setHasInk} clearRef={clearRef} />
            {!hasInk && <span className="cp-pad-hint">Sign here</span>}
            <span className="cp-pad-line" />
          </div>
          <label className="crew-field">
            <span>Name of the person signing</span>
            <input
              data-testid="crew-signer-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoComplete="name"
              maxLength={120}
              placeholder="Full name"
            />
          </label>
          <div className="crew-row-buttons">
            <button type="button" className="crew-big" onClick={() => clearRef.current?.()} data-testid="crew-signature-clear">
              Clear
            </button>
            <button type="button" className="crew-big" onClick={() => setSigning(false)}>
              Cancel
            </button>
          </div>
          <button
            type="button"
            className="crew-big primary cp-gap"
            disabled={busy || !hasInk || !name.trim()}
            onClick={() => void save()}
            data-testid="crew-signature-save"
          >
            {!hasInk ? 'Sign above first' : !name.trim() ? 'Enter the name' : 'Save signature'}
          </button>
        </div>
      ) : (
        !disabled && (
          <button
            type="button"
            className={`crew-big ${required && !have ? 'primary' : ''}`}
            onClick={() => setSigning(true)}
            data-testid="crew-signature-start"
          >
            {have ? 'Sign again' : 'Customer signs'}
          </button>
        )
      )}
      {open && <Viewer a={open} onClose={() => setOpen(null)} />}
    </section>
  );
}

import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { api, ApiError } from '../../shared/api/client';
import { useSession } from '../../shared/api/session';
import { countdown } from '../../shared/work-orders/labels';
import { useNow } from '../../ui/useNow';
import { useWrite } from './queries';

interface LanInfo {
  crewUrl: string | null;
  fingerprint: string | null;
  problem: string | null;
}
interface PairingCode {
  id: string;
  code: string;
  expiresAt: string;
  pairUrl: string;
}

/**
 * "Pair a phone": a one-time, expiring code for a technician, shown as a QR code of the crew view's
 * LAN address. The phone scans it on the depot Wi-Fi and is signed in as that technician.
 */
export function PairPhone({ userId, userName }: { userId: string; userName: string }) {
  const session = useSession();
  const lan = useQuery({ queryKey: ['sessions', 'lan'], queryFn: () => api.get<LanInfo>('/lan'), enabled: session.can('session:manage') });
  const [pairing, setPairing] = useState<PairingCode | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const create = useWrite(['pairing_codes'], () => api.post<PairingCode>('/pairing-codes', { userId }), setPairing);
  const link = pairing && lan.data?.crewUrl ? new URL(pairing.pairUrl, lan.data.crewUrl).toString() : null;

  useEffect(() => {
    if (!link) return;
    let live = true;
    void QRCode.toDataURL(link, { margin: 1, width: 220, errorCorrectionLevel: 'M' }).then((url) => live && setQr(url));
    return () => {
      live = false;
    };
  }, [link]);
  // The code's countdown ticks by the second; with no code shown there is nothing to count.
  const now = useNow(pairing ? 1000 : 60_000);

  if (!session.can('session:manage')) return null;
  const expired = pairing ? Date.parse(pairing.expiresAt) <= now : false;
  return (
    <div data-testid="pair-phone">
      <h4>Crew phone</h4>
      {lan.data && !lan.data.crewUrl && <div className="muted small">Crews cannot connect: {lan.data.problem}</div>}
      {!pairing || expired ? (
        <button onClick={() => create.mutate(undefined)} disabled={create.isPending || !lan.data?.crewUrl} data-testid="pair-phone-create">
          {expired ? 'Code expired: make a new one' : `Pair a phone for ${userName}`}
        </button>
      ) : (
        <div className="pair-box">
          {qr && <img src={qr} width={180} height={180} alt={`QR code to pair a phone: ${link}`} data-testid="pair-qr" />}
          <div>
            <div className="pair-code" data-testid="pair-code">
              {pairing.code}
            </div>
            <div className="muted small">
              On the depot Wi-Fi, scan the code or open <code>{link}</code> and enter the code.
            </div>
            <div className="muted small">One use only · {countdown(pairing.expiresAt, now)}</div>
            {lan.data?.fingerprint && (
              <div className="muted small" title={lan.data.fingerprint}>
                Certificate {lan.data.fingerprint.slice(0, 23)}…
              </div>
            )}
          </div>
        </div>
      )}
      {create.error instanceof ApiError && <div className="form-error">{create.error.message}</div>}
    </div>
  );
}

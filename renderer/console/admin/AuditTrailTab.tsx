import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import { FormError } from './forms';
import { verifyAuditTrail, type AuditVerificationDto } from './audit-queries';
import { useDepotFormat } from '../../shared/locale/context';

/**
 * "Verify audit trail": the host recomputes the organization's audit hash chain and says whether it
 * is whole, with the head to compare against a printed report, or which row is the first broken one.
 */
export function AuditTrailTab({ toolbar }: { toolbar: ReactNode }) {
  const verify = useMutation({ mutationFn: verifyAuditTrail });
  const state = verify.isPending ? 'loading' : verify.data ? (verify.data.ok ? 'ok' : 'broken') : 'ready';
  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="audit" data-state={verify.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        <button className="primary" disabled={verify.isPending} onClick={() => verify.mutate()} data-testid="verify-audit">
          {verify.isPending ? 'Verifying…' : 'Verify audit trail'}
        </button>
      </div>
      <div className="adm-audit" data-testid="audit-verification" data-result={state}>
        <p className="muted">
          Every change is recorded in the audit trail, and each entry is chained to the one before it by a SHA-256 hash. Verifying
          recomputes the whole chain: an entry edited, deleted or slipped in outside DepotDesk breaks it. Compare the head with the one
          printed in the footer of a KPI report or jobcard: a different hash for the same row count means the history was rewritten.
        </p>
        {verify.error && <FormError error={verify.error} shown={[]} />}
        {verify.data && <Result r={verify.data} />}
      </div>
    </div>
  );
}

function Result({ r }: { r: AuditVerificationDto }) {
  const fmt = useDepotFormat();
  const head = r.head && (
    <div data-testid="audit-head">
      {/* Worded like the footer of the printed reports, so the two can be compared at a glance. */}
      Audit chain: {fmt.number(r.head.seq)} rows · head <code title={r.head.hash}>{r.head.hash.slice(0, 16)}</code> ·{' '}
      {fmt.dateTime(r.head.at)}
    </div>
  );
  if (r.ok) {
    return (
      <div className="adm-audit-result sla-ok">
        <b>Audit trail intact</b>
        <div>
          All {fmt.number(r.rowsChecked)} entries check out ({(r.durationMs / 1000).toFixed(1)} s).
        </div>
        {head}
      </div>
    );
  }
  const b = r.firstBroken;
  return (
    <div className="adm-audit-result sla-breached">
      <b>Audit trail broken</b>
      <div>
        {fmt.number(r.brokenRows)} of {fmt.number(r.rowsChecked)} entries do not check out.
      </div>
      {b && (
        <div data-testid="audit-first-broken">
          First broken entry: <code>{b.id}</code> ({b.action}
          {b.seq === null ? '' : `, #${b.seq}`}, {b.at ? fmt.dateTime(b.at) : 'no valid time'}): {b.reason}.
        </div>
      )}
      {head}
    </div>
  );
}

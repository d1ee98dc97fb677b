import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../shared/api/client';
import { Field } from '../admin/forms';
import { fieldErrors } from '../admin/queries';
import { syncActions } from './queries';
import { enrolErrorText } from './status-label';

/**
 * Joining the organization's hub: its address and the one-time code a hub admin issued. The hub's
 * answer is shown where it belongs: a bad address under the address, a refused code (wrong, used,
 * expired, another organization) or an unreachable hub above the button, in the host's own words.
 */
export function EnrolForm({ onEnrolled }: { onEnrolled?(): void }) {
  const qc = useQueryClient();
  const [hubUrl, setHubUrl] = useState('');
  const [code, setCode] = useState('');
  const enrol = useMutation({ mutationFn: () => syncActions.enrol(qc, { hubUrl, code }), onSuccess: () => onEnrolled?.() });
  const fields = fieldErrors(enrol.error);
  const err = enrol.error instanceof ApiError ? enrol.error : null;
  if (err?.code === 'hub_url_invalid') fields.hubUrl ??= err.message;
  const shownOnFields = Object.keys(fields).length > 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    enrol.mutate();
  };
  return (
    <form className="sync-enrol" onSubmit={submit} aria-labelledby="sync-enrol-title" data-testid="sync-enrol-form" noValidate>
      <h3 id="sync-enrol-title">Join the organization’s hub</h3>
      <p className="muted">
        This depot works on its own today. Joining a hub sends its work orders and history to the organization’s hub and brings other
        depots’ changes here. The depot never waits for the hub: everything keeps working while the hub is out of reach.
      </p>
      <Field label="Hub address" error={fields.hubUrl}>
        <input
          value={hubUrl}
          onChange={(e) => setHubUrl(e.target.value)}
          placeholder="https://hub.example.org"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          required
          aria-invalid={Boolean(fields.hubUrl)}
          data-testid="sync-hub-input"
        />
      </Field>
      <Field label="Enrolment code (from a hub admin; one use, valid 24 h)" error={fields.code}>
        <input
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
          aria-invalid={Boolean(fields.code)}
          data-testid="sync-code-input"
        />
      </Field>
      {enrol.error && !shownOnFields && (
        <div className="form-error" role="alert" data-testid="sync-enrol-error" data-code={err?.code ?? 'error'}>
          {enrolErrorText(err?.code ?? null, enrol.error instanceof Error ? enrol.error.message : String(enrol.error))}
        </div>
      )}
      <div>
        <button type="submit" className="primary" disabled={enrol.isPending} data-testid="sync-enrol-submit">
          {enrol.isPending ? 'Contacting the hub…' : 'Join hub'}
        </button>
      </div>
    </form>
  );
}

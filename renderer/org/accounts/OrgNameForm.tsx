import { useEffect, useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RenameOrgRequest } from '../../../server/hub/accounts/contract';
import { useMe } from '../session/session';
import { fromError, fromZod, NO_ERRORS, type FormErrors } from './field-errors';
import { renameOrg } from './queries';

/** The organization's name, as the header, the overview and the reports show it. */
export function OrgNameForm() {
  const me = useMe();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState(me.org.name);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saved, setSaved] = useState(false);
  useEffect(() => setName(me.org.name), [me.org.name]);
  const rename = useMutation({
    mutationFn: renameOrg,
    onSuccess: () => {
      setSaved(true);
      // The header reads /auth/me; the overview names the organization too.
      void queryClient.invalidateQueries({ queryKey: ['me'] });
      void queryClient.invalidateQueries({ queryKey: ['org', 'overview'] });
    },
    onError: (err) => setErrors(fromError(err)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const parsed = RenameOrgRequest.safeParse({ name });
    if (!parsed.success) return setErrors(fromZod(parsed.error));
    setErrors(NO_ERRORS);
    rename.mutate(parsed.data.name);
  };
  const message = errors.fields.name ?? errors.form;
  return (
    <form className="rep-panel org-form" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="org-name-form">
      <h3 id={`${id}-title`}>Organization</h3>
      <div className="org-form-row">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setSaved(false);
          }}
          aria-invalid={message ? true : undefined}
          data-testid="org-name-input"
        />
        <button type="submit" disabled={rename.isPending || name.trim() === me.org.name} data-testid="org-name-save">
          {rename.isPending ? 'Saving…' : 'Rename'}
        </button>
        {saved && (
          <span className="org-ok-text" role="status">
            Saved.
          </span>
        )}
      </div>
      {message && (
        <div className="form-error" role="alert" data-testid="org-name-error">
          {message}
        </div>
      )}
    </form>
  );
}

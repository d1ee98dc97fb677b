import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useSession } from '../shared/api/session';
import { crewWrites } from './queries';
import { go } from './router';

/** A dispatcher shows a one-time code (QR → /crew/#/pair?code=…); claiming it signs this phone in. */
export function PairScreen({ initialCode }: { initialCode: string }) {
  const session = useSession();
  const [code, setCode] = useState(initialCode);
  const claim = useMutation({
    mutationFn: (c: string) => crewWrites.claim(c.trim().toUpperCase()),
    onSuccess: (answer) => {
      session.signIn(answer.token, true);
      go('#/work');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (code.trim()) claim.mutate(code);
  };
  return (
    <main className="crew-pair" data-testid="crew-pair" data-state="ready">
      <h1>DepotDesk crew</h1>
      <p className="muted">Pair this phone with the depot to see your work orders.</p>
      {initialCode && (
        <div className="crew-code" data-testid="pair-code">
          {initialCode}
        </div>
      )}
      <form onSubmit={submit}>
        <label className="crew-field">
          <span>{initialCode ? 'Pairing code' : 'Enter the code shown at the depot desk'}</span>
          <input
            data-testid="pair-code-input"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            placeholder="ABCD-EFGH"
            autoCapitalize="characters"
            autoComplete="one-time-code"
            inputMode="text"
          />
        </label>
        {claim.error && (
          <p role="alert" className="crew-error" data-testid="pair-error">
            {claim.error.message}
          </p>
        )}
        <button type="submit" className="crew-big primary" data-testid="pair-submit" disabled={claim.isPending || !code.trim()}>
          {claim.isPending ? 'Pairing…' : 'Pair this phone'}
        </button>
      </form>
      {session.user && (
        <p className="small muted">
          Paired as {session.user.name}. <a href="#/work">Go to my work</a>
        </p>
      )}
    </main>
  );
}

import { useCallback, useState, type FormEvent } from 'react';
import type { MeshPassphraseRequestShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';

/**
 * Asks for the passphrase of an encrypted SSH key whenever the mesh needs one, whatever
 * view is open. The passphrase goes to the engine once and is not kept here.
 */
export function PassphraseDialog() {
  const [queue, setQueue] = useState<MeshPassphraseRequestShape[]>([]);
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEvent(
    'mesh:passphraseRequest',
    useCallback((request: MeshPassphraseRequestShape) => setQueue((list) => [...list, request]), []),
  );
  const current = queue[0];
  if (!current) return error !== null ? <ErrorBox error={error} title="Passphrase" /> : null;

  const answer = async (passphrase: string | null) => {
    setValue('');
    setQueue((list) => list.slice(1));
    try {
      const { accepted } = await call('mesh:passphrase', { requestId: current.requestId, passphrase });
      setError(accepted ? null : new Error(`The request for ${current.keyPath} had already expired; choose Retry on ${current.member} to be asked again.`));
    } catch (e) {
      setError(e);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void answer(value);
  };

  return (
    <dialog open aria-labelledby="mesh-passphrase-title" data-testid="mesh-passphrase-dialog">
      <form className="stack" onSubmit={submit}>
        <h3 id="mesh-passphrase-title">Passphrase for {current.member}</h3>
        <p>
          The SSH key <span className="mono">{current.keyPath}</span> is encrypted. Pond Desktop keeps the unlocked key in memory only, until
          you disconnect.
        </p>
        {current.problem && (
          <div className="error-box" role="alert" data-testid="mesh-passphrase-problem">
            {current.problem}
          </div>
        )}
        <label>
          Passphrase
          <input type="password" autoComplete="off" autoFocus value={value} onChange={(e) => setValue(e.target.value)} data-testid="mesh-passphrase-input" />
        </label>
        <div className="row">
          <button type="submit" className="primary" data-testid="mesh-passphrase-submit">
            Unlock
          </button>
          <button type="button" onClick={() => void answer(null)} data-testid="mesh-passphrase-cancel">
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

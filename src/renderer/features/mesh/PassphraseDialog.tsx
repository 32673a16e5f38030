import { useCallback, useState, type FormEvent } from 'react';
import type { MeshPassphraseRequestShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import { Modal } from '../../ui/Modal';

/**
 * Asks for the passphrase of an encrypted SSH key whenever the mesh needs one, whatever
 * view is open, as a modal. The passphrase goes to the engine once and is not kept here;
 * closing the dialog answers "no passphrase".
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

  const answer = async (request: MeshPassphraseRequestShape, passphrase: string | null) => {
    setValue('');
    setQueue((list) => list.filter((r) => r.requestId !== request.requestId));
    try {
      const { accepted } = await call('mesh:passphrase', { requestId: request.requestId, passphrase });
      setError(accepted ? null : new Error(`The request for ${request.keyPath} had already expired; choose Retry now on ${request.member} in the Forwards tab to be asked again.`));
    } catch (e) {
      setError(e);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (current) void answer(current, value);
  };

  return (
    <>
      {error !== null && !current && (
        <div className="notices" aria-live="polite">
          <div className="notice error">
            <ErrorBox error={error} title="Passphrase" />
            <button type="button" className="small" onClick={() => setError(null)}>
              Dismiss
            </button>
          </div>
        </div>
      )}
      {current && (
        <Modal
          key={current.requestId}
          open
          onClose={() => void answer(current, null)}
          testId="mesh-passphrase-dialog"
          title={`Passphrase for ${current.member}`}
          description={
            <>
              The SSH key <span className="path">{current.keyPath}</span> is encrypted. Pond Desktop keeps the unlocked key in memory only, until you disconnect.
            </>
          }
        >
          <form className="stack" onSubmit={submit}>
            {current.problem && (
              <div className="error-box" role="alert" data-testid="mesh-passphrase-problem">
                {current.problem}
              </div>
            )}
            <div className="field">
              <label htmlFor="mesh-passphrase-input">Passphrase</label>
              <input id="mesh-passphrase-input" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} data-testid="mesh-passphrase-input" />
            </div>
            <div className="row end">
              <button type="button" onClick={() => void answer(current, null)} data-testid="mesh-passphrase-cancel">
                Cancel
              </button>
              <button type="submit" className="primary" data-testid="mesh-passphrase-submit">
                Unlock
              </button>
            </div>
          </form>
        </Modal>
      )}
    </>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { errorText } from '../../ui/error-text';
import { parsePortInput } from './port-edit';
import { useChoosePort, useResetPort, type ForwardRef } from './use-ports';

/**
 * Change port on a forward's row: the port to listen on, kept across restarts. A connected
 * forward moves at once; a refused port says why (taken, and by what).
 */
export function PortEdit({ forward, chosen, current, testId }: { forward: ForwardRef; chosen: number | null; current: number | null; testId: string }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const choose = useChoosePort();
  const reset = useResetPort();
  const inputId = useId();
  const busy = choose.isPending || reset.isPending;
  const what = `port ${forward.remotePort} of ${forward.member}`;

  const start = () => {
    setText(String(chosen ?? current ?? ''));
    setProblem(null);
    choose.reset();
    reset.reset();
    setOpen(true);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parsePortInput(text);
    if (!parsed.ok) {
      setProblem(parsed.problem);
      return;
    }
    setProblem(null);
    choose.mutate({ ...forward, localPort: parsed.port }, { onSuccess: () => setOpen(false) });
  };

  if (!open) {
    return (
      <button type="button" className="small" aria-label={`Change the local port of ${what}`} onClick={start} data-testid={`${testId}-port-edit`}>
        Change port
      </button>
    );
  }
  const failure = problem ?? (choose.error ? errorText(choose.error) : reset.error ? errorText(reset.error) : null);
  return (
    <form className="port-edit" onSubmit={submit} aria-label={`Local port of ${what}`} data-testid={`${testId}-port-form`}>
      <label htmlFor={inputId}>Local port</label>
      <input
        id={inputId}
        className="port-input"
        inputMode="numeric"
        autoComplete="off"
        value={text}
        aria-invalid={failure !== null}
        onChange={(event) => setText(event.target.value)}
        data-testid={`${testId}-port-input`}
      />
      <button type="submit" className="small primary" disabled={busy} data-testid={`${testId}-port-save`}>
        Use port
      </button>
      {chosen !== null && (
        <button type="button" className="small" disabled={busy} onClick={() => reset.mutate(forward, { onSuccess: () => setOpen(false) })} data-testid={`${testId}-port-auto`}>
          Automatic
        </button>
      )}
      <button type="button" className="small" disabled={busy} onClick={() => setOpen(false)} data-testid={`${testId}-port-cancel`}>
        Cancel
      </button>
      {failure !== null && (
        <p className="field-error" role="alert" data-testid={`${testId}-port-error`}>
          {failure}
        </p>
      )}
    </form>
  );
}
